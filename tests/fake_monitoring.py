"""The fake project over time: its 500 rows in five monthly windows, the first two the reference, with planted changes.

From 2024-04 on, tenure's values rise (data drift) and every model leans twice as hard on contract (an attribution
shift, and its mean prediction moves); the labels are the fake's seeded churn, every other reference
rows counting as training rows (no label), so every window has a held-out Brier score.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd

from portal.analyses import COMMON, OWN_SCALE, AlertThresholds, MonitoringReport, Windows, monitoring_report
from portal.results import Explanation

LABELS = ("2024-01", "2024-02", "2024-03", "2024-04", "2024-05")
REFERENCE = (True, True, False, False, False)
CHANGED_FROM = 3  # the window index the planted changes start at
PLANTED_FEATURE, DRIFTED_FEATURE = "contract", "tenure"


def fake_windows(n_rows: int) -> Windows:
    per = -(-n_rows // len(LABELS))
    return Windows("month", LABELS, np.arange(n_rows) // per, REFERENCE)


def fake_report(
    explanations: list[Explanation],
    features: pd.DataFrame,
    churn: np.ndarray,
    scores: dict[str, np.ndarray],
    sample: np.ndarray | None = None,
) -> MonitoringReport:
    """The report of ``explanations`` (the fake's, with the planted changes) over :func:`fake_windows`; with
    ``sample`` (data positions), the common scale's: the explanations are of those rows, the windows restricted."""
    windows = fake_windows(len(features))
    truth = churn.astype(np.float64)
    truth[windows.reference_rows[::2]] = np.nan
    if sample is not None:
        windows, features, truth = windows.restricted(sample), features.iloc[sample], truth[sample]
        scores = {name: values[sample] for name, values in scores.items()}
    changed = windows.row_window >= CHANGED_FROM
    planted = [_leaning_harder(e, changed) for e in explanations]
    drifted = features.assign(
        **{DRIFTED_FEATURE: np.where(changed, features[DRIFTED_FEATURE] + 40, features[DRIFTED_FEATURE])}
    )
    labels = {e.model_name: (truth, scores[e.model_name], "classification") for e in explanations}
    scale = OWN_SCALE if sample is None else COMMON
    return monitoring_report(planted, windows, drifted, AlertThresholds(), labels, scale=scale)


def _leaning_harder(explanation: Explanation, rows: np.ndarray) -> Explanation:
    values = np.array(explanation.values, dtype=np.float64)
    j = explanation.feature_names.index(PLANTED_FEATURE)
    values[rows, j] = 2 * np.abs(values[rows, j])
    return replace(explanation, values=values, outputs=np.asarray(explanation.base_values) + values.sum(axis=1))
