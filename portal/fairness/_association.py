"""How strongly one feature is tied to a protected attribute: the measures proxy detection is built from.

Each takes a feature column and the protected group label of every row (missing values already removed) and
returns one number in [0, 1] (AUC: [0.5, 1] for anything better than chance):

- :func:`cramers_v` for a categorical feature: the bias-corrected Cramér's V of Bergsma (2013), so a feature
  with many levels (a zip code) is not credited with the association its levels show by chance alone.
- :func:`correlation_ratio` (eta) for a numeric feature: the share of the feature's spread that lies between
  the groups' means, square-rooted. It sees differences of means only, not of spread or shape.
- :func:`normalised_mutual_information` for either kind: scikit-learn's ``mutual_info_classif`` (exact counts
  for a categorical feature, the seeded k-nearest-neighbour estimate for a numeric one) divided by the
  entropy of the groups, so it reads as the share of the protected attribute's uncertainty the feature removes
  (Theil's uncertainty coefficient U(groups | feature)).
- :func:`single_feature_auc` and :func:`predictive_auc`: how well the groups are predicted from one column or
  from several, out of sample: the mean over stratified folds of the ROC AUC (macro one-vs-rest when there are
  more than two groups). It catches any shape of dependence and, being out of sample, does not reward
  many-levelled features. One column needs no model: its best predictor is the group shares of each of its
  levels (numbers binned into quantiles) learnt on the training folds, which is what a tree model fitted to
  that column alone tends to, at a small fraction of the cost.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import HistGradientBoostingClassifier
from sklearn.feature_selection import mutual_info_classif
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold
from sklearn.pipeline import make_pipeline
from sklearn.preprocessing import TargetEncoder
from threadpoolctl import threadpool_limits

#: Fold count of the AUCs.
FOLDS = 3
#: Rows a group needs to be scored: every training fold then holds at least 5 of it, enough for the target
#: encoder's own 5-fold cross-fitting. (A smaller group says little about a model's fairness anyway.)
MIN_GROUP_ROWS = 10
#: Quantile bins of a numeric column in :func:`single_feature_auc` (missing values get a bin of their own).
BINS = 32
#: Pseudo-rows at the overall group shares added to each level, so a level seen once does not predict certainty.
SMOOTHING = 2.0
#: A small boosted model for many columns: 50 rounds of 15-leaf trees (one tree per group and round).
_BOOSTING = {"max_iter": 50, "max_leaf_nodes": 15}


def cramers_v(feature: np.ndarray, groups: np.ndarray) -> float:
    """Bias-corrected Cramér's V of two categorical arrays (Bergsma 2013); 0 when either has one level."""
    table = pd.crosstab(pd.Series(feature), pd.Series(groups)).to_numpy(dtype=np.float64)
    n = table.sum()
    r, k = table.shape
    if n < 2 or r < 2 or k < 2:
        return 0.0
    expected = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    phi2 = ((table - expected) ** 2 / expected).sum() / n
    phi2_corrected = max(0.0, phi2 - (k - 1) * (r - 1) / (n - 1))
    r_corrected = r - (r - 1) ** 2 / (n - 1)
    k_corrected = k - (k - 1) ** 2 / (n - 1)
    denominator = min(k_corrected - 1, r_corrected - 1)
    return float(np.sqrt(phi2_corrected / denominator)) if denominator > 0 else 0.0


def correlation_ratio(values: np.ndarray, groups: np.ndarray) -> float:
    """Eta: sqrt(between-group sum of squares / total sum of squares); 0 for a constant feature."""
    frame = pd.DataFrame({"x": np.asarray(values, dtype=np.float64), "g": groups})
    deviation = frame["x"] - frame["x"].mean()
    total = float((deviation**2).sum())
    if total == 0:
        return 0.0
    by_group = frame.groupby("g", observed=True)["x"].agg(["mean", "size"])
    between = float((by_group["size"] * (by_group["mean"] - frame["x"].mean()) ** 2).sum())
    return float(np.sqrt(min(1.0, between / total)))


