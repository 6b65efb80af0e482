"""One model's explanation over time: attribution per window, its ranking against the reference, shift tests, and
the exact decomposition of a change in the mean prediction.

Everything here reads stored exact explanations grouped by window and recomputes nothing. The numbers are in the
explanation's own scale (its ``output_scale``); shares of total |attribution| are scale-free.

Why these tests: the distribution of a feature's SHAP values in a window is compared with the reference's by a
two-sample Kolmogorov-Smirnov test (scipy), which sees a shift in location, spread or shape without assuming any
of them. There are many features and many windows, so the p-values are corrected with Holm's step-down method
over every (feature, window) pair of the model: it bounds the chance of even one false alarm (the family-wise
error), which is what a monthly report that a person acts on needs, and unlike Bonferroni it loses little power.
The p-value is the exact one for small samples and Kolmogorov's asymptotic distribution from
:data:`EXACT_BELOW` rows per side on, where the two agree to the third digit: scipy's default computes the exact
one up to 10,000 rows, which made it 7.6 of the pricing demo's 10 s report (800 tests).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy import stats

from portal.analyses._windows import Windows
from portal.results import Explanation

BOOTSTRAP_RESAMPLES = 200
EXACT_BELOW = 500  # rows in the smaller sample under which a shift test's p-value is computed exactly


@dataclass(frozen=True, eq=False)
class WindowAttribution:
    """One model's attribution in one window, per feature in the explanation's order."""

    window: str
    rows: int
    mean_abs: np.ndarray  # mean |SHAP| per feature
    share: np.ndarray  # share of total mean |SHAP|, sums to 1
    share_low: np.ndarray  # 95% bootstrap interval of the share
    share_high: np.ndarray
    mean_contribution: np.ndarray  # mean signed SHAP per feature
    mean_base: float
    mean_prediction: float  # mean of base + sum of contributions (the model's output in its scale)


@dataclass(frozen=True)
class RankAgreement:
    """How far a window's importance ranking agrees with the reference's."""

    window: str
    kendall_tau_b: float
    ndcg: float


@dataclass(frozen=True, eq=False)
class ShiftTests:
    """Per window and feature: the KS statistic and the Holm-corrected p-value against the reference."""

    windows: tuple[str, ...]
    statistic: np.ndarray  # (n_windows, n_features)
    p_value: np.ndarray  # Holm-corrected over every (window, feature) pair; NaN for the reference windows
    method: str = "two-sample Kolmogorov-Smirnov on SHAP values, Holm-corrected over features and windows"


@dataclass(frozen=True)
class MeanChange:
    """The change of a model's mean prediction between two windows, split exactly into its parts.

    ``before + base_change + sum(contributions) == after`` to rounding, because every row's prediction is its
    base value plus its contributions, and a mean of sums is the sum of means.
    """

    before_window: str
    after_window: str
    before: float
    after: float
    base_change: float
    contributions: tuple[tuple[str, float], ...]  # (feature, change of its mean contribution), largest first

    @property
    def change(self) -> float:
        return self.after - self.before


def attribution_by_window(explanation: Explanation, windows: Windows, seed: int = 0) -> tuple[WindowAttribution, ...]:
    """Per window (oldest first), the model's attribution on the explained rows that fall in it.

    ``windows`` must describe the explanation's rows in order (one window index per row).
    """
    rng = np.random.default_rng(seed)
    found = []
    for index, label in enumerate(windows.labels):
        rows = np.flatnonzero(windows.row_window == index)
        found.append(_window_attribution(explanation, label, rows, rng))
    return tuple(found)


def _window_attribution(explanation: Explanation, label: str, rows: np.ndarray, rng) -> WindowAttribution:
    values = np.asarray(explanation.values, dtype=np.float64)[rows]
    n_features = values.shape[1]
    if len(rows) == 0:
        empty = np.full(n_features, np.nan)
        return WindowAttribution(label, 0, empty, empty, empty, empty, empty, np.nan, np.nan)
    absolute = np.abs(values)
    mean_abs = absolute.mean(axis=0)
    low, high = _share_interval(absolute, rng)
    base = np.asarray(explanation.base_values, dtype=np.float64)[rows]
    return WindowAttribution(
        window=label,
        rows=len(rows),
        mean_abs=mean_abs,
        share=_shares(mean_abs),
        share_low=low,
        share_high=high,
        mean_contribution=values.mean(axis=0),
        mean_base=float(base.mean()),
        mean_prediction=float((base + values.sum(axis=1)).mean()),
    )


def _shares(mean_abs: np.ndarray) -> np.ndarray:
    total = mean_abs.sum(axis=-1, keepdims=True)
    return np.divide(mean_abs, total, out=np.zeros_like(mean_abs), where=total > 0)


def _share_interval(absolute: np.ndarray, rng) -> tuple[np.ndarray, np.ndarray]:
    """The 2.5th and 97.5th percentiles of each share over bootstrap resamples of the window's rows."""
    n = absolute.shape[0]
    resampled = np.empty((BOOTSTRAP_RESAMPLES, absolute.shape[1]))
    for b in range(BOOTSTRAP_RESAMPLES):
        resampled[b] = absolute[rng.integers(0, n, n)].mean(axis=0)
    shares = _shares(resampled)
    return np.percentile(shares, 2.5, axis=0), np.percentile(shares, 97.5, axis=0)


