"""Held-out performance as curves and tables a person reads: ROC, precision-recall, calibration, lift, confusion;
predicted against actual, residuals and error by segment for regression.

Everything is computed on the server from the held-out rows with scikit-learn and thinned to at most
``max_points`` points per curve, so a figure stays small however many rows were scored (100k held-out rows
give a ROC curve of up to 100k thresholds; the browser gets a few hundred). Areas and scores are computed
on the full curve before thinning.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn import metrics as skm
from sklearn.calibration import calibration_curve

from portal.analyses._dependence import category_order

MAX_POINTS = 200
CALIBRATION_BINS = 10


@dataclass(frozen=True, eq=False)
class ClassificationCurves:
    """One model's held-out curves for the positive class; ``n`` is how many held-out rows they come from."""

    model_name: str
    n: int
    roc_fpr: np.ndarray
    roc_tpr: np.ndarray
    roc_auc: float
    pr_recall: np.ndarray
    pr_precision: np.ndarray
    average_precision: float
    calibration_predicted: np.ndarray  # mean predicted probability per non-empty bin
    calibration_observed: np.ndarray  # share of positives per non-empty bin
    brier: float
    lift_fraction: np.ndarray  # share of rows targeted, highest scores first
    lift: np.ndarray  # positive rate among them / overall positive rate


@dataclass(frozen=True)
class Confusion:
    """Counts at one decision threshold (predict positive when the probability is at least the threshold)."""

    threshold: float
    true_positive: int
    false_positive: int
    true_negative: int
    false_negative: int

    @property
    def precision(self) -> float:
        predicted = self.true_positive + self.false_positive
        return self.true_positive / predicted if predicted else float("nan")

    @property
    def recall(self) -> float:
        actual = self.true_positive + self.false_negative
        return self.true_positive / actual if actual else float("nan")

    @property
    def accuracy(self) -> float:
        total = self.true_positive + self.false_positive + self.true_negative + self.false_negative
        return (self.true_positive + self.true_negative) / total if total else float("nan")


@dataclass(frozen=True, eq=False)
class RegressionDiagnostics:
    """Predicted against actual (a seeded sample of at most ``max_points`` rows) and error by segment."""

    model_name: str
    n: int
    actual: np.ndarray
    predicted: np.ndarray
    residuals: np.ndarray  # actual - predicted, for the same sampled rows
    error_by_segment: Mapping[str, Mapping[str, float]]  # segment column -> level -> mean absolute error


def classification_curves(
    model_name: str, y_true: np.ndarray, probability: np.ndarray, *, max_points: int = MAX_POINTS
) -> ClassificationCurves:
    """Curves of the positive class (``y_true`` is 0/1, ``probability`` its predicted probability)."""
    y_true, probability = np.asarray(y_true).astype(int), np.asarray(probability, dtype=np.float64)
    fpr, tpr, _ = skm.roc_curve(y_true, probability)
    precision, recall, _ = skm.precision_recall_curve(y_true, probability)
    observed, predicted = calibration_curve(y_true, probability, n_bins=CALIBRATION_BINS, strategy="uniform")
    fraction, lift = _lift(y_true, probability)
    roc = _thin(max_points, fpr, tpr)
    pr = _thin(max_points, recall[::-1], precision[::-1])
    gains = _thin(max_points, fraction, lift)
    return ClassificationCurves(
        model_name=model_name,
        n=len(y_true),
        roc_fpr=roc[0],
        roc_tpr=roc[1],
        roc_auc=float(skm.roc_auc_score(y_true, probability)),
        pr_recall=pr[0],
        pr_precision=pr[1],
        average_precision=float(skm.average_precision_score(y_true, probability)),
        calibration_predicted=predicted,
        calibration_observed=observed,
        brier=float(skm.brier_score_loss(y_true, probability)),
        lift_fraction=gains[0],
        lift=gains[1],
    )


def confusion_at(y_true: np.ndarray, probability: np.ndarray, threshold: float) -> Confusion:
    """The confusion counts when every row with probability >= ``threshold`` is called positive."""
    y_true = np.asarray(y_true).astype(bool)
    called = np.asarray(probability, dtype=np.float64) >= threshold
    return Confusion(
        threshold=float(threshold),
        true_positive=int((called & y_true).sum()),
        false_positive=int((called & ~y_true).sum()),
        true_negative=int((~called & ~y_true).sum()),
        false_negative=int((~called & y_true).sum()),
    )


def regression_diagnostics(
    model_name: str,
    actual: np.ndarray,
    predicted: np.ndarray,
    segments: Mapping[str, np.ndarray] | None = None,
    *,
    max_points: int = 2_000,
    seed: int = 0,
) -> RegressionDiagnostics:
    """Sampled predicted-vs-actual points and the mean absolute error per level of each segment column."""
    actual, predicted = np.asarray(actual, dtype=np.float64), np.asarray(predicted, dtype=np.float64)
    chosen = np.arange(len(actual))
    if len(actual) > max_points:
        chosen = np.sort(np.random.default_rng(seed).choice(len(actual), size=max_points, replace=False))
    errors = np.abs(actual - predicted)
    by_segment = {
        column: {str(level): float(errors[np.asarray(levels) == level].mean()) for level in _levels(levels)}
        for column, levels in (segments or {}).items()
    }
    return RegressionDiagnostics(
        model_name=model_name,
        n=len(actual),
        actual=actual[chosen],
        predicted=predicted[chosen],
        residuals=actual[chosen] - predicted[chosen],
        error_by_segment=by_segment,
    )


def _lift(y_true: np.ndarray, probability: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Lift after targeting the top q of rows by score, for every q (ties broken by row order)."""
    order = np.argsort(-probability, kind="stable")
    hits = np.cumsum(y_true[order])
    targeted = np.arange(1, len(order) + 1)
    base_rate = y_true.mean() if len(y_true) else 0.0
    lift = (hits / targeted) / base_rate if base_rate > 0 else np.full(len(order), np.nan)
    return targeted / len(order), lift


def _thin(max_points: int, x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points`` evenly spaced points of a curve, always keeping its first and last point."""
    if len(x) <= max_points:
        return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)
    keep = np.unique(np.linspace(0, len(x) - 1, max_points).round().astype(int))
    return np.asarray(x, dtype=np.float64)[keep], np.asarray(y, dtype=np.float64)[keep]


def _levels(levels: np.ndarray) -> list[object]:
    """The segment's levels in reading order (:func:`category_order`: bands such as "<25", "25-40", "60+" and
    numbers by value, not as text, where "10" came before "2" and "<25" last)."""
    values = [v for v in dict.fromkeys(np.asarray(levels).tolist()) if v is not None and v == v]  # drop NaN/None
    by_text = {str(v): v for v in values}
    return [by_text[text] for text in category_order(pd.Series(list(by_text), dtype=object))]
