"""A monitoring report small enough to check by hand: three monthly windows of four rows, two features, two models.

The reference is 2017-01. The ensemble (an average, so the summary speaks of it) gives every row a base of 10 and
contributions a = 1, b = 1 in the reference; b rises to 1.5 in 2017-02, a to 3 in 2017-03. The forest keeps a = 1
and b = 1 until 2017-03, when b jumps to 3. Feature a's values move in 2017-03 (PSI above 0.25).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from portal.analyses import AlertThresholds, MonitoringReport, Windows, monitoring_report
from portal.results import RAW, AverageMember, Explanation, Provenance

LABELS = ("2017-01", "2017-02", "2017-03")
ROWS = 4
CONTRIBUTIONS = {  # model -> per window (a, b)
    "Forest": ((1.0, 1.0), (1.0, 1.0), (1.0, 3.0)),
    "Ensemble": ((1.0, 1.0), (1.0, 1.5), (3.0, 1.5)),
}


def tiny_windows() -> Windows:
    return Windows("month", LABELS, np.repeat(np.arange(len(LABELS)), ROWS), (True, False, False))


def tiny_explanation(name: str) -> Explanation:
    values = np.repeat(np.array(CONTRIBUTIONS[name], dtype=np.float64), ROWS, axis=0)
    values = values + np.tile(np.array([[0.0, 0.0], [0.1, 0.1], [-0.1, -0.1], [0.0, 0.0]]), (len(LABELS), 1))
    base = np.full(len(values), 10.0)
    members = (AverageMember("Forest", 1.0, "fake", True),) if name == "Ensemble" else ()
    provenance = Provenance(f"model-{name}", "data-tiny", "fake", exact=True, members=members)
    ids = np.array([f"R{i:02d}" for i in range(len(values))])
    return Explanation(name, ("a", "b"), ids, values, base, base + values.sum(axis=1), RAW, provenance)


def tiny_features() -> pd.DataFrame:
    a = np.array([1.0, 2.0, 3.0, 4.0] * 2 + [40.0, 50.0, 60.0, 70.0])
    return pd.DataFrame({"a": a, "b": np.tile([5.0, 6.0, 7.0, 8.0], len(LABELS))})


def tiny_report() -> MonitoringReport:
    explanations = [tiny_explanation(name) for name in CONTRIBUTIONS]
    return monitoring_report(explanations, tiny_windows(), tiny_features(), AlertThresholds())
