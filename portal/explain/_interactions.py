"""SHAP interaction values of a tree model for a sample of rows, summed back to original columns.

shap computes them by path-dependent TreeSHAP (XGBoost's own ``pred_interactions`` for XGBoost). The cost
grows with the square of the columns the trees see, so the rows are capped. Both feature axes are summed
back to original columns, so an original column's one-hot parts interact with it as one.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from portal.explain._base import (
    FLOAT32_TOLERANCE,
    TOLERANCE,
    UnsupportedModelError,
    additive_batch,
    check_task,
    import_shap,
)
from portal.explain._boosters import booster_explainer, is_lightgbm, is_xgboost
from portal.explain._preparation import Preparation, split_model
from portal.explain._tree import TREE_MODELS, combine, shap_tree_explainers, tree_explainer
from portal.results import InteractionValues

#: Rows one call may compute interaction values for, unless the caller raises it.
MAX_INTERACTION_ROWS = 1_000
TOO_MANY_ROWS = (
    "interaction values for {rows:,} rows are over the cap of {limit:,}; pass a sample, or raise the cap "
    "with interaction_values(..., max_rows=...)"
)
NOT_SHAP_VALUES = "interaction values of {kind} differ from its SHAP values by {gap:.3g} once summed over one axis"
SHAP_REFUSED = "shap cannot compute interaction values of this {kind}: {error}"
NOT_A_TREE = "interaction values need a tree model (scikit-learn trees, XGBoost, LightGBM), not {kind}"


def interactions_unavailable(model: Any) -> str:
    """Why :func:`interaction_values` cannot take ``model``, in one line; empty when it can (a tree model)."""
    _, estimator = split_model(model)
    if isinstance(estimator, TREE_MODELS) or is_xgboost(estimator) or is_lightgbm(estimator):
        return ""
    return NOT_A_TREE.format(kind=type(estimator).__name__)


def interaction_values(
    model: Any, rows: pd.DataFrame, *, task: str, max_rows: int = MAX_INTERACTION_ROWS
) -> InteractionValues:
    """Path-dependent SHAP interaction values of a tree model, ``(n, columns, columns[, classes])``.

    In the model's native scale (as :func:`explainer_for`); binary classifiers explain class 1. ``rows``
    also teach the preparation's column mapping. Raises ValueError over ``max_rows`` rows.

    Examples
    --------
    >>> result = interaction_values(pipeline, test.sample(200, random_state=0), task="classification")
    >>> result.values.sum(axis=2)   # each row's SHAP values
    """
    if not 0 < len(rows) <= max_rows:
        raise ValueError(TOO_MANY_ROWS.format(rows=len(rows), limit=max_rows))
    preparing, estimator = split_model(model)
    check_task(estimator, task)
    if not (isinstance(estimator, TREE_MODELS) or is_xgboost(estimator) or is_lightgbm(estimator)):
        raise UnsupportedModelError(NOT_A_TREE.format(kind=type(estimator).__name__))
    preparation = Preparation.of(model, preparing, rows)
    native = (tree_explainer if isinstance(estimator, TREE_MODELS) else booster_explainer)(estimator, preparation, rows)
    batch = native.explain(rows)  # the SHAP values the interaction values must add up to
    values, base = _raw_interactions(estimator, preparation.prepare(rows), multiclass=bool(native.class_names))
    attribution = preparation.attribution()
    values = np.einsum("npq...,pi,qj->nij...", values, attribution, attribution)
    tolerance = FLOAT32_TOLERANCE if is_xgboost(estimator) else TOLERANCE
    kind = type(estimator).__name__
    checked = additive_batch(
        values.sum(axis=2), base, batch.outputs, method=native.method, kind=kind, tolerance=tolerance
    )
    gap = float(np.max(np.abs(checked.values - batch.values)))
    if gap > tolerance * max(1.0, float(np.max(np.abs(batch.outputs)))):
        raise RuntimeError(NOT_SHAP_VALUES.format(gap=gap, kind=kind))
    return InteractionValues(
        preparation.feature_names,
        values,
        checked.base_values,
        checked.outputs,
        native.output_scale,
        native.method,
        native.class_names,
    )


def _raw_interactions(estimator: Any, matrix: Any, *, multiclass: bool) -> tuple[np.ndarray, np.ndarray]:
    """shap's interaction values on the prepared matrix: one explainer, or one per class."""
    if isinstance(estimator, TREE_MODELS):
        explainers = shap_tree_explainers(estimator, matrix)
    else:
        explainers = (import_shap().TreeExplainer(estimator),)
    try:
        parts = [(e.shap_interaction_values(matrix), e.expected_value) for e in explainers]
    except Exception as error:  # shap reads some trees it cannot walk (LightGBM's categorical splits)
        kind = type(estimator).__name__
        raise UnsupportedModelError(SHAP_REFUSED.format(kind=kind, error=str(error).splitlines()[0])) from error
    return combine(parts, multiclass=multiclass)
