"""A weighted average of fitted models, as one model: what a project's ``kind = "average"`` predicts with.

The average is taken in one scale its members share, named by ``over``:

- ``"prediction"``: regressors; the prediction is the weighted average of the members' predictions.
- ``"probability"``: classifiers whose own scale is probability (forests, most other models); the
  probabilities are averaged, as a soft ``VotingClassifier`` does.
- ``"score"``: classifiers whose own scale is a score (boosted trees and EBMs: log-odds, or one logit
  per class); the scores are averaged and the probability is their sigmoid (softmax). This is not the
  average of the members' probabilities: it is the model whose score is additive in its members' scores,
  so its explanation is exactly the weighted average of theirs.

Nothing is fitted here and nothing is saved: the portal rebuilds the average from its fitted members
whenever a project opens, so the only files loaded are the members' own.

    average = WeightedAverage([booster, ebm], [0.5, 0.5], over="score")
    average.decision_function(X)   # == 0.5 * booster.decision_function(X) + 0.5 * ebm.decision_function(X)
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
from scipy.special import expit, softmax

OVER = ("prediction", "probability", "score")
NO_SCORE = "{kind} has no score to average: it needs decision_function() (or be an XGBoost or LightGBM model)"


class WeightedAverage:
    """The weighted average of fitted models in one shared scale (see the module docstring).

    ``weights`` are normalised to sum to 1. Classifiers must list the same ``classes_`` in the same
    order; the average's ``classes_`` are theirs.
    """

    def __init__(self, members: Sequence[Any], weights: Sequence[float], *, over: str) -> None:
        if over not in OVER:
            raise ValueError(f"over must be one of {OVER}, not '{over}'")
        weights = np.asarray(weights, dtype=np.float64)
        if len(members) == 0 or weights.shape != (len(members),) or (weights < 0).any() or weights.sum() <= 0:
            raise ValueError(f"one non-negative weight per member, not all zero, is needed; got {list(weights)}")
        self.members = tuple(members)
        self.weights = weights / weights.sum()
        self.over = over
        if over != "prediction":
            self.classes_ = np.asarray(self.members[0].classes_)

    def predict(self, X: Any) -> np.ndarray:
        """The averaged prediction (regression), or the most probable class (classification)."""
        if self.over == "prediction":
            return self._average(lambda m: m.predict(X))
        return self.classes_[np.argmax(self.predict_proba(X), axis=1)]

    def predict_proba(self, X: Any) -> np.ndarray:
        """``(n, classes)`` probabilities: averaged, or the sigmoid / softmax of the averaged score."""
        if self.over == "probability":
            return self._average(lambda m: m.predict_proba(X))
        if self.over != "score":
            raise AttributeError("a weighted average of regressors has no predict_proba")
        score = self.decision_function(X)
        if score.ndim == 2:
            return softmax(score, axis=1)
        return np.column_stack([1.0 - expit(score), expit(score)])

    def decision_function(self, X: Any) -> np.ndarray:
        """The averaged score: log-odds of the last class ``(n,)``, or one logit per class ``(n, classes)``."""
        if self.over != "score":
            raise AttributeError(f"a weighted average over {self.over} has no score")
        return self._average(lambda m: member_score(m, X))

    def _average(self, output: Any) -> np.ndarray:
        return sum(w * np.asarray(output(m), dtype=np.float64) for w, m in zip(self.weights, self.members))


def member_score(model: Any, X: Any) -> np.ndarray:
    """A classifier's raw score: its decision function, or XGBoost's margin / LightGBM's raw score.

    A Pipeline has ``decision_function`` exactly when its last step has; XGBoost and LightGBM models
    (bare or last in a Pipeline) give theirs through ``predict`` options instead.
    """
    if hasattr(model, "decision_function"):
        return np.asarray(model.decision_function(X), dtype=np.float64)
    steps = getattr(model, "steps", None)
    final = steps[-1][1] if steps else model
    prepared = model[:-1].transform(X) if steps and len(steps) > 1 else X
    library = type(final).__module__.split(".")[0]
    if library == "xgboost":
        return np.asarray(final.predict(prepared, output_margin=True), dtype=np.float64)
    if library == "lightgbm":
        return np.asarray(final.predict(prepared, raw_score=True), dtype=np.float64)
    raise TypeError(NO_SCORE.format(kind=type(final).__name__))
