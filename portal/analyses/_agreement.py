"""How much models agree: rank agreement of their global importances, and the features they rank most differently.

Importance here is mean |contribution| per feature (:meth:`portal.results.Explanation.mean_abs`). Agreement is
measured on ranks, so it does not care whether one model's contributions are in probability and another's in
log-odds as long as each model's features are ranked within its own scale; the ranks themselves can still
differ between scales (a squashing link shrinks large effects more than small ones), which is why the views
compare in the common scale by default and say which one they use.

    matrix = agreement({"RF": rf.mean_abs(), "GB": gb.mean_abs()}, feature_names, k=5)
    matrix.spearman[0, 1]          # Spearman's rho between the two models' importances
    biggest_rank_differences(...)  # features whose rank moves most between models, largest first
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
from scipy.stats import kendalltau, spearmanr


@dataclass(frozen=True, eq=False)
class AgreementMatrix:
    """Pairwise agreement between models' importances; each matrix is symmetric with 1 on the diagonal.

    ``spearman`` and ``kendall`` (tau-b, which handles ties) are rank correlations of the importance vectors;
    NaN when a model gives every feature the same importance (no ranking to compare). ``top_k_overlap`` is the
    share of the k most important features two models have in common (1: the same k features).
    """

    model_names: tuple[str, ...]
    feature_names: tuple[str, ...]
    k: int
    spearman: np.ndarray  # (n_models, n_models)
    kendall: np.ndarray
    top_k_overlap: np.ndarray

    def pairs(self) -> tuple[PairAgreement, ...]:
        """Every pair of distinct models once, in model order."""
        return tuple(
            PairAgreement(
                self.model_names[i],
                self.model_names[j],
                float(self.spearman[i, j]),
                float(self.kendall[i, j]),
                float(self.top_k_overlap[i, j]),
            )
            for i, j in combinations(range(len(self.model_names)), 2)
        )


@dataclass(frozen=True)
class PairAgreement:
    model_a: str
    model_b: str
    spearman: float
    kendall: float
    top_k_overlap: float


@dataclass(frozen=True)
class RankDifference:
    """One feature's importance rank in every model (1 = most important) and how far apart they are."""

    feature: str
    ranks: Mapping[str, int]
    spread: int  # highest rank minus lowest


def agreement(importances: Mapping[str, np.ndarray], feature_names: Sequence[str], k: int = 5) -> AgreementMatrix:
    """Spearman, Kendall and top-k overlap between every pair of models' importance vectors.

    ``importances`` maps model name to a 1-D vector over ``feature_names`` (same order for every model).
    ``k`` is clipped to the number of features.
    """
    names, vectors = _check(importances, feature_names)
    k = max(1, min(int(k), len(feature_names)))
    n = len(names)
    spearman, kendall, overlap = (np.eye(n) for _ in range(3))
    tops = [set(_top(vector, k)) for vector in vectors]
    for i, j in combinations(range(n), 2):
        spearman[i, j] = spearman[j, i] = _correlation(spearmanr, vectors[i], vectors[j])
        kendall[i, j] = kendall[j, i] = _correlation(kendalltau, vectors[i], vectors[j])
        overlap[i, j] = overlap[j, i] = len(tops[i] & tops[j]) / k
    return AgreementMatrix(names, tuple(feature_names), k, spearman, kendall, overlap)


def importance_ranks(vector: np.ndarray) -> np.ndarray:
    """Rank of each feature, 1 = most important; ties keep the features' order so ranks are stable."""
    order = np.argsort(-np.asarray(vector, dtype=np.float64), kind="stable")
    ranks = np.empty(len(order), dtype=np.int64)
    ranks[order] = np.arange(1, len(order) + 1)
    return ranks


def biggest_rank_differences(
    importances: Mapping[str, np.ndarray], feature_names: Sequence[str], top: int = 10
) -> tuple[RankDifference, ...]:
    """The ``top`` features whose importance rank differs most between models, largest spread first.

    Ties in spread go to the feature that is most important somewhere (its best rank), so a feature that one
    model ranks 1st and another 9th comes before one ranked 12th and 20th.
    """
    names, vectors = _check(importances, feature_names)
    ranks = np.stack([importance_ranks(v) for v in vectors])  # (n_models, n_features)
    spread = ranks.max(axis=0) - ranks.min(axis=0)
    order = sorted(range(len(feature_names)), key=lambda f: (-spread[f], ranks[:, f].min(), f))
    return tuple(
        RankDifference(feature_names[f], {name: int(ranks[m, f]) for m, name in enumerate(names)}, int(spread[f]))
        for f in order[:top]
    )


def _check(importances: Mapping[str, np.ndarray], feature_names: Sequence[str]):
    names = tuple(importances)
    vectors = [np.asarray(importances[name], dtype=np.float64) for name in names]
    for name, vector in zip(names, vectors):
        if vector.shape != (len(feature_names),):
            raise ValueError(
                f"importance of '{name}' has shape {vector.shape}; "
                f"expected one value per feature ({len(feature_names)})"
            )
    return names, vectors


def _top(vector: np.ndarray, k: int) -> list[int]:
    return list(np.argsort(-vector, kind="stable")[:k])


def _correlation(statistic, a: np.ndarray, b: np.ndarray) -> float:
    if np.ptp(a) == 0 or np.ptp(b) == 0 or len(a) < 2:
        return float("nan")  # a constant vector has no ranking; scipy would warn and return NaN
    return float(statistic(a, b).statistic)
