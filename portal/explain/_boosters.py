"""XGBoost and LightGBM explained by their own exact TreeSHAP: ``pred_contribs`` / ``pred_contrib``.

Both libraries implement path-dependent TreeSHAP natively (shap's TreeExplainer calls XGBoost's for
XGBoost models); each returns one column per feature plus a bias column, in the raw score: log-odds
(binary), one logit per class (multi-class, softmax), the prediction itself (regression with an identity
link). Objectives with any other link (Poisson, gamma, ranking, ...) are refused, found by checking the
model's own predictions against its raw score on the background rows.

XGBoost computes in float32, so its contributions add up to its margin only to float32 precision:
additivity is checked at ``FLOAT32_TOLERANCE`` for it (LightGBM computes in float64).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy.special import expit, softmax

from portal.explain._base import (
    FLOAT32_TOLERANCE,
    LIGHTGBM_TREE_SHAP,
    TOLERANCE,
    UNSUPPORTED,
    XGBOOST_TREE_SHAP,
    Unbudgeted,
    UnsupportedModelError,
    additive_batch,
    class_names,
    score_scale,
)
from portal.explain._preparation import Preparation
from portal.results import RAW, ExplanationBatch


@dataclass(frozen=True, eq=False)
class BoosterExplainer(Unbudgeted):
    """The library's own contributions on the matrix the booster sees, summed back to original columns."""

    exact: ClassVar[bool] = True
    method: str
    output_scale: str
    preparation: Preparation
    estimator: Any
    library: _Library = field(repr=False)
    class_names: tuple[str, ...] = ()

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.preparation.feature_names

    @property
    def tolerance(self) -> float:
        return self.library.tolerance

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        matrix = self.preparation.prepare(X)
        contributions = np.asarray(self.library.contributions(self.estimator, matrix), dtype=np.float64)
        values, base = contributions[..., :-1], contributions[..., -1]
        if values.ndim == 3:  # (n, classes, columns) -> (n, columns, classes)
            values = values.transpose(0, 2, 1)
        return additive_batch(
            self.preparation.sum_back(values),
            base,
            self.library.score(self.estimator, matrix),
            method=self.method,
            kind=type(self.estimator).__name__,
            class_names=self.class_names,
            tolerance=self.tolerance,
        )


@dataclass(frozen=True)
class _Library:
    method: str
    contributions: Callable[[Any, Any], np.ndarray]  # (n, columns + 1) or (n, classes, columns + 1)
    score: Callable[[Any, Any], np.ndarray]  # the raw score (margin)
    tolerance: float


def is_xgboost(estimator: Any) -> bool:
    """XGBoost's scikit-learn classifier or regressor; xgboost is imported only for its own models."""
    if not type(estimator).__module__.startswith("xgboost"):
        return False
    import xgboost

    return isinstance(estimator, (xgboost.XGBClassifier, xgboost.XGBRegressor))


def is_lightgbm(estimator: Any) -> bool:
    if not type(estimator).__module__.startswith("lightgbm"):
        return False
    import lightgbm

    return isinstance(estimator, (lightgbm.LGBMClassifier, lightgbm.LGBMRegressor))


def booster_explainer(estimator: Any, preparation: Preparation, background: pd.DataFrame) -> BoosterExplainer:
    """Native TreeSHAP for an XGBoost or LightGBM model, once its raw score is known to be our scale."""
    library = XGBOOST if is_xgboost(estimator) else LIGHTGBM
    scale = score_scale(estimator) if hasattr(estimator, "predict_proba") else RAW
    _check_link(estimator, library, preparation.prepare(background))
    return BoosterExplainer(library.method, scale, preparation, estimator, library, class_names(estimator))


def _check_link(estimator: Any, library: _Library, matrix: Any) -> None:
    """The prediction must be the raw score (regressors) or its sigmoid / softmax (classifiers)."""
    score = np.asarray(library.score(estimator, matrix), dtype=np.float64)
    if hasattr(estimator, "predict_proba"):
        proba = np.asarray(estimator.predict_proba(matrix), dtype=np.float64)
        expected = softmax(score, axis=1) if score.ndim == 2 else np.column_stack([1 - expit(score), expit(score)])
    else:
        proba, expected = np.asarray(estimator.predict(matrix), dtype=np.float64), score
    if proba.shape != expected.shape or not np.allclose(proba, expected, rtol=1e-4, atol=1e-6):
        objective = getattr(estimator, "objective", None)
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"{type(estimator).__name__}(objective='{objective}')"))


def _xgboost_contributions(model: Any, matrix: Any) -> np.ndarray:
    import xgboost

    dmatrix = xgboost.DMatrix(
        matrix, missing=model.missing, enable_categorical=model.enable_categorical, feature_types=model.feature_types
    )
    return model.get_booster().predict(dmatrix, pred_contribs=True, iteration_range=_xgboost_iterations(model))


def _xgboost_iterations(model: Any) -> tuple[int, int]:
    """The trees ``predict`` uses: up to the best iteration after early stopping, otherwise all."""
    try:
        return 0, int(model.best_iteration) + 1
    except AttributeError:
        return 0, 0


def _xgboost_score(model: Any, matrix: Any) -> np.ndarray:
    return model.predict(matrix, output_margin=True)


def _lightgbm_contributions(model: Any, matrix: Any) -> np.ndarray:
    contributions = np.asarray(model.predict(matrix, pred_contrib=True))
    k = len(getattr(model, "classes_", ()))
    return contributions.reshape(contributions.shape[0], k, -1) if k > 2 else contributions


def _lightgbm_score(model: Any, matrix: Any) -> np.ndarray:
    return model.predict(matrix, raw_score=True)


XGBOOST = _Library(XGBOOST_TREE_SHAP, _xgboost_contributions, _xgboost_score, FLOAT32_TOLERANCE)
LIGHTGBM = _Library(LIGHTGBM_TREE_SHAP, _lightgbm_contributions, _lightgbm_score, TOLERANCE)
