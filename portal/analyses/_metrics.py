"""Held-out performance of a fitted model, as named numbers."""

from __future__ import annotations

from typing import Any

import numpy as np
from sklearn import metrics as skm

from portal.data import Dataset, class_columns
from portal.results import ModelMetrics

MACRO_AUC = "AUC (macro one-vs-rest)"


def held_out_metrics(model_name: str, model: Any, dataset: Dataset) -> ModelMetrics:
    """AUC, accuracy, log loss and Brier score (classification) or RMSE, MAE, R² (regression).

    A multi-class model gets the multi-class forms: macro one-vs-rest AUC, accuracy and macro F1 of
    the most probable class, log loss and the Brier score summed over classes.
    """
    X = dataset.features.iloc[dataset.test_index]
    y = dataset.y[dataset.test_index]
    if dataset.task == "classification":
        columns = class_columns(getattr(model, "classes_", None), dataset.classes)
        probabilities = np.asarray(model.predict_proba(X))[:, columns]  # column k is class code k
        values = _multiclass(y, probabilities) if dataset.is_multiclass else _classification(y, probabilities[:, 1])
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


def _multiclass(y: np.ndarray, probabilities: np.ndarray) -> dict[str, float]:
    """The one-vs-rest AUC needs every class among the held-out rows; without them it is left out."""
    labels = list(range(probabilities.shape[1]))
    predicted = probabilities.argmax(axis=1)
    values = {}
    if np.unique(y).size == len(labels):
        values[MACRO_AUC] = float(skm.roc_auc_score(y, probabilities, multi_class="ovr", average="macro"))
    return values | {
        "Accuracy": float(skm.accuracy_score(y, predicted)),
        "Macro F1": float(skm.f1_score(y, predicted, labels=labels, average="macro", zero_division=0)),
        "Log loss": float(skm.log_loss(y, probabilities, labels=labels)),
        "Brier score": float(skm.brier_score_loss(y, probabilities, labels=labels)),
    }


def _regression(y: np.ndarray, predicted: np.ndarray) -> dict[str, float]:
    return {
        "RMSE": float(np.sqrt(skm.mean_squared_error(y, predicted))),
        "MAE": float(skm.mean_absolute_error(y, predicted)),
        "R²": float(skm.r2_score(y, predicted)),
    }
