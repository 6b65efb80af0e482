"""scikit-learn tree ensembles explained by shap's TreeSHAP: exact.

Natively, path-dependent TreeSHAP, which needs no background: forests average probabilities, so their
contributions are in probability (every class); boosted trees add scores, so theirs are in log-odds
(binary), one logit per class (multi-class) or the target's units (regression). shap refuses
multi-class GradientBoostingClassifier, so its trees are handed to shap one class at a time (class k's
score is the init score plus the learning rate times the sum of class k's trees: TreeSHAP is linear in
the trees).

In the common scale a forest classifier is explained by interventional TreeSHAP in probability
against the background: exact, because a forest's probability is the plain average of its trees'
leaf values (shap's transform is the identity). For boosted trees shap's interventional
``model_output="probability"`` only rescales each reference's log-odds contributions (not Shapley values
of the probability), so they are never explained that way here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
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

from portal.explain._base import (
    FLOAT32_TOLERANCE,
    TOLERANCE,
    TREE_SHAP,
    TREE_SHAP_FAST,
    TREE_SHAP_INTERVENTIONAL,
    UNSUPPORTED,
    Unbudgeted,
    UnsupportedModelError,
    additive_batch,
    class_names,
    import_shap,
    score_scale,
)
from portal.explain._preparation import Preparation
from portal.results import LOG_ODDS, LOGIT, PROBABILITY, RAW, ExplanationBatch

PROBABILITY_TREES = (RandomForestClassifier, ExtraTreesClassifier)
LOG_ODDS_TREES = (GradientBoostingClassifier, HistGradientBoostingClassifier)
RAW_TREES = (RandomForestRegressor, ExtraTreesRegressor, GradientBoostingRegressor, HistGradientBoostingRegressor)
TREE_MODELS = PROBABILITY_TREES + LOG_ODDS_TREES + RAW_TREES
#: Losses whose raw score is neither log-odds nor the prediction (exp(score), or half the log-odds).
OTHER_LINK_LOSSES = ("exponential", "poisson", "gamma")
THREADS_ENV = "PORTAL_TREESHAP_THREADS"


@dataclass(frozen=True, eq=False)
class TreeShapExplainer(Unbudgeted):
    """TreeSHAP on the estimator and the matrix it sees; contributions summed back to original columns."""

    exact: ClassVar[bool] = True
    method: str
    output_scale: str
    preparation: Preparation
    estimator: Any
    shap_explainers: tuple[Any, ...] = field(repr=False)  # one, or one per class
    class_names: tuple[str, ...] = ()
    tolerance: float = TOLERANCE

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.preparation.feature_names

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        matrix = self.preparation.prepare(X)
        values, base = tree_values(self.shap_explainers, matrix, multiclass=bool(self.class_names))
        return additive_batch(
            self.preparation.sum_back(values),
            base,
            model_output(self.estimator, self.output_scale, matrix),
            method=self.method,
            kind=type(self.estimator).__name__,
            class_names=self.class_names,
            tolerance=self.tolerance,
        )


def tree_explainer(estimator: Any, preparation: Preparation, background: pd.DataFrame) -> TreeShapExplainer:
    """Path-dependent TreeSHAP for a supported tree ensemble: portal.explain.treeshap's kernel (the same values,
    several times faster), or shap's where ours does not read the model. ``background`` is only used to
    read the init score of a multi-class GradientBoostingClassifier for shap."""
    check_tree(estimator)
    scale = _native_scale(estimator)
    fast = FastTreeShap.try_from(estimator)
    if fast is not None:
        return TreeShapExplainer(TREE_SHAP_FAST, scale, preparation, estimator, (fast,), class_names(estimator))
    explainers = shap_tree_explainers(estimator, preparation.prepare(background.iloc[:1]))
    return TreeShapExplainer(TREE_SHAP, scale, preparation, estimator, explainers, class_names(estimator))


@dataclass(frozen=True, eq=False)
class FastTreeShap:
    """portal.explain.treeshap behind shap's TreeExplainer interface (``shap_values``, ``expected_value``)."""

    ensemble: Any

    @classmethod
    def try_from(cls, estimator: Any) -> FastTreeShap | None:
        from portal.explain.treeshap import TreeEnsemble, UnsupportedEnsembleError

        try:
            return cls(TreeEnsemble.from_model(estimator))
        except UnsupportedEnsembleError:
            return None

    @property
    def expected_value(self) -> Any:
        return self.ensemble.expected_value

    def shap_values(self, matrix: Any, check_additivity: bool = False) -> np.ndarray:
        from portal.explain.treeshap import shap_values

        threads = int(os.environ.get(THREADS_ENV, "0")) or None  # worker pools set 1: they fill the cores
        return shap_values(self.ensemble, np.asarray(matrix, dtype=np.float64), n_threads=threads)


