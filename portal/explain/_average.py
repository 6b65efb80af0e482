"""Averaging ensembles explained by linearity: the weighted average of the members' explanations.

Shapley values are linear in the model, so an ensemble whose output is a weighted average of its
members' outputs has the weighted average of their values: exact when every member's are. The
members must be explained in one shared scale. A soft VotingClassifier averages probabilities, so its
members are explained in probability (the common scale); a VotingRegressor averages predictions.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import pandas as pd
from sklearn.ensemble import VotingClassifier, VotingRegressor

from portal.explain._base import (
    UNSUPPORTED,
    WEIGHTED_AVERAGE,
    ModelExplainer,
    UnsupportedModelError,
    additive_batch,
    class_names,
    exact_hint,
)
from portal.results import AverageMember, ExplanationBatch

MIXED_SCALES = "members of an average must share one output scale; got {scales}"
MIXED_COLUMNS = "members of an average must explain the same columns; got {a} and {b}"
MIXED_CLASSES = "members of an average must have the same classes; got {a} and {b}"
BAD_WEIGHTS = "an average needs one non-negative weight per member, not all zero; got {weights}"
BAD_NAMES = "an average's names name its members, one each; got {names} for {count} members"


@dataclass(frozen=True, eq=False)
class AveragedExplainer:
    """The weighted average of the members' explanations; checked against the ensemble's own output when
    given one, otherwise its output is the average of the members' outputs."""

    members: tuple[ModelExplainer, ...]
    weights: np.ndarray = field(repr=False)  # normalised to sum to 1
    kind: str = "weighted average"
    ensemble_output: Callable[[pd.DataFrame], np.ndarray] | None = field(default=None, repr=False)
    class_names: tuple[str, ...] = ()
    member_names: tuple[str, ...] = ()  # what the ensemble calls its members (a VotingClassifier's estimators)

    @property
    def method(self) -> str:
        return f"{WEIGHTED_AVERAGE}({', '.join(m.method for m in self.members)})"

    @property
    def exact(self) -> bool:
        return all(m.exact for m in self.members)

    @property
    def tolerance(self) -> float:
        return max(m.tolerance for m in self.members)

    @property
    def output_scale(self) -> str:
        return self.members[0].output_scale

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.members[0].feature_names

    def check_budget(self, n_rows: int) -> None:
        for member in self.members:
            member.check_budget(n_rows)

    def rows_per_call(self) -> int | None:
        limits = [m.rows_per_call() for m in self.members if m.rows_per_call() is not None]
        return min(limits) if limits else None

    def exact_hint(self) -> str:
        """The approximate members' way to exact values: they share the columns and background, so one."""
        return next((hint for hint in map(exact_hint, self.members) if hint), "")

    def shares(self) -> tuple[AverageMember, ...]:
        """Each member's name, weight and method, for labels; empty when the members are not named."""
        if not self.member_names:
            return ()
        return tuple(
            AverageMember(name, float(w), m.method, m.exact)
            for name, w, m in zip(self.member_names, self.weights, self.members)
        )

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        batches = [m.explain(X) for m in self.members]
        values = sum(w * b.values for w, b in zip(self.weights, batches))
        base = sum(w * b.base_values for w, b in zip(self.weights, batches))
        outputs = sum(w * b.outputs for w, b in zip(self.weights, batches))
        if self.ensemble_output is not None:
            outputs = self.ensemble_output(X)
        return additive_batch(
            values,
            base,
            outputs,
            method=self.method,
            kind=self.kind,
            class_names=self.class_names,
            tolerance=self.tolerance,
        )


def average_explainer(
    members: Sequence[ModelExplainer],
    weights: Sequence[float] | None = None,
    *,
    kind: str = "weighted average",
    ensemble_output: Callable[[pd.DataFrame], np.ndarray] | None = None,
    names: Sequence[str] = (),
) -> AveragedExplainer:
    """An explainer of the weighted average of models, from their explainers (all in one scale).

    Parameters
    ----------
    members : explainers of the averaged models, each from :func:`explainer_for` with the same background
        and ``scale`` (classifiers averaged in probability need ``scale="common"``).
    weights : one per member (default equal); normalised to sum to 1.
    kind : what the average is called in error messages.
    ensemble_output : the averaged model's own output in the members' scale, to check the average against.
    names : what to call each member in labels (:meth:`AveragedExplainer.shares`); optional.

    Examples
    --------
    >>> members = [explainer_for(m, task="classification", background=bg, scale="common") for m in models]
    >>> explainer = average_explainer(members, weights=[2, 1, 1])
    """
    members = tuple(members)
    weights = np.ones(len(members)) if weights is None else np.asarray(weights, dtype=np.float64)
    if not members or weights.shape != (len(members),) or (weights < 0).any() or weights.sum() <= 0:
        raise ValueError(BAD_WEIGHTS.format(weights=list(weights)))
    if names and len(names) != len(members):
        raise ValueError(BAD_NAMES.format(names=list(names), count=len(members)))
    _check_alike(members)
    return AveragedExplainer(
        members, weights / weights.sum(), kind, ensemble_output, members[0].class_names, tuple(map(str, names))
    )


def voting_explainer(
    model: VotingClassifier | VotingRegressor,
    *,
    explain_member: Callable[[Any], ModelExplainer],
    task: str,
) -> AveragedExplainer:
    """A soft VotingClassifier or a VotingRegressor, from its fitted members explained by ``explain_member``
    (in probability for classifiers), checked against the ensemble's own predictions."""
    kind = type(model).__name__
    if isinstance(model, VotingClassifier) and model.voting != "soft":
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a {kind} with voting='{model.voting}'"))
    kept = [i for i, (_, member) in enumerate(model.estimators) if member != "drop"]
    weights = None if model.weights is None else np.asarray(model.weights, dtype=np.float64)[kept]
    members = [explain_member(member) for member in model.estimators_]
    averaged = average_explainer(
        members,
        weights,
        kind=kind,
        ensemble_output=_ensemble_output(model, task),
        names=[model.estimators[i][0] for i in kept],
    )
    return replace(averaged, class_names=class_names(model))  # the ensemble's labels, not the members' codes


def _ensemble_output(model: Any, task: str) -> Callable[[pd.DataFrame], np.ndarray]:
    if task == "regression":
        return model.predict

    def probability(X: pd.DataFrame) -> np.ndarray:
        proba = model.predict_proba(X)
        return proba[:, 1] if proba.shape[1] == 2 else proba

    return probability


def _check_alike(members: tuple[ModelExplainer, ...]) -> None:
    scales = sorted({m.output_scale for m in members})
    if len(scales) > 1:
        raise ValueError(MIXED_SCALES.format(scales=scales))
    first = members[0]
    for other in members[1:]:
        if other.feature_names != first.feature_names:
            raise ValueError(MIXED_COLUMNS.format(a=first.feature_names, b=other.feature_names))
        if other.class_names != first.class_names:
            raise ValueError(MIXED_CLASSES.format(a=first.class_names, b=other.class_names))
