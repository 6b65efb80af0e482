"""The order of rows in a stacked force plot: by similarity of their explanations, by prediction, or by a feature.

Similarity follows shap's stacked force plot: a complete-linkage hierarchical clustering of the rows' SHAP values
(squared euclidean distances, ``scipy.cluster.hierarchy.linkage``), read leaf by leaf. shap then calls scipy's
``optimal_leaf_ordering``, which costs over a second at 1,000 rows: too slow for a page. Here each merge of the
clustering instead turns its two halves so the ends that meet are the closest pair of the four (what shap itself
did before scipy had an optimal ordering): neighbours stay alike at a hundredth of the cost.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy.cluster.hierarchy import linkage
from scipy.spatial.distance import pdist, squareform

BY_SIMILARITY, BY_PREDICTION = "similarity", "prediction"  # the orders besides a feature's name


def similarity_order(values: np.ndarray) -> np.ndarray:
    """The rows' positions (a permutation of ``range(len(values))``), rows explained alike next to each other."""
    n = len(values)
    if n < 3:
        return np.arange(n)
    distances = pdist(np.asarray(values, dtype=float), "sqeuclidean")
    merges = linkage(distances, "complete")
    square = squareform(distances)
    clusters: list[list[int]] = [[i] for i in range(n)]
    for left, right in merges[:, :2].astype(int):
        clusters.append(_joined(clusters[left], clusters[right], square))
        clusters[left] = clusters[right] = []  # merged: free the lists
    return np.asarray(clusters[-1], dtype=int)


def _joined(a: list[int], b: list[int], square: np.ndarray) -> list[int]:
    """``a`` and ``b`` end to end, each turned round if that brings the ends that meet closer."""
    ends = {
        (False, False): square[a[-1], b[0]],
        (False, True): square[a[-1], b[-1]],
        (True, False): square[a[0], b[0]],
        (True, True): square[a[0], b[-1]],
    }
    turn_a, turn_b = min(ends, key=ends.get)
    return (a[::-1] if turn_a else a) + (b[::-1] if turn_b else b)


def prediction_order(outputs: np.ndarray) -> np.ndarray:
    """The rows' positions from the lowest prediction to the highest."""
    return np.argsort(np.asarray(outputs, dtype=float), kind="stable")


def feature_order(values: pd.Series, outputs: np.ndarray) -> np.ndarray:
    """The rows' positions by a feature's value (numbers by size, other values alphabetically, missing last), rows
    of equal value by prediction."""
    numbers = pd.to_numeric(values, errors="coerce")
    if numbers.notna().sum() < values.notna().sum():  # not every present value is a number: its words in order
        numbers = pd.Series(pd.Categorical(values.astype("string")).codes, dtype=float).where(values.notna().to_numpy())
    key = numbers.to_numpy(dtype=float)
    missing = np.isnan(key)
    return np.lexsort((np.asarray(outputs, dtype=float), np.where(missing, 0.0, key), missing))