def interventional_tree_explainer(
    estimator: Any, preparation: Preparation, background: pd.DataFrame
) -> TreeShapExplainer:
    """Interventional TreeSHAP in probability for a forest classifier, against ``background``."""
    shap = import_shap()
    data = np.asarray(preparation.prepare(background), dtype=np.float64)
    explainer = shap.TreeExplainer(
        estimator, data=data, feature_perturbation="interventional", model_output="probability"
    )
    names = class_names(estimator)
    # shap's interventional TreeSHAP keeps its path weights in float32: additive to float32 precision
    return TreeShapExplainer(
        TREE_SHAP_INTERVENTIONAL, PROBABILITY, preparation, estimator, (explainer,), names, FLOAT32_TOLERANCE
    )


def check_tree(estimator: Any) -> None:
    """Refuse the settings whose raw score is not one of our scales, or that shap cannot read."""
    kind = type(estimator).__name__
    if getattr(estimator, "loss", None) in OTHER_LINK_LOSSES:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"{kind}(loss='{estimator.loss}')"))
    boosting = isinstance(estimator, (GradientBoostingClassifier, GradientBoostingRegressor))
    if boosting and estimator.init not in (None, "zero"):  # its init score may vary from row to row
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"{kind} with an init estimator"))


def shap_tree_explainers(estimator: Any, matrix: pd.DataFrame | np.ndarray) -> tuple[Any, ...]:
    """shap's path-dependent TreeExplainer: one, or one per class for a multi-class GradientBoostingClassifier
    (whose init score is read off the first row of ``matrix``)."""
    shap = import_shap()
    if isinstance(estimator, GradientBoostingClassifier) and estimator.n_trees_per_iteration_ > 1:
        first_row = matrix.iloc[:1] if isinstance(matrix, pd.DataFrame) else matrix[:1]
        return tuple(shap.TreeExplainer(m) for m in _per_class_models(estimator, first_row))
    return (shap.TreeExplainer(estimator),)


def tree_values(explainers: tuple[Any, ...], matrix: Any, *, multiclass: bool) -> tuple[np.ndarray, np.ndarray]:
    """``(values, base)``: (n, prepared) and a number, or (n, prepared, classes) and one per class."""
    parts = [(e.shap_values(matrix, check_additivity=False), e.expected_value) for e in explainers]
    return combine(parts, multiclass=multiclass)


def combine(parts: list[tuple[Any, Any]], *, multiclass: bool) -> tuple[np.ndarray, np.ndarray]:
    """shap's ``(values, expected value)`` from one explainer, or one per class, as one array with the class
    axis last; of a binary forest (one slice per class) only class 1 is kept."""
    parts = [(np.asarray(v), np.ravel(b)) for v, b in parts]
    if len(parts) > 1:
        return np.stack([v for v, _ in parts], axis=-1), np.concatenate([b for _, b in parts])
    values, base = parts[0]
    if base.size == 2 and not multiclass:
        return values[..., 1], base[1]
    return values, (base if multiclass else base[0])


def model_output(estimator: Any, scale: str, matrix: Any) -> np.ndarray:
    """The estimator's own output in ``scale``: class 1 only for binary probability."""
    if scale == PROBABILITY:
        proba = estimator.predict_proba(matrix)
        return proba[:, 1] if proba.shape[1] == 2 else proba
    if scale in (LOG_ODDS, LOGIT):
        return estimator.decision_function(matrix)
    return estimator.predict(matrix)


def _native_scale(estimator: Any) -> str:
    if isinstance(estimator, PROBABILITY_TREES):
        return PROBABILITY
    return score_scale(estimator) if isinstance(estimator, LOG_ODDS_TREES) else RAW


def _per_class_models(model: GradientBoostingClassifier, first_row: Any) -> list[dict[str, Any]]:
    """Class k's trees as shap's dictionary model, the init score read off one row as the base offset."""
    row = np.asarray(first_row, dtype=np.float32)
    scale = float(model.learning_rate)
    trees = model.estimators_
    offsets = model.decision_function(first_row)[0] - np.array(
        [scale * sum(float(t.predict(row)[0]) for t in trees[:, k]) for k in range(trees.shape[1])]
    )
    return [
        {
            "trees": [_tree_dict(t.tree_, scale) for t in trees[:, k]],
            "base_offset": float(offsets[k]),
            "tree_output": "raw_value",
            "input_dtype": np.float32,
            "internal_dtype": np.float64,
        }
        for k in range(trees.shape[1])
    ]


def _tree_dict(tree: Any, scale: float) -> dict[str, np.ndarray]:
    """One scikit-learn tree in shap's dictionary form, leaf values scaled by the learning rate."""
    left, right = tree.children_left, tree.children_right
    missing_left = getattr(tree, "missing_go_to_left", np.ones(left.size, dtype=bool)).astype(bool)
    return {
        "children_left": left,
        "children_right": right,
        "children_default": np.where(missing_left, left, right),
        "features": tree.feature,
        "thresholds": tree.threshold.astype(np.float64),
        "values": tree.value[:, 0, :].astype(np.float64) * scale,
        "node_sample_weight": tree.weighted_n_node_samples.astype(np.float64),
    }
