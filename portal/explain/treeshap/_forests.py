"""Adapters for ensembles of ``sklearn.tree`` trees: random forests, extra trees, gradient boosting."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn.base import is_classifier
from sklearn.dummy import DummyClassifier, DummyRegressor

from portal.explain.treeshap._reading import LOG_ODDS, PROBABILITY, RAW, RawTree, Reading, unsupported


def sklearn_tree(tree: Any, value: np.ndarray) -> RawTree:
    """A ``sklearn.tree._tree.Tree`` with the given (already scaled) leaf values."""
    leaf = tree.children_left < 0
    missing = getattr(tree, "missing_go_to_left", np.zeros(tree.node_count, dtype=np.uint8))
    return RawTree(
        left=tree.children_left.astype(np.int64),
        right=tree.children_right.astype(np.int64),
        feature=np.where(leaf, -1, tree.feature).astype(np.int64),
        threshold=tree.threshold.astype(np.float64),
        missing_left=np.asarray(missing, dtype=bool),
        cover=tree.weighted_n_node_samples.astype(np.float64),
        value=np.ascontiguousarray(value, dtype=np.float64),
        category_row=np.full(tree.node_count, -1, dtype=np.int64),
    )


def read_forest(model: Any) -> Reading:
    """Forests average their trees: a classifier's class fractions, a regressor's outputs."""
    classifier = is_classifier(model)
    if classifier and model.n_outputs_ != 1:
        raise unsupported(model, "a classifier with several outputs")
    scale = 1.0 / len(model.estimators_)
    trees = [sklearn_tree(e.tree_, _forest_leaves(e.tree_, classifier) * scale) for e in model.estimators_]
    return Reading(
        trees=trees,
        tree_output=[0] * len(trees),
        base=np.zeros(trees[0].value.shape[1]),
        output_scale=PROBABILITY if classifier else RAW,
        sums_to_one=classifier,
        float32_inputs=True,
        n_features=model.n_features_in_,
    )


def _forest_leaves(tree: Any, classifier: bool) -> np.ndarray:
    """Class counts become fractions (as ``predict_proba`` and shap use them); regressors keep outputs."""
    value = tree.value.reshape(tree.node_count, -1)
    if not classifier:
        return value
    total = value.sum(axis=1, keepdims=True)
    return value / np.where(total == 0, 1.0, total)  # predict_proba's rule for an all-zero-weight leaf


def read_gradient_boosting(model: Any) -> Reading:
    """Column k of ``estimators_`` scores output k; leaves carry the learning rate."""
    stages = model.estimators_
    trees = [sklearn_tree(e.tree_, e.tree_.value[:, 0, :] * model.learning_rate) for e in stages.ravel()]
    return Reading(
        trees=trees,
        tree_output=list(np.tile(np.arange(stages.shape[1]), stages.shape[0])),
        base=_init_score(model),
        output_scale=LOG_ODDS if is_classifier(model) and model.loss == "log_loss" else RAW,
        sums_to_one=False,
        float32_inputs=True,
        n_features=model.n_features_in_,
    )


def _init_score(model: Any) -> np.ndarray:
    """The init estimator's raw score; it must not depend on the row, or no single base value exists."""
    if not (isinstance(model.init_, str) or isinstance(model.init_, (DummyClassifier, DummyRegressor))):
        raise unsupported(model, f"its init estimator {type(model.init_).__name__} depends on the row")
    return np.asarray(model._raw_predict_init(np.zeros((1, model.n_features_in_))), dtype=np.float64)[0]