def reference_attribution(explanation: Explanation, windows: Windows) -> np.ndarray:
    """Mean |SHAP| per feature over the reference rows: the baseline every window is ranked against (NaN
    without reference rows)."""
    values = np.asarray(explanation.values, dtype=np.float64)[windows.reference_rows]
    return np.abs(values).mean(axis=0) if len(values) else np.full(values.shape[1], np.nan)


def rank_agreement(reference: np.ndarray, by_window: tuple[WindowAttribution, ...]) -> tuple[RankAgreement, ...]:
    """Kendall tau-b of each window's importance against the reference's, and NDCG (the cloud monitors' score):
    the window's ranking scored with the reference's importance as relevance, 1 when the order is the same."""
    found = []
    for window in by_window:
        if window.rows == 0:
            found.append(RankAgreement(window.window, np.nan, np.nan))
            continue
        tau = stats.kendalltau(reference, window.mean_abs, variant="b").statistic
        found.append(RankAgreement(window.window, float(tau), ndcg(reference, window.mean_abs)))
    return tuple(found)


def ndcg(relevance: np.ndarray, scores: np.ndarray) -> float:
    """Normalised discounted cumulative gain of ranking by ``scores`` when ``relevance`` is the truth."""
    discounts = 1 / np.log2(np.arange(2, len(relevance) + 2))
    ideal = float(np.sort(relevance)[::-1] @ discounts)
    if ideal == 0:
        return 1.0
    gain = float(relevance[np.argsort(-scores, kind="stable")] @ discounts) / ideal
    return min(gain, 1.0)  # at most 1 by definition; summed in another order, the ideal ranking gave 1 + 2e-16


def shift_tests(explanation: Explanation, windows: Windows) -> ShiftTests:
    """Each feature's SHAP distribution in each non-reference window against the reference's (see module)."""
    values = np.asarray(explanation.values, dtype=np.float64)
    reference = values[windows.reference_rows]
    n_windows, n_features = len(windows.labels), values.shape[1]
    statistic = np.full((n_windows, n_features), np.nan)
    raw = np.full((n_windows, n_features), np.nan)
    for index, is_reference in enumerate(windows.reference):
        rows = np.flatnonzero(windows.row_window == index)
        if is_reference or len(rows) == 0 or len(reference) == 0:
            continue
        method = "exact" if min(len(rows), len(reference)) < EXACT_BELOW else "asymp"
        for feature in range(n_features):
            result = stats.ks_2samp(reference[:, feature], values[rows, feature], method=method)
            statistic[index, feature], raw[index, feature] = result.statistic, result.pvalue
    return ShiftTests(windows.labels, statistic, holm(raw))


def p_words(p_value: float) -> str:
    """'p < 0.001', 'p = 0.032', or 'p n/a' (a window without rows): a p-value as a sentence may print it; a
    corrected p-value of 2e-168 reads as 0 to two digits, which claims a certainty no test gives."""
    if not np.isfinite(p_value):
        return "p n/a"
    return "p < 0.001" if p_value < 0.001 else f"p = {p_value:.2g}"


def holm(p_values: np.ndarray) -> np.ndarray:
    """Holm's step-down correction of every finite p-value in the array together (NaN stays NaN)."""
    flat = p_values.ravel()
    finite = np.flatnonzero(np.isfinite(flat))
    corrected = np.full_like(flat, np.nan, dtype=np.float64)
    if len(finite):
        order = finite[np.argsort(flat[finite], kind="stable")]
        m = len(order)
        stepped = np.maximum.accumulate((m - np.arange(m)) * flat[order])
        corrected[order] = np.minimum(stepped, 1.0)
    return corrected.reshape(p_values.shape)


def mean_change(before: WindowAttribution, after: WindowAttribution, features: tuple[str, ...]) -> MeanChange:
    """How the mean prediction moved from ``before`` to ``after``, feature by feature (exact; see the class)."""
    changes = after.mean_contribution - before.mean_contribution
    order = np.argsort(-np.abs(changes), kind="stable")
    return MeanChange(
        before_window=before.window,
        after_window=after.window,
        before=before.mean_prediction,
        after=after.mean_prediction,
        base_change=after.mean_base - before.mean_base,
        contributions=tuple((features[i], float(changes[i])) for i in order),
    )
