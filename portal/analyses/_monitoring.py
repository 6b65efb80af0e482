"""A model over time: its attribution, ranking, shift tests, data drift and error per window, and the alerts they
raise against the project's thresholds (``[monitoring.alerts]``).

Alerts are deliberately conservative, because a person acts on each one: an attribution shift needs both a share
moved by at least the threshold and a shift test significant after Holm's correction, so a small window's noise
does not raise it; the other kinds compare one number with its threshold.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from portal.analyses._attribution_over_time import (
    RankAgreement,
    ShiftTests,
    WindowAttribution,
    attribution_by_window,
    rank_agreement,
    reference_attribution,
    shift_tests,
)
from portal.analyses._drift import (
    ErrorConcentration,
    WindowError,
    error_concentration,
    psi,
    reference_bins,
    unseen_share,
    window_error,
)
from portal.analyses._windows import Windows
from portal.results import Explanation


@dataclass(frozen=True)
class AlertThresholds:
    """When a change becomes an alert; the defaults are the issue's and the config's."""

    attribution_shift: float = 0.10  # a feature's share of total |attribution| moves by this much (absolute)
    rank_agreement: float = 0.80  # Kendall tau-b against the reference below this
    psi: float = 0.25  # population stability index above this
    prediction_shift: float = 0.10  # mean prediction moves by this fraction of the reference's
    error_rise: float = 0.10  # the window's error (MAE or Brier) rises by this fraction of the reference's
    significance: float = 0.05  # Holm-corrected p-value an attribution shift must be below


@dataclass(frozen=True)
class Alert:
    """One change that crossed its threshold."""

    model: str
    window: str
    feature: str | None
    kind: str  # attribution_shift | rank_agreement | psi | prediction_shift | error_rise
    value: float
    threshold: float
    reason: str


@dataclass(frozen=True, eq=False)
class DataDrift:
    """Per window and feature: PSI against the reference and the share of unseen categories."""

    features: tuple[str, ...]
    psi: np.ndarray  # (n_windows, n_features)
    unseen: np.ndarray  # (n_windows, n_features)


@dataclass(frozen=True, eq=False)
class ModelOverTime:
    """Everything monitoring says about one model, window by window (oldest first)."""

    model: str
    scale: str
    features: tuple[str, ...]
    windows: Windows
    attribution: tuple[WindowAttribution, ...]
    reference_share: np.ndarray
    reference_prediction: float  # mean prediction over the reference rows
    reference_spread: float  # their standard deviation: the yardstick of a prediction shift when the mean is near 0
    agreement: tuple[RankAgreement, ...]
    shifts: ShiftTests
    drift: DataDrift
    errors: tuple[WindowError, ...] = ()
    reference_error: WindowError | None = None
    concentration: tuple[ErrorConcentration, ...] = ()


def data_drift(features: pd.DataFrame, windows: Windows) -> DataDrift:
    """PSI and unseen-category share of every feature in every window, against the reference rows (NaN for a
    window without rows)."""
    reference_rows = windows.reference_rows
    names = tuple(str(c) for c in features.columns)
    shape = (len(windows.labels), len(names))
    stability, unseen = np.zeros(shape), np.zeros(shape)
    for j, name in enumerate(features.columns):
        reference = features[name].iloc[reference_rows]
        bins = reference_bins(reference)
        for i in range(len(windows.labels)):
            window = features[name].iloc[np.flatnonzero(windows.row_window == i)]
            if window.empty:  # a window a sample of rows misses: nothing to compare, not a drift
                stability[i, j] = unseen[i, j] = np.nan
                continue
            stability[i, j] = psi(reference, window, bins)
            unseen[i, j] = unseen_share(reference, window)
    return DataDrift(names, stability, unseen)


def model_over_time(
    explanation: Explanation,
    windows: Windows,
    drift: DataDrift,
    labels: tuple[np.ndarray, np.ndarray, str] | None = None,
    features: pd.DataFrame | None = None,
    seed: int = 0,
) -> ModelOverTime:
    """One model's monitoring. ``labels`` is (true values, the model's predictions, task) for the error panels,
    in the explanation's row order; a missing true value leaves its row out, and the caller leaves out the rows
    the models learnt from, so the reference's error is a held-out one. ``features`` finds where an error rise
    sits."""
    attribution = attribution_by_window(explanation, windows, seed)
    reference = reference_attribution(explanation, windows)
    total = reference.sum()
    reference_rows = windows.reference_rows
    values = np.asarray(explanation.values, dtype=np.float64)[reference_rows]
    base = np.asarray(explanation.base_values, dtype=np.float64)[reference_rows]
    predictions = base + values.sum(axis=1)
    over_time = ModelOverTime(
        model=explanation.model_name,
        scale=explanation.output_scale,
        features=tuple(explanation.feature_names),
        windows=windows,
        attribution=attribution,
        reference_share=reference / total if total > 0 else np.zeros_like(reference),
        reference_prediction=float(predictions.mean()) if len(reference_rows) else np.nan,
        reference_spread=float(predictions.std()) if len(reference_rows) else np.nan,
        agreement=rank_agreement(reference, attribution),
        shifts=shift_tests(explanation, windows),
        drift=drift,
    )
    if labels is None:
        return over_time
    return _with_errors(over_time, labels, features)


def _with_errors(over_time: ModelOverTime, labels, features: pd.DataFrame | None) -> ModelOverTime:
    y_true, predicted, task = labels
    windows = over_time.windows
    errors = tuple(
        window_error(label, y_true[rows], predicted[rows], task)
        for label, rows in ((label, np.flatnonzero(windows.row_window == i)) for i, label in enumerate(windows.labels))
    )
    reference_rows = windows.reference_rows
    reference_error = window_error("reference", y_true[reference_rows], predicted[reference_rows], task)
    concentration: tuple[ErrorConcentration, ...] = ()
    if features is not None:
        known = ~pd.isna(y_true)
        abs_error = np.abs(np.asarray(predicted, dtype=np.float64) - np.where(known, y_true, np.nan).astype(float))
        labelled_reference = reference_rows[known[reference_rows]]
        concentration = tuple(
            error_concentration(label, features, abs_error, labelled_reference, rows[known[rows]])
            for label, rows in (
                (label, np.flatnonzero(windows.row_window == i)) for i, label in enumerate(windows.labels)
            )
        )
    return replace(over_time, errors=errors, reference_error=reference_error, concentration=concentration)
