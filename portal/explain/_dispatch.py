"""Pick the method for a fitted model: its family's exact method, or the model-agnostic one."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sklearn.ensemble import VotingClassifier, VotingRegressor

from portal.explain._agnostic import Budget, model_agnostic_explainer
from portal.explain._average import voting_explainer
from portal.explain._base import UNSUPPORTED, ModelExplainer, UnsupportedModelError, check_scale, check_task
from portal.explain._boosters import booster_explainer, is_lightgbm, is_xgboost
from portal.explain._ebm import ebm_explainer, is_ebm
from portal.explain._preparation import Preparation, split_model
from portal.explain._tree import PROBABILITY_TREES, TREE_MODELS, interventional_tree_explainer, tree_explainer

Builder = Callable[[Any, Preparation, pd.DataFrame], ModelExplainer]
#: The engine's version: part of every explanation's key, so a change in how values are computed recomputes them.
ENGINE_VERSION = "1"
VOTING_AFTER_PREPARATION = "a {kind} after preparation steps in a Pipeline (put the preparation inside each member)"


@dataclass(frozen=True)
class Family:
    """Models explained the same way: how to recognise them, their exact method, and their probability
    method (None: classifiers of the family are explained in probability by the model-agnostic method)."""

    name: str
    matches: Callable[[Any], bool]
    native: Builder
    probability: Builder | None = None


def explainer_for(
    model: Any, *, task: str, background: pd.DataFrame, scale: str = "native", budget: Budget | None = None
) -> ModelExplainer:
    """An explainer for ``model``, reporting contributions per original column.

    Parameters
    ----------
    model : a fitted estimator, bare or as the last step of a Pipeline of preparation steps.
    task : "classification" (binary: class 1 explained; multi-class: every class) or "regression".
    background : a sample of training rows in the original columns: what interventional methods
        measure against, and what the preparation's column mapping is learnt on.
    scale : "native" (each model's own scale, see the package docstring) or "common" (every classifier in
        probability, so models compare like with like; regressors stay in their units).
    budget : limits for the model-agnostic methods (default :class:`Budget`).

    Raises
    ------
    UnsupportedModelError : the model cannot be explained; the message names what can.

    Examples
    --------
    >>> explainer = explainer_for(pipeline, task="classification", background=train.sample(200, random_state=0))
    >>> batch = explainer.explain(rows)   # batch.base_values + batch.values.sum(1) == batch.outputs
    """
    check_scale(scale)
    if len(background) == 0:
        raise ValueError("the background needs at least one row")
    preparing, estimator = split_model(model)
    check_task(estimator, task)
    if isinstance(estimator, (VotingClassifier, VotingRegressor)):
        if preparing is not None:
            raise UnsupportedModelError(
                UNSUPPORTED.format(kind=VOTING_AFTER_PREPARATION.format(kind=type(estimator).__name__))
            )

        def explain_member(member: Any) -> ModelExplainer:
            return explainer_for(member, task=task, background=background, scale="common", budget=budget)

        return voting_explainer(estimator, explain_member=explain_member, task=task)
    family = next((f for f in families() if f.matches(estimator)), None)
    if family is None:
        return model_agnostic_explainer(model, task=task, background=background, budget=budget)
    build = family.native
    if scale == "common" and task == "classification":
        if family.probability is None:
            return model_agnostic_explainer(model, task=task, background=background, budget=budget)
        build = family.probability
    return build(estimator, Preparation.of(model, preparing, background), background)


def families() -> tuple[Family, ...]:
    """The model families with an exact method, in the order they are tried."""
    return (
        Family("forest", lambda m: isinstance(m, PROBABILITY_TREES), tree_explainer, interventional_tree_explainer),
        Family("scikit-learn trees", lambda m: isinstance(m, TREE_MODELS), tree_explainer),
        Family("XGBoost / LightGBM", lambda m: is_xgboost(m) or is_lightgbm(m), booster_explainer),
        Family("EBM", is_ebm, ebm_explainer),
    )
