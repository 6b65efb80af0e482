"""What the fairness page and the audit ask of a project: protected groups, group metrics, explanations by group.

:class:`Fairness` joins the pure pieces of :mod:`portal.fairness` with one project's data: the protected
columns (banded and intersected as ``[fairness]`` says), every model's held-out scores (group metrics are
measured on the held-out rows) and the models' explanations. Answers are values
(:class:`~portal.fairness.ProtectedAttribute`, :class:`~portal.fairness.ModelFairness`,
:class:`~portal.fairness.GroupExplanation`); group metrics are kept per (attribute, threshold), since a
slider revisits thresholds and each costs a MetricFrame per model.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cached_property

import pandas as pd

from portal.config import FairnessConfig
from portal.data import Dataset
from portal.fairness import (
    GROUP_PREFIX,
    FairnessError,
    GroupExplanation,
    ModelFairness,
    ProtectedAttribute,
    explain_by_group,
    group_fairness,
    protected_attributes,
)
from portal.project._predictions import HeldOutScores
from portal.results import Explanation, RowIndex

NO_PROTECTED = "the project names no protected columns; add protected = [...] under [data]"
NOT_BINARY = "group metrics need a two-class target; this project's {what}"
NO_ATTRIBUTE = "no protected attribute '{name}'; choose one of {names}"
KEPT = 64  # (attribute, threshold) answers remembered per project

#: Where explanations are read, by model name: the rows explained so far, and the common scale's sample.
ExplanationGetter = Callable[[str], Explanation | None]


class Fairness:
    """Protected groups, group metrics and explanations by group of one project."""

    def __init__(
        self,
        settings: FairnessConfig,
        protected: pd.DataFrame,
        *,
        binary_problem: str,
        held_out: Callable[[], HeldOutScores],
        model_names: Sequence[str],
        so_far: ExplanationGetter,
        common: ExplanationGetter,
        rows: RowIndex,
        seed: int,
    ) -> None:
        """``protected``: the protected columns, one row per data row in data order; ``binary_problem``: empty
        for a two-class target, else what it is instead ("target has 3 classes")."""
        self.settings, self.seed = settings, seed
        self._protected, self._binary_problem, self._held_out = protected, binary_problem, held_out
        self._names, self._so_far, self._common, self._rows = tuple(model_names), so_far, common, rows
        self._kept: OrderedDict[tuple[str, float], tuple[ModelFairness, ...]] = OrderedDict()
        self._lock = threading.Lock()

    def support(self) -> str:
        """Empty when group metrics can be computed, else why not (in one line with the fix)."""
        if not self.attributes():
            return NO_PROTECTED
        return NOT_BINARY.format(what=self._binary_problem) if self._binary_problem else ""

    def attributes(self) -> tuple[ProtectedAttribute, ...]:
        """Every protected column's groups, then every configured intersection's (see :mod:`portal.fairness`)."""
        return self._attributes

    def attribute(self, name: str) -> ProtectedAttribute:
        """One protected attribute by name; FairnessError naming the others."""
        for found in self.attributes():
            if found.name == name:
                return found
        names = [a.name for a in self.attributes()]
        raise FairnessError(NO_ATTRIBUTE.format(name=name, names=names) if names else NO_PROTECTED)

    def group_metrics(self, attribute: str, threshold: float | None = None) -> tuple[ModelFairness, ...]:
        """Each model's group metrics and disparity for ``attribute`` on the held-out rows, deciding positive at
        ``threshold`` (default: the config's); raises FairnessError when the project cannot have them."""
        reason = self.support()
        if reason:
            raise FairnessError(reason)
        key = (attribute, self.settings.threshold if threshold is None else threshold)
        with self._lock:
            if key not in self._kept:
                self._kept[key] = self._group_metrics(*key)
                while len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
            return self._kept[key]

    def group_explanations(
        self, attribute: str, model_name: str, scale: str = "native", class_name: str | None = None
    ) -> GroupExplanation | None:
        """The model's mean contribution per feature per group of ``attribute``, over the rows explained so far
        (``scale`` "native": its own scale; "common": probability on the seeded sample), or None before any."""
        found = self.attribute(attribute)
        explanation = (self._common if scale == "common" else self._so_far)(model_name)
        if explanation is None:
            return None
        if explanation.is_multiclass:
            explanation = explanation.for_class(class_name or explanation.class_names[0])
        labels = found.labels[self._rows.positions(explanation.row_ids)]
        return explain_by_group(explanation, labels, attribute=found.name, order=found.groups)

    def colour_names(self) -> tuple[str, ...]:
        """What /feature may colour by besides the features: each protected attribute's groups ("group: age")."""
        return tuple(GROUP_PREFIX + a.name for a in self.attributes())

    def with_group_column(self, frame: pd.DataFrame, colour_by: str | None) -> pd.DataFrame:
        """``frame`` (one row per data row, in data order) with the groups of ``colour_by`` as a column of that
        name when it names a protected attribute's groups (a Categorical in the groups' reading order: bands in
        order); else ``frame`` as it is."""
        if not colour_by or not colour_by.startswith(GROUP_PREFIX):
            return frame
        found = self.attribute(colour_by.removeprefix(GROUP_PREFIX))
        return frame.assign(**{colour_by: pd.Categorical(found.labels, categories=found.groups)})

    def _group_metrics(self, attribute: str, threshold: float) -> tuple[ModelFairness, ...]:
        found, held_out = self.attribute(attribute), self._held_out()
        labels = found.labels[held_out.positions]
        return tuple(
            group_fairness(
                name,
                held_out.y,
                held_out.scores[name],
                labels,
                attribute=found.name,
                threshold=threshold,
                four_fifths=self.settings.four_fifths,
                order=found.groups,
                seed=self.seed,
            )
            for name in self._names
        )

    @cached_property
    def _attributes(self) -> tuple[ProtectedAttribute, ...]:
        frame = self._protected
        return protected_attributes(frame, tuple(frame.columns), self.settings)


def protected_frame(dataset: Dataset) -> pd.DataFrame:
    """A project's protected columns, one row per data row in data order."""
    return dataset.frame[list(dataset.protected)].reset_index(drop=True)


def binary_problem(dataset: Dataset) -> str:
    """Empty for a two-class project, else what it is instead."""
    if dataset.task != "classification":
        return "target is a number (regression)"
    return f"target has {len(dataset.classes)} classes" if dataset.is_multiclass else ""
