"""The flattened ensemble: every tree's nodes end to end, in the order the compiled kernel walks them.

A ``NamedTuple`` of arrays, because numba takes one as a single argument (a dataclass it cannot), and
threads share it without copying. Child and ``prev`` ids are local to their tree (add
``tree_start[t]``); per-node arrays are indexed globally.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np

from portal.explain.treeshap._layout import edge_statistics, kernel_order
from portal.explain.treeshap._reading import RawTree, Reading


class Forest(NamedTuple):
    tree_start: np.ndarray  # (trees + 1,) int64: tree t owns nodes tree_start[t]:tree_start[t + 1]
    tree_internal: np.ndarray  # (trees,) int64: local ids below this are internal nodes, the rest leaves
    tree_output: np.ndarray  # (trees,) int64: first output column the tree adds to
    points: np.ndarray  # (trees,) int64: quadrature points the tree needs
    left: np.ndarray  # (nodes,) int32, local id; -1 at leaves
    right: np.ndarray  # (nodes,) int32, local id; -1 at leaves
    feature: np.ndarray  # (nodes,) int32; -1 at leaves
    threshold: np.ndarray  # (nodes,) float64
    missing_left: np.ndarray  # (nodes,) bool
    category_row: np.ndarray  # (nodes,) int32 into left_categories; -1 for numeric splits
    cover: np.ndarray  # (nodes,) float64: training samples (weights) reaching the node
    value: np.ndarray  # (nodes, width) float64, scaled leaf values (0 at internal nodes)
    edge_feature: np.ndarray  # (nodes,) int32: feature of the edge into the node; -1 at roots
    prev: np.ndarray  # (nodes,) int32, local id of the previous edge on the same feature, or -1
    q: np.ndarray  # (nodes,) float64: cover fraction product over the edges on that feature
    q_prev: np.ndarray  # (nodes,) float64: q of the previous edge on the same feature, 1 if none
    left_categories: np.ndarray  # (rows, 8) uint32
    known_categories: np.ndarray  # (categorical features, 8) uint32
    known_row: np.ndarray  # (features,) int64: row of known_categories, -1 if numeric
    t: np.ndarray  # (max points + 1, max points): row m holds the m-point Gauss-Legendre nodes on [0, 1]
    one_minus_t: np.ndarray  # same shape, 1 - t computed without cancellation
    weight: np.ndarray  # same shape, the matching weights (each row sums to 1)


_NODE_FIELDS = (
    "left", "right", "feature", "threshold", "missing_left", "category_row", "cover", "value",
    "edge_feature", "prev", "q", "q_prev",
)  # fmt: skip


def build_forest(reading: Reading, width: int) -> tuple[Forest, np.ndarray]:
    """The forest, keeping the first ``width`` leaf columns, and each output's expected tree sum."""
    parts = [_tree_part(tree, width) for tree in reading.trees]
    points = np.array([max(1, (p["distinct"] + 1) // 2) for p in parts], dtype=np.int64)
    sizes = [len(p["left"]) for p in parts]
    return Forest(
        tree_start=np.concatenate([[0], np.cumsum(sizes)]).astype(np.int64),
        tree_internal=np.array([p["internal"] for p in parts], dtype=np.int64),
        tree_output=np.asarray(reading.tree_output, dtype=np.int64),
        points=points,
        **{key: _flat(parts, key) for key in _NODE_FIELDS},
        left_categories=np.ascontiguousarray(reading.left_categories, dtype=np.uint32),
        known_categories=np.ascontiguousarray(reading.known_categories, dtype=np.uint32),
        known_row=_known_row(reading),
        **quadrature_table(int(points.max())),
    ), _expected_tree_sums(parts, reading)


#: Node-indexed integers fit in 32 bits: half the memory per node (it did not change the speed).
_INT32_FIELDS = ("left", "right", "feature", "category_row", "edge_feature", "prev")


def _flat(parts: list[dict], key: str) -> np.ndarray:
    flat = np.concatenate([p[key] for p in parts])
    return np.ascontiguousarray(flat, dtype=np.int32 if key in _INT32_FIELDS else flat.dtype)


def _tree_part(tree: RawTree, width: int) -> dict:
    """One tree renumbered for the kernel, with its edge statistics."""
    order = kernel_order(tree.left, tree.right)
    new_id = np.full(len(tree.left) + 1, -1, dtype=np.int64)  # slot -1 maps a leaf's -1 to -1
    new_id[order] = np.arange(len(order))
    left, right = new_id[tree.left[order]], new_id[tree.right[order]]
    feature, cover = tree.feature[order], tree.cover[order]
    edge_feature, prev, q, reach, distinct = edge_statistics(left, right, feature, cover)
    value = np.where((left < 0)[:, None], tree.value[order], 0.0)
    return dict(
        left=left, right=right, feature=feature, threshold=tree.threshold[order],
        missing_left=tree.missing_left[order], category_row=tree.category_row[order], cover=cover,
        value=value[:, :width], reach_value=(value * reach[:, None]).sum(axis=0), edge_feature=edge_feature,
        prev=prev, q=q, q_prev=np.where(prev >= 0, q[prev], 1.0), distinct=int(distinct),
        internal=int((left >= 0).sum()),
    )  # fmt: skip


def _expected_tree_sums(parts: list[dict], reading: Reading) -> np.ndarray:
    """Per output, the sum over trees of the cover-weighted mean leaf: the base of the explanation."""
    sums = np.zeros(len(reading.base))
    for part, first in zip(parts, reading.tree_output):
        sums[first : first + len(part["reach_value"])] += part["reach_value"]
    return sums


def _known_row(reading: Reading) -> np.ndarray:
    if reading.known_row is None:
        return np.full(reading.n_features, -1, dtype=np.int64)
    return np.ascontiguousarray(reading.known_row, dtype=np.int64)


def quadrature_table(max_points: int) -> dict[str, np.ndarray]:
    """Gauss-Legendre rules on [0, 1] for 1..max_points points; m points integrate degree 2m - 1 exactly."""
    t, one_minus_t, weight = (np.zeros((max_points + 1, max_points)) for _ in range(3))
    for m in range(1, max_points + 1):
        x, w = np.polynomial.legendre.leggauss(m)
        t[m, :m], one_minus_t[m, :m], weight[m, :m] = (1 + x) / 2, (1 - x) / 2, w / 2
    return {"t": t, "one_minus_t": one_minus_t, "weight": weight}
