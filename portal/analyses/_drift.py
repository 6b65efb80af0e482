"""Data and error over time: population stability per feature, unseen categories, error per window, and the feature
where a rise in error concentrates.

PSI (population stability index) compares a window's distribution of a feature with the reference's over bins
fixed by the reference: deciles for numbers (so each bin holds a tenth of the reference), the reference's
categories for text, plus one bin for values the reference never had. ``PSI = sum((w - r) * ln(w / r))`` with
empty bins floored at 1e-4 so a bin that appears does not make it infinite. By common practice 0.1 is a small
shift and 0.25 a large one.

Where an error rise concentrates: a model whose errors grew evenly everywhere has drifted as a whole; one whose
errors grew on part of one feature's range has met a change in how that feature relates to the target (the
explanations cannot show it: they explain the model, which did not change). For each feature, the rows are cut
into the reference's bins and the share of the window's absolute-error variance that the bins explain (the
correlation ratio, eta squared) is compared with the reference's. The feature whose eta squared rose most is
named. This reads the errors, not SHAP values of the loss, because it needs only predictions and labels, works
for every model kind and stays exact; it is cheap enough to run on every window.

The watched errors (MAE, Brier) are means over rows, so each window also carries their standard errors: an alert
on an error rise needs the rise to stand out of the noise of a few hundred rows, not only to pass 10%.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

DECILES = 10
FLOOR = 1e-4
UNSEEN = "(unseen)"


@dataclass(frozen=True)
class Bins:
    """How one feature's values are put in bins fixed by the reference."""

    edges: tuple[float, ...] = ()  # inner edges for numbers
    categories: tuple[str, ...] = ()  # the reference's categories for text

    def assign(self, values: pd.Series) -> np.ndarray:
        """Each value's bin: numbers by edges (missing in the last bin), text by category (unseen last)."""
        if self.categories:  # each distinct value looked up once: a window of a 15k-row table has a few dozen
            lookup = {c: i for i, c in enumerate(self.categories)}
            codes, uniques = pd.factorize(values, use_na_sentinel=True)
            found = np.array([lookup.get(str(v), len(self.categories)) for v in uniques], dtype=np.int64)
            missing = lookup.get(str(np.nan), len(self.categories))  # as str(value) did for a missing value
            return np.append(found, missing)[codes] if len(values) else np.zeros(0, dtype=np.int64)
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        found = np.searchsorted(np.asarray(self.edges), numbers, side="right")
        return np.where(np.isnan(numbers), len(self.edges) + 1, found)

    @property
    def size(self) -> int:
        return len(self.categories) + 1 if self.categories else len(self.edges) + 2


def reference_bins(reference: pd.Series) -> Bins:
    """Deciles of a numeric reference (unique inner edges), or its categories for anything else."""
    if pd.api.types.is_numeric_dtype(reference) and not pd.api.types.is_bool_dtype(reference):
        present = reference.dropna().to_numpy(dtype=np.float64)
        if len(present) == 0:
            return Bins(edges=())
        inner = np.unique(np.quantile(present, np.linspace(0, 1, DECILES + 1)[1:-1]))
        return Bins(edges=tuple(float(e) for e in inner))
    return Bins(categories=tuple(sorted({str(v) for v in reference.dropna()})))


def psi(reference: pd.Series, window: pd.Series, bins: Bins | None = None) -> float:
    """Population stability index of ``window`` against ``reference`` (see the module)."""
    bins = bins or reference_bins(reference)
    r = np.bincount(bins.assign(reference), minlength=bins.size) / max(len(reference), 1)
    w = np.bincount(bins.assign(window), minlength=bins.size) / max(len(window), 1)
    r, w = np.maximum(r, FLOOR), np.maximum(w, FLOOR)
    return float(np.sum((w - r) * np.log(w / r)))


