"""Pick the exact method for a fitted model: TreeSHAP for tree ensembles, term sharing for EBMs."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pandas as pd

from portal.explain._base import UNSUPPORTED, ModelExplainer, UnsupportedModelError, check_task
from portal.explain._ebm import ebm_explainer
from portal.explain._preparation import Preparation, split_model
from portal.explain._tree import TREE_MODELS, tree_explainer


def explainer_for(model: Any, *, task: str, background: pd.DataFrame) -> ModelExplainer:
    """An exact explainer for ``model``, reporting contributions per original column.

    Parameters
    ----------
    model : a fitted estimator, bare or as the last step of a Pipeline whose only preparation is a
        ColumnTransformer (as the built-in kinds are).
    task : "classification" (binary, class 1 explained) or "regression".
    background : a sample of training rows in the original columns. EBM values are measured against
        it; trees ignore it (path-dependent TreeSHAP uses the trees' own training counts); it is also
        what the one-hot mapping is learnt on.

    Raises
    ------
    UnsupportedModelError : no exact method for this model; the message names what is supported.

    Examples
    --------
    >>> explainer = explainer_for(pipeline, task="classification", background=train.sample(200, random_state=0))
    >>> batch = explainer.explain(rows)   # batch.base_values + batch.values.sum(1) == batch.outputs
    """
    preparing, estimator = split_model(model)
    build = _builder(estimator)
    check_task(estimator, task)
    if len(background) == 0:
        raise ValueError("the background needs at least one row")
    return build(estimator, Preparation.of(model, preparing, background), background)


def _builder(estimator: Any) -> Callable[[Any, Preparation, pd.DataFrame], ModelExplainer]:
    """The exact method for the estimator's type; interpret is imported only when no tree matched."""
    if isinstance(estimator, TREE_MODELS):
        return tree_explainer
    try:
        from interpret.glassbox import ExplainableBoostingClassifier, ExplainableBoostingRegressor
    except ImportError:  # pragma: no cover - interpret is a declared dependency
        ExplainableBoostingClassifier = ExplainableBoostingRegressor = ()
    if isinstance(estimator, (ExplainableBoostingClassifier, ExplainableBoostingRegressor)):
        return ebm_explainer
    raise UnsupportedModelError(UNSUPPORTED.format(kind=type(estimator).__name__))
