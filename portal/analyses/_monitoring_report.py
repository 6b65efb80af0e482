"""A project's monitoring in one value: its windows, the data drift, every model over time and the alerts.

:func:`monitoring_report` composes the pieces of :mod:`portal.analyses` ``_monitoring`` for several models
that explain the same rows (data order, one window index per row): the data drift is measured once, since
it is the same for every model, then each model's attribution, shift tests and errors, then the alerts
against one set of thresholds. The result is what the ``monitor`` command writes and the pages draw.

A report is in each model's own scale over every row (``scale = "own"``), or, for a classification project, in
the common scale (``"common"``): every model in probability on the common scale's seeded sample of rows, its
windows :meth:`~portal.analyses.Windows.restricted` to those rows (so every count reads "n of N").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.analyses._alerts import alerts_for
from portal.analyses._monitoring import Alert, AlertThresholds, DataDrift, ModelOverTime, data_drift, model_over_time
from portal.analyses._windows import Windows
from portal.results import Explanation, Provenance

OWN_SCALE = "own"  # each model's own explanation scale, every row; the common scale is analyses.COMMON
#: (true values with NaN where a row has none or the models learnt from it, the model's predictions, task)
Labels = tuple[np.ndarray, np.ndarray, str]


@dataclass(frozen=True, eq=False)
class MonitoringReport:
    """Everything monitoring says about a project, window by window (oldest first)."""

    windows: Windows
    drift: DataDrift
    models: tuple[ModelOverTime, ...]
    provenance: tuple[Provenance, ...]  # per model: how its explanation was computed
    alerts: tuple[Alert, ...]
    thresholds: AlertThresholds
    scale: str = OWN_SCALE  # or "common": probability on the common scale's sample (windows.is_sample)

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(m.model for m in self.models)

    def model(self, name: str) -> ModelOverTime:
        return next(m for m in self.models if m.model == name)


def monitoring_report(
    explanations: Sequence[Explanation],
    windows: Windows,
    features: pd.DataFrame,
    thresholds: AlertThresholds,
    labels: Mapping[str, Labels] | None = None,
    seed: int = 0,
    scale: str = OWN_SCALE,
) -> MonitoringReport:
    """Monitor every model of ``explanations`` (each of every row of ``features``, in its order) over ``windows``.

    ``labels`` maps a model to its :data:`Labels` for the error panels; a model without them has none.
    """
    drift = data_drift(features, windows)
    labels = labels or {}
    models = tuple(
        model_over_time(e, windows, drift, labels.get(e.model_name), features, seed=seed) for e in explanations
    )
    alerts = tuple(alert for model in models for alert in alerts_for(model, thresholds))
    provenance = tuple(e.provenance for e in explanations)
    return MonitoringReport(windows, drift, models, provenance, alerts, thresholds, scale)
