"""What an adapter reads out of a fitted model: plain per-tree arrays, in the scale shap explains.

Adapters answer three questions the way ``shap.TreeExplainer`` does for the same model: which trees,
with which leaf values (forests average, so leaves are divided by the number of trees; boosting adds,
so leaves carry the learning rate), and which constant the trees are added to (boosting's init or
baseline score). Nothing here is compiled: it runs once per model.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import numpy as np

PROBABILITY, LOG_ODDS, RAW = "probability", "log_odds", "raw"
UNSUPPORTED = "cannot read {kind} as a tree ensemble: {why}"


class UnsupportedEnsembleError(ValueError):
    """The estimator is not a tree ensemble this package reads exactly; the message says why."""


def no_categories() -> np.ndarray:
    """Bitsets of 256 categories (8 x 32 bits) per row, as HistGradientBoosting stores them; none here."""
    return np.zeros((0, 8), dtype=np.uint32)


def unsupported(model: Any, why: str) -> UnsupportedEnsembleError:
    return UnsupportedEnsembleError(UNSUPPORTED.format(kind=type(model).__name__, why=why))


class RawTree(NamedTuple):
    """One tree in its estimator's own node order. Leaves have ``left == right == feature == -1``."""

    left: np.ndarray  # int64
    right: np.ndarray  # int64
    feature: np.ndarray  # int64, in the columns the trees see
    threshold: np.ndarray  # float64; x <= threshold goes left
    missing_left: np.ndarray  # bool; where NaN (and, for categories, unknown values) go
    cover: np.ndarray  # float64; training samples (or their weights) that reached the node
    value: np.ndarray  # float64 (n_nodes, width), already scaled
    category_row: np.ndarray  # int64; row of the left-category bitsets, -1 for a numeric split


@dataclass(frozen=True, eq=False)
class Reading:
    """Everything the flattened ensemble is built from, still one tree at a time."""

    trees: list[RawTree]
    tree_output: list[int]  # first output column each tree adds to
    base: np.ndarray  # (n_outputs,) added to every prediction
    output_scale: str
    sums_to_one: bool  # leaves are class probabilities: the last class is one minus the others
    float32_inputs: bool  # scikit-learn's own trees compare float32(x) <= threshold
    n_features: int  # columns of the caller's matrix
    column_of_feature: np.ndarray | None = None  # tree feature -> caller's column, when they differ
    preprocess: Callable[[np.ndarray], np.ndarray] | None = None  # caller's matrix -> the trees' matrix
    left_categories: np.ndarray = field(default_factory=no_categories)  # (rows, 8) uint32
    known_categories: np.ndarray = field(default_factory=no_categories)  # (features, 8) uint32
    known_row: np.ndarray | None = None  # tree feature -> row of known_categories, -1 if numeric
