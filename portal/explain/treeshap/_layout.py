"""Per-tree structure the kernel reads, computed once per model: node order, and what each edge knows.

Everything here depends on the tree alone, never on the row, so the kernel never recomputes it.
"""

from __future__ import annotations

import numpy as np
from numba import njit

#: A child whose cover is 0 keeps this fraction of its parent's: the polynomial algebra divides by it.
MIN_COVER_RATIO = 1e-12


@njit(cache=True, nogil=True)
def kernel_order(left: np.ndarray, right: np.ndarray) -> np.ndarray:
    """Old node ids in the order the kernel wants: internal nodes breadth first, then leaves.

    Parents come before children (the downward sweep runs forwards, the upward one backwards);
    leaves apart, so each sweep is two plain loops with no "is this a leaf?" branch; breadth first,
    so neighbouring nodes never wait on each other's division.
    """
    order, leaves = np.empty(left.shape[0], np.int64), np.empty(left.shape[0], np.int64)
    order[0], head, n, n_leaves = 0, 0, 1, 0
    while head < n:
        node = order[head]
        head += 1
        if left[node] >= 0:
            order[n], order[n + 1] = left[node], right[node]
            n += 2
    for i in range(n):
        if left[order[i]] < 0:
            leaves[n_leaves] = order[i]
            n_leaves += 1
    internal = order[:n][left[order[:n]] >= 0]
    return np.concatenate((internal, leaves[:n_leaves]))


@njit(cache=True, nogil=True)
def edge_statistics(left, right, feature, cover):
    """Per node c reached from parent u (parents numbered first, root 0), with f the feature u splits on:

    ``edge_feature[c]`` = f; ``prev[c]`` the nearest ancestor-or-u node reached by an edge on f (-1 if
    none); ``q[c]`` the product of cover ratios over every edge on f down to c (the fraction of u's
    weight that a feature outside the coalition sends to c, compounded); ``reach[c]`` the cover
    fraction of the root reaching c (for the expected value); and the most distinct features on a path.
    """
    n = left.shape[0]
    edge_feature, prev, parent = np.full(n, -1, np.int64), np.full(n, -1, np.int64), np.full(n, -1, np.int64)
    q, reach, distinct = np.ones(n), np.ones(n), np.zeros(n, np.int64)
    for u in range(n):
        if left[u] < 0:
            continue
        for c in (left[u], right[u]):
            ratio = max(cover[c] / cover[u], MIN_COVER_RATIO) if cover[u] > 0 else 0.5
            edge_feature[c], reach[c], parent[c] = feature[u], reach[u] * ratio, u
            a = u
            while a > 0 and edge_feature[a] != feature[u]:
                a = parent[a]
            prev[c] = a if a > 0 else -1
            q[c] = ratio * (q[a] if a > 0 else 1.0)
            distinct[c] = distinct[u] + (0 if a > 0 else 1)
    return edge_feature, prev, q, reach, distinct.max()
