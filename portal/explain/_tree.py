"""Tree ensembles explained by shap's path-dependent TreeSHAP: exact, and needs no background.

Forests average probabilities, so their contributions are in probability; boosted trees add scores,
so theirs are in log-odds (classification) or the target's units (regression).
"""

from __future__ import annotations

import warnings
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

from portal.explain._base import TREE_SHAP, UNSUPPORTED, UnsupportedModelError, additive_batch
from portal.explain._preparation import Preparation
from portal.results import LOG_ODDS, PROBABILITY, RAW, ExplanationBatch

PROBABILITY_TREES = (RandomForestClassifier, ExtraTreesClassifier)
LOG_ODDS_TREES = (GradientBoostingClassifier, HistGradientBoostingClassifier)
RAW_TREES = (RandomForestRegressor, ExtraTreesRegressor, GradientBoostingRegressor, HistGradientBoostingRegressor)
TREE_MODELS = PROBABILITY_TREES + LOG_ODDS_TREES + RAW_TREES
#: Losses whose raw score is neither log-odds nor the prediction (exp(score), or half the log-odds).
OTHER_LINK_LOSSES = ("exponential", "poisson", "gamma")


@dataclass(frozen=True, eq=False)
class TreeShapExplainer:
    """TreeSHAP on the estimator and the matrix it sees; contributions summed back to original columns."""

    method: ClassVar[str] = TREE_SHAP
    exact: ClassVar[bool] = True
    output_scale: str
    preparation: Preparation
    estimator: Any
    shap_explainer: Any = field(repr=False)

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.preparation.feature_names

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        matrix = self.preparation.prepare(X)
        values = np.asarray(self.shap_explainer.shap_values(matrix, check_additivity=False))
        base = np.ravel(self.shap_explainer.expected_value)
        if values.ndim == 3:  # one slice per class (forests): explain class 1
            values, base = values[:, :, 1], base[1:]
        kind = type(self.estimator).__name__
        return additive_batch(
            self.preparation.sum_back(values), base[0], self._outputs(matrix), method=self.method, kind=kind
        )

    def _outputs(self, matrix: Any) -> np.ndarray:
        if self.output_scale == PROBABILITY:
            return self.estimator.predict_proba(matrix)[:, 1]
        if self.output_scale == LOG_ODDS:
            return self.estimator.decision_function(matrix)
        return self.estimator.predict(matrix)


def tree_explainer(estimator: Any, preparation: Preparation, background: pd.DataFrame) -> TreeShapExplainer:
    """TreeSHAP for a supported tree ensemble. ``background`` is not needed: path-dependent TreeSHAP
    weighs the trees' branches by their own training counts. shap is imported here, being slow to import."""
    if getattr(estimator, "loss", None) in OTHER_LINK_LOSSES:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"{type(estimator).__name__}(loss='{estimator.loss}')"))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)  # shap's import pokes matplotlib
        import shap

    return TreeShapExplainer(_output_scale(estimator), preparation, estimator, shap.TreeExplainer(estimator))


def _output_scale(estimator: Any) -> str:
    if isinstance(estimator, PROBABILITY_TREES):
        return PROBABILITY
    return LOG_ODDS if isinstance(estimator, LOG_ODDS_TREES) else RAW
