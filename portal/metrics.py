"""Held-out performance of a fitted model, as named numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm

from portal.data import Dataset
from portal.results import ModelMetrics


def held_out_metrics(model_name: str, model: Any, dataset: Dataset) -> ModelMetrics:
    """AUC, accuracy, log loss and Brier score (classification) or RMSE, MAE, R² (regression)."""
    X = dataset.features.iloc[dataset.test_index]
    y = dataset.y[dataset.test_index]
    if dataset.task == "classification":
        values = _classification(y, model.predict_proba(X)[:, 1])
    else:
        values = _regression(y, model.predict(X))
    return ModelMetrics(model_name=model_name, task=dataset.task, values=values, n_test=len(y))


def _classification(y: np.ndarray, probability: np.ndarray) -> dict[str, float]:
    return {
        "AUC": float(skm.roc_auc_score(y, probability)),
        "Accuracy": float(skm.accuracy_score(y, probability >= 0.5)),
        "Log loss": float(skm.log_loss(y, probability, labels=[0, 1])),
        "Brier score": float(skm.brier_score_loss(y, probability)),
    }


def _regression(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {
        "RMSE": float(np.sqrt(skm.mean_squared_error(y, predicted))),
        "MAE": float(skm.mean_absolute_error(y, predicted)),
        "R²": float(skm.r2_score(y, predicted)),
    }
