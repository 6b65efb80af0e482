"""Explanations: how much each original column moved one model's output for one row.

    explainer = explainer_for(model, task="classification", background=background_rows)
    batch = explainer.explain(rows)   # batch.base_values + batch.values.sum(axis=1) == batch.outputs

Every explainer states its ``method``, whether it is ``exact``, and its ``output_scale``; every batch
keeps ``base_values + values.sum(axis=1) == outputs`` (checked before it leaves), where outputs are the
model's own predictions in that scale. Contributions are always in the user's original columns: what a
Pipeline's preparation made of a column (one-hot parts, imputed copies, scaled copies) is summed back.
Binary classifiers explain class 1 (2-D values); multi-class classifiers explain every class (a trailing
class axis named by ``class_names``); regressors explain the prediction.

Which method gives which scale, and why
---------------------------------------
``scale="native"`` (the default) explains each model in its own scale with its cheapest exact method:

============================================  ===============================  =====================================
family                                        method                           native scale (binary / multi / regr.)
============================================  ===============================  =====================================
RandomForest, ExtraTrees                      path-dependent TreeSHAP (shap)   probability / probability / raw
GradientBoosting, HistGradientBoosting        path-dependent TreeSHAP (shap)   log-odds / logit / raw
XGBoost, LightGBM                             the library's own TreeSHAP       log-odds / logit / raw
ExplainableBoosting                           Shapley values of its terms      log-odds / logit / raw
soft VotingClassifier, VotingRegressor        weighted average of members      probability / probability / raw
anything else with predict(_proba)            model-agnostic (see below)       probability / probability / raw
============================================  ===============================  =====================================

Forests average probabilities, so probability is their native scale; boosted models and EBMs add scores,
so theirs is the score (log-odds, one logit per class, or the target's units).

``scale="common"`` puts every classifier in probability, so cross-model views compare like with like
(regressors keep their native explanation: their scale is already shared). All probability-scale
values are interventional Shapley values against the background:

- forest classifiers: interventional TreeSHAP (shap, ``model_output="probability"``): exact, since a
  forest's probability is the average of its trees' leaf values.
- boosted trees (scikit-learn, XGBoost, LightGBM) and EBMs: their probability is the sigmoid or softmax
  of a sum of terms, and no cheap exact method exists. shap's interventional ``model_output="probability"``
  is not one: it rescales each reference's log-odds contributions by (p(x) - p(r)) / (score(x) - score(r)),
  which adds up but is not the Shapley value of the probability (measured: off by 0.03 on a small
  GradientBoostingClassifier); for multi-class LightGBM it applies a per-class sigmoid and does not even add
  up. So these are explained by the model-agnostic method on ``predict_proba``.
- the model-agnostic method (:func:`model_agnostic_explainer`) treats each original column as one player:
  with at most ``Budget.max_exact_features`` columns (10 by default) it evaluates every coalition
  (``method == EXACT_ENUMERATION``, exact); with more it samples permutations (shap's Permutation explainer,
  ``method == PERMUTATION``, ``exact`` False). Both are capped by a :class:`Budget` and raise
  :class:`BudgetExceededError`, saying how to raise it and what the other method costs, rather than run for
  hours. A job splits its rows into calls the budget allows (:func:`explain_in_calls`).
- averaging ensembles: the members in probability, averaged; exact exactly when every member is.

Exact on request. A soft VotingClassifier (or a probability average) of a forest, a booster and an EBM is
therefore exact in probability only up to ``max_exact_features`` columns: the forest's part always is, the
booster's and the EBM's are exact enumeration or sampled permutations. Exact values cost 2^columns coalitions
x background rows model evaluations per row (the project's background is 200 rows): 11 columns are 409,600 per
row, 16 columns 13 million, each column more doubling it, against about 10 x (2 x columns + 1) x 200 for
sampled permutations (measured on one core, a 100-tree GradientBoostingClassifier: 1.1 s a row at 12 columns,
4.7 s at 14; sampled permutations about 0.1 s; memory stays near 0.5 GB, coalitions being evaluated in
blocks). A project asks for them with ``[explain] max_exact_features = N`` (at most
:data:`EXACT_FEATURES_LIMIT`), which reaches the :class:`Budget` of its common-scale and model-agnostic
explanations; :func:`exact_hint` words this for an approximate explainer, with its own numbers.

TreeSHAP values are Shapley values over the columns the trees see, summed back to their original column;
the model-agnostic method and EBMs treat the original column as one player. For columns the preparation
maps one to one (numbers, ordinal codes) the two agree; for one-hot columns they can differ slightly.

Also here: :func:`average_explainer` (a weighted average of any models' explainers in one scale) and
:func:`interaction_values` (SHAP interaction values of a tree model for a capped sample of rows).
"""

from portal.explain._agnostic import (
    EXACT_FEATURES_LIMIT,
    Budget,
    BudgetExceededError,
    ModelAgnosticExplainer,
    model_agnostic_explainer,
)
from portal.explain._average import AveragedExplainer, average_explainer
from portal.explain._base import (
    EBM_SHAPLEY,
    EXACT_ENUMERATION,
    LIGHTGBM_TREE_SHAP,
    PERMUTATION,
    SCALES,
    TREE_SHAP,
    TREE_SHAP_FAST,
    TREE_SHAP_INTERVENTIONAL,
    WEIGHTED_AVERAGE,
    XGBOOST_TREE_SHAP,
    ModelExplainer,
    UnsupportedModelError,
    exact_hint,
    explain_in_calls,
    members_of,
)
from portal.explain._dispatch import ENGINE_VERSION, explainer_for, is_ebm
from portal.explain._interactions import MAX_INTERACTION_ROWS, NOT_A_TREE, interaction_values, interactions_unavailable
from portal.explain._preparation import split_model

__all__ = [
    "ENGINE_VERSION",
    "EBM_SHAPLEY",
    "EXACT_ENUMERATION",
    "EXACT_FEATURES_LIMIT",
    "LIGHTGBM_TREE_SHAP",
    "MAX_INTERACTION_ROWS",
    "NOT_A_TREE",
    "PERMUTATION",
    "SCALES",
    "TREE_SHAP",
    "TREE_SHAP_FAST",
    "TREE_SHAP_INTERVENTIONAL",
    "WEIGHTED_AVERAGE",
    "XGBOOST_TREE_SHAP",
    "AveragedExplainer",
    "Budget",
    "BudgetExceededError",
    "ModelAgnosticExplainer",
    "ModelExplainer",
    "UnsupportedModelError",
    "average_explainer",
    "exact_hint",
    "explain_in_calls",
    "explainer_for",
    "interaction_values",
    "interactions_unavailable",
    "is_ebm",
    "members_of",
    "model_agnostic_explainer",
    "split_model",
]