def unseen_share(reference: pd.Series, window: pd.Series) -> float:
    """The share of a text feature's window values the reference never had (0 for numbers)."""
    if pd.api.types.is_numeric_dtype(reference) and not pd.api.types.is_bool_dtype(reference):
        return 0.0
    known = {str(v) for v in reference.dropna().unique()}
    present = window.dropna()
    if present.empty:
        return 0.0
    codes, uniques = pd.factorize(present)  # each distinct value looked up once
    unseen = np.array([str(v) not in known for v in uniques], dtype=np.float64)
    return float(unseen[codes].mean())


@dataclass(frozen=True)
class WindowError:
    """A model's error in one window on the rows with labels: MAE and RMSE (regression), AUC and Brier
    score (classification, from probabilities of the positive class)."""

    window: str
    rows: int
    metrics: tuple[tuple[str, float], ...]
    standard_errors: tuple[tuple[str, float], ...] = ()  # of the metrics that are means over rows (MAE, Brier)

    def get(self, name: str) -> float:
        return dict(self.metrics).get(name, np.nan)

    def standard_error(self, name: str) -> float:
        return dict(self.standard_errors).get(name, np.nan)


def window_error(label: str, y_true: np.ndarray, predicted: np.ndarray, task: str) -> WindowError:
    """The error of ``predicted`` against ``y_true`` (rows with a label only) in one window."""
    known = ~pd.isna(y_true)
    y, p = np.asarray(y_true[known], dtype=np.float64), np.asarray(predicted[known], dtype=np.float64)
    if len(y) == 0:
        return WindowError(label, 0, ())
    if task == "regression":
        absolute = np.abs(p - y)
        metrics = (("MAE", float(absolute.mean())), ("RMSE", float(np.sqrt((absolute**2).mean()))))
        return WindowError(label, len(y), metrics, (("MAE", _standard_error(absolute)),))
    from sklearn.metrics import roc_auc_score

    auc = float(roc_auc_score(y, p)) if len(np.unique(y)) == 2 else np.nan
    squared = (p - y) ** 2
    return WindowError(
        label, len(y), (("AUC", auc), ("Brier", float(squared.mean()))), (("Brier", _standard_error(squared)),)
    )


def _standard_error(values: np.ndarray) -> float:
    return float(values.std(ddof=1) / np.sqrt(len(values))) if len(values) > 1 else np.nan


def eta_squared(errors: np.ndarray, groups: np.ndarray) -> float:
    """The share of the variance of ``errors`` explained by the group means (0 when every group is alike)."""
    if len(errors) == 0:  # a window without labelled rows
        return 0.0
    total = float(((errors - errors.mean()) ** 2).sum())
    if total == 0:
        return 0.0
    counts = np.bincount(groups)
    sums = np.bincount(groups, weights=errors)
    present = counts > 0
    means = sums[present] / counts[present]
    return float((counts[present] * (means - errors.mean()) ** 2).sum() / total)


@dataclass(frozen=True)
class ErrorConcentration:
    """Per feature, how much more of the window's absolute error its bins explain than in the reference."""

    window: str
    rises: tuple[tuple[str, float], ...]  # (feature, eta squared in window - in reference), largest first
    method: str = "correlation ratio (eta squared) of absolute error over the reference's bins of each feature"

    @property
    def feature(self) -> str | None:
        return self.rises[0][0] if self.rises and self.rises[0][1] > 0 else None


def error_concentration(
    label: str,
    features: pd.DataFrame,
    abs_error: np.ndarray,
    reference: np.ndarray,
    window: np.ndarray,
) -> ErrorConcentration:
    """Which feature's bins explain the window's absolute error more than they explained the reference's.

    ``reference`` and ``window`` are row positions (with labels) into ``features`` and ``abs_error``.
    """
    rises = []
    for name in features.columns:
        bins = reference_bins(features[name].iloc[reference])
        groups = bins.assign(features[name])
        before = eta_squared(abs_error[reference], groups[reference])
        after = eta_squared(abs_error[window], groups[window])
        rises.append((str(name), after - before))
    rises.sort(key=lambda item: -item[1])
    return ErrorConcentration(label, tuple(rises))