def normalised_mutual_information(feature: np.ndarray, groups: np.ndarray, *, categorical: bool, seed: int) -> float:
    """Mutual information of feature and groups over the groups' entropy (both in nats), clipped to [0, 1]."""
    codes, counts = np.unique(groups, return_counts=True)
    p = counts / counts.sum()
    entropy = float(-(p * np.log(p)).sum())
    if entropy == 0 or len(feature) < 4:
        return 0.0
    column = pd.factorize(feature)[0] if categorical else np.asarray(feature, dtype=np.float64)
    mi = mutual_info_classif(
        column.reshape(-1, 1), groups, discrete_features=categorical, random_state=seed, n_neighbors=3
    )[0]
    return float(np.clip(mi / entropy, 0.0, 1.0))


def single_feature_auc(values: np.ndarray, groups: np.ndarray, *, categorical: bool, seed: int) -> float:
    """Mean out-of-fold AUC of predicting ``groups`` from one column by the (smoothed) group shares of its levels.

    Numeric columns are cut at up to :data:`BINS` quantiles first. Every group needs :data:`MIN_GROUP_ROWS`.
    """
    labels, y = np.unique(groups, return_inverse=True)
    if len(labels) < 2:
        return float("nan")
    codes = _level_codes(values, categorical)
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    return float(np.mean([_lookup_auc(codes, y, train, test, len(labels)) for train, test in folds.split(codes, y)]))


def predictive_auc(frame: pd.DataFrame, groups: np.ndarray, categorical: Sequence[str], *, seed: int) -> float:
    """Mean out-of-fold ROC AUC of predicting ``groups`` from ``frame``'s columns (macro one-vs-rest if > 2).

    The model is a small histogram gradient boosting (missing numbers handled natively); categorical columns
    are target-encoded first (cross-fitted inside each training fold), so any number of levels works. Every
    group needs :data:`MIN_GROUP_ROWS` rows; callers drop smaller ones.
    """
    labels, y = np.unique(groups, return_inverse=True)
    if len(labels) < 2:
        return float("nan")
    folds = StratifiedKFold(n_splits=FOLDS, shuffle=True, random_state=seed)
    scores = []
    with threadpool_limits(1):  # a few thousand rows gain nothing from threads, which spin on a busy machine
        for train, test in folds.split(frame, y):
            model = _model(list(categorical), seed).fit(frame.iloc[train], y[train])
            scores.append(_auc(y[test], model.predict_proba(frame.iloc[test])))
    return float(np.mean(scores))


def _level_codes(values: np.ndarray, categorical: bool) -> np.ndarray:
    if categorical:
        return pd.factorize(values, use_na_sentinel=False)[0]
    numbers = np.asarray(values, dtype=np.float64)
    present = ~np.isnan(numbers)
    if not present.any():
        return np.zeros(len(numbers), dtype=np.int64)
    edges = np.unique(np.quantile(numbers[present], np.linspace(0, 1, BINS + 1)[1:-1]))
    return np.where(present, np.searchsorted(edges, numbers, side="right"), len(edges) + 1)


def _lookup_auc(codes: np.ndarray, y: np.ndarray, train: np.ndarray, test: np.ndarray, k: int) -> float:
    prior = np.bincount(y[train], minlength=k) / len(train)
    counts = np.zeros((codes.max() + 1, k))
    np.add.at(counts, (codes[train], y[train]), 1.0)
    shares = (counts + SMOOTHING * prior) / (counts.sum(axis=1, keepdims=True) + SMOOTHING)
    return _auc(y[test], shares[codes[test]])


def _auc(y: np.ndarray, proba: np.ndarray) -> float:
    if proba.shape[1] == 2:
        return float(roc_auc_score(y, proba[:, 1]))
    return float(roc_auc_score(y, proba, multi_class="ovr", average="macro", labels=np.arange(proba.shape[1])))


def _model(categorical: list[str], seed: int):
    boosting = HistGradientBoostingClassifier(random_state=seed, **_BOOSTING)
    if not categorical:
        return boosting
    encode = ColumnTransformer(
        [("categories", TargetEncoder(cv=StratifiedKFold(5, shuffle=True, random_state=seed)), categorical)],
        remainder="passthrough",
    )
    return make_pipeline(encode, boosting)
