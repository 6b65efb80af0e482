"""What each model predicts, computed once and kept: the held-out rows for performance and fairness, every
row for cohorts and adverse-action reasons.

Predictions never change for a fitted model, and at 100k rows one costs a fair part of a second, so each is
computed on first use, under a lock (callbacks run in threads), and kept for the life of the project.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal.analyses import classification_columns, regression_columns
from portal.data import Dataset, class_columns
from portal.project._models import Models


@dataclass(frozen=True, eq=False)
class HeldOutScores:
    """The held-out rows (data positions), their outcomes (1: positive class) and each model's scores on them."""

    positions: np.ndarray
    y: np.ndarray
    scores: dict[str, np.ndarray]  # model -> probability of the positive class (or 0/1 decisions)


class Predictions:
    """Every model's predictions on the data, on demand and kept."""

    def __init__(self, dataset: Dataset, models: Models, seed: int) -> None:
        self._dataset, self._models, self._seed = dataset, models, seed
        self._kept: dict[tuple[str, ...], Any] = {}
        self._lock = threading.Lock()

    def held_out_outputs(self) -> dict[str, np.ndarray]:
        """Each trained or loaded model's held-out output: class probabilities (rows, classes), or (rows, 1)
        predictions; what the performance curves are drawn from."""
        return self._keep(("held-out outputs",), self._held_out_outputs)

    def held_out_scores(self) -> HeldOutScores:
        """Every model's positive-class score on the held-out rows: what group metrics are measured on."""
        return self._keep(("held-out scores",), self._held_out_scores)

    def positive_scores(self, model_name: str) -> np.ndarray:
        """The model's probability of the positive class on every data row, in data order."""
        return self._keep(("scores", model_name), lambda: self._positive_score(model_name, self._dataset.features))

    def cohort_columns(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        """The model's ``prediction: M`` and ``error: M`` cohort columns over every data row (see :mod:`portal.analyses`
        ``_cohorts``): binary, its probability of the positive class; multi-class, its most probable class;
        regression, its prediction. Error: 1 − p(actual class), or |actual − predicted|."""
        return self._keep(("cohort", model_name), lambda: self._cohort_columns(model_name))

    def _keep(self, key: tuple[str, ...], compute: Callable[[], Any]) -> Any:
        """Computed outside the lock, so one model's first prediction never holds up another's answer; two
        first asks at once may both compute, and the first result is kept."""
        found = self._kept.get(key)
        if found is None:
            computed = compute()
            with self._lock:
                found = self._kept.setdefault(key, computed)
        return found

    def _held_out_outputs(self) -> dict[str, np.ndarray]:
        X = self._dataset.features.iloc[self._dataset.test_index]
        outputs = {}
        for name, entry in self._models.entries.items():
            estimator = entry.fitted.estimator
            if self._dataset.task == "classification":
                outputs[name] = np.asarray(estimator.predict_proba(X), dtype=np.float64)
            else:
                outputs[name] = np.asarray(estimator.predict(X), dtype=np.float64).reshape(-1, 1)
        return outputs

    def _held_out_scores(self) -> HeldOutScores:
        test = np.asarray(self._dataset.test_index)
        X = self._dataset.features.iloc[test]
        scores = {name: self._positive_score(name, X) for name in self._models.names}
        return HeldOutScores(test, np.asarray(self._dataset.y)[test], scores)

    def _positive_score(self, model_name: str, X: pd.DataFrame) -> np.ndarray:
        """The probability of the positive class (code 1); a model without probabilities gives its 0/1 decision.

        A model whose probability is the chance of a randomised yes (``randomised_decisions``: a fairlearn
        ThresholdOptimizer) gives the decisions it would make, drawn with the project's seed as fairlearn's own
        ``predict(random_state=...)`` draws them: thresholding its chance at the slider would measure a different
        rule (e.g. every even chance approved), not the one it was fitted to be fair with.
        """
        data, estimator = self._dataset, self._models.estimator(model_name)
        if hasattr(estimator, "predict_proba"):
            columns = class_columns(getattr(estimator, "classes_", None), data.classes)
            positive = np.asarray(estimator.predict_proba(X), dtype=np.float64)[:, columns[1]]
            if getattr(estimator, "randomised_decisions", False):
                draws = np.random.default_rng(self._seed).random(len(positive))
                return (draws < positive).astype(np.float64)
            return positive
        predicted = np.asarray(estimator.predict(X)).astype(str)
        return np.isin(predicted, ["1", str(data.positive)]).astype(np.float64)

    def _cohort_columns(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        data, estimator = self._dataset, self._models.estimator(model_name)
        if data.task != "classification":
            return regression_columns(estimator.predict(data.features), data.y)
        columns = class_columns(getattr(estimator, "classes_", None), data.classes)
        probabilities = np.asarray(estimator.predict_proba(data.features))[:, columns]  # column k is class code k
        return classification_columns(probabilities, data.y, data.classes)
