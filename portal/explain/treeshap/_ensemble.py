"""A fitted tree ensemble as flat arrays: read once per model, explained many times."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)

from portal.explain.treeshap._forest import Forest, build_forest
from portal.explain.treeshap._forests import read_forest, read_gradient_boosting
from portal.explain.treeshap._hist import read_hist_gradient_boosting
from portal.explain.treeshap._patterns import Tables, tabulate
from portal.explain.treeshap._reading import Reading, unsupported

#: Model classes and the adapter reading each; an extension appends its own pair.
READERS: list[tuple[tuple[type, ...], Callable[[Any], Reading]]] = [
    ((RandomForestClassifier, RandomForestRegressor, ExtraTreesClassifier, ExtraTreesRegressor), read_forest),
    ((GradientBoostingClassifier, GradientBoostingRegressor), read_gradient_boosting),
    ((HistGradientBoostingClassifier, HistGradientBoostingRegressor), read_hist_gradient_boosting),
]


@dataclass(frozen=True, eq=False)
class TreeEnsemble:
    """Flat arrays of a fitted ensemble, in the output scale shap's ``TreeExplainer`` uses for it.

    ``expected_value`` is what shap reports: a float for one output, else one per output. For forest
    classifiers the leaves are class fractions summing to one, so the kernel solves every class but
    the last and the last is minus their sum (``sums_to_one``): half the work for a binary forest.
    The arrays are shared by every call and thread; treat them as read-only.
    """

    forest: Forest = field(repr=False)
    kind: str
    output_scale: str  # "probability", "log_odds" or "raw" (the trees' summed score)
    n_features: int
    n_outputs: int
    expected_value: float | np.ndarray
    sums_to_one: bool
    float32_inputs: bool
    column_of_feature: np.ndarray | None = field(default=None, repr=False)
    preprocess: Callable[[np.ndarray], np.ndarray] | None = field(default=None, repr=False)
    base: np.ndarray | None = field(default=None, repr=False)  # per output: the score before any tree
    tables: Tables | None = field(default=None, repr=False)  # the trees explained by decision tables

    @classmethod
    def from_model(cls, model: Any, *, tables: bool = True) -> TreeEnsemble:
        """Read a fitted scikit-learn forest or boosting model (classifier or regressor); ``tables=False`` skips
        the decision tables (for a caller that only walks the trees, as the booster's differences road does)."""
        reading = _read(model)
        n_outputs = len(reading.base)
        forest, tree_sums = build_forest(reading, width=_solved_width(reading))
        expected = reading.base + tree_sums
        return cls(
            forest=forest,
            kind=type(model).__name__,
            output_scale=reading.output_scale,
            n_features=reading.n_features,
            n_outputs=n_outputs,
            expected_value=float(expected[0]) if n_outputs == 1 else expected,
            sums_to_one=reading.sums_to_one,
            float32_inputs=reading.float32_inputs,
            column_of_feature=reading.column_of_feature,
            preprocess=reading.preprocess,
            base=np.asarray(reading.base, dtype=np.float64),
            tables=tabulate(forest) if tables else None,
        )


def _read(model: Any) -> Reading:
    for kinds, reader in READERS:
        if isinstance(model, kinds):
            if not (hasattr(model, "estimators_") or hasattr(model, "_predictors")):
                raise unsupported(model, "it is not fitted")
            return reader(model)
    raise unsupported(model, "not a supported tree ensemble")


def _solved_width(reading: Reading) -> int:
    """Leaf columns the kernel solves: all but the last class when the classes sum to one."""
    width = reading.trees[0].value.shape[1]
    return width - 1 if reading.sums_to_one else width
