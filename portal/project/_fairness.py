"""What the fairness page and the audit ask of a project: protected groups, group metrics, explanations by group.

:class:`FairnessServices` is a mixin (like :class:`portal.project.CohortServices`): it needs
``model_names``, ``explanation_so_far(name)``, ``common_explanation(name)``, ``_row_index`` and the hooks below,
and answers with result values (:class:`portal.fairness.ProtectedAttribute`, :class:`portal.fairness.ModelFairness`,
:class:`portal.fairness.GroupExplanation`). :class:`ProjectFairness` gives a
:class:`portal.project.Project` the hooks: its protected columns, and every model's held-out probability of the
positive class, computed once per model and kept (group metrics are measured on the held-out rows).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from portal.config import FairnessConfig
from portal.data import class_columns
from portal.fairness import (
    GroupExplanation,
    ModelFairness,
    ProtectedAttribute,
    explain_by_group,
    group_fairness,
    protected_attributes,
)

NO_PROTECTED = "the project names no protected columns; add protected = [...] under [data]"
NOT_BINARY = "group metrics need a two-class target; this project's {what}"
NO_ATTRIBUTE = "no protected attribute '{name}'; choose one of {names}"
KEPT = 64  # (attribute, threshold) answers remembered per project
GROUP_PREFIX = "group: "  # /feature's colour-by for a protected attribute's groups ("group: age" is the age bands)
_LOCK = threading.Lock()


class FairnessError(ValueError):
    """A fairness question the project cannot answer, in one line with the fix."""


@dataclass(frozen=True, eq=False)
class HeldOutScores:
    """The held-out rows (data positions), their outcomes (1: positive class) and each model's scores on them."""

    positions: np.ndarray
    y: np.ndarray
    scores: dict[str, np.ndarray]  # model -> probability of the positive class (or 0/1 decisions)


class FairnessServices:
    """Mixin: protected groups, group metrics and explanations by group, from the hooks below."""

    # --- hooks ----------------------------------------------------------------------------
    def fairness_config(self) -> FairnessConfig:
        """The project's ``[fairness]`` settings (bands, intersections, four-fifths threshold, default threshold)."""
        raise NotImplementedError

    def _protected_frame(self) -> pd.DataFrame:
        """The protected columns, one row per data row in data order."""
        raise NotImplementedError

    def _held_out_scores(self) -> HeldOutScores:
        raise NotImplementedError

    def _fairness_seed(self) -> int:
        return 0

    def _binary_problem(self) -> str:
        """Empty for a two-class project, else what it is instead ("is a regression", "has 3 classes")."""
        return ""

    # --- services -------------------------------------------------------------------------
    def fairness_support(self) -> str:
        """Empty when group metrics can be computed, else why not (in one line with the fix)."""
        if not self.protected_attributes():
            return NO_PROTECTED
        problem = self._binary_problem()
        return NOT_BINARY.format(what=problem) if problem else ""

    def protected_attributes(self) -> tuple[ProtectedAttribute, ...]:
        """Every protected column's groups, then every configured intersection's (see :mod:`portal.fairness`)."""
        return self._protected_groups

    def group_metrics(self, attribute: str, threshold: float | None = None) -> tuple[ModelFairness, ...]:
        """Each model's group metrics and disparity for ``attribute`` on the held-out rows, deciding positive at
        ``threshold`` (default: the config's); raises FairnessError when the project cannot have them."""
        reason = self.fairness_support()
        if reason:
            raise FairnessError(reason)
        threshold = self.fairness_config().threshold if threshold is None else threshold
        key = (attribute, threshold)
        with _LOCK:  # callbacks run in threads; a slider revisits thresholds, each a MetricFrame per model
            kept = self._fairness_results
            if key not in kept:
                kept[key] = self._group_metrics(attribute, threshold)
                while len(kept) > KEPT:
                    kept.popitem(last=False)
            return kept[key]

    def _group_metrics(self, attribute: str, threshold: float) -> tuple[ModelFairness, ...]:
        found, held_out = self._protected_attribute(attribute), self._fairness_held_out
        config = self.fairness_config()
        labels = found.labels[held_out.positions]
        return tuple(
            group_fairness(
                name,
                held_out.y,
                held_out.scores[name],
                labels,
                attribute=found.name,
                threshold=threshold,
                four_fifths=config.four_fifths,
                order=found.groups,
                seed=self._fairness_seed(),
            )
            for name in self.model_names
        )

    def group_explanations(
        self, attribute: str, model_name: str, scale: str = "native", class_name: str | None = None
    ) -> GroupExplanation | None:
        """The model's mean contribution per feature per group of ``attribute``, over the rows explained so far
        (``scale`` "native": its own scale; "common": probability on the seeded sample), or None before any."""
        found = self._protected_attribute(attribute)
        getter = self.common_explanation if scale == "common" else self.explanation_so_far
        explanation = getter(model_name)
        if explanation is None:
            return None
        if explanation.is_multiclass:
            explanation = explanation.for_class(class_name or explanation.class_names[0])
        labels = found.labels[self._row_index.positions(explanation.row_ids)]
        return explain_by_group(explanation, labels, attribute=found.name, order=found.groups)

    def group_colour_names(self) -> tuple[str, ...]:
        """What /feature may colour by besides the features: each protected attribute's groups ("group: age")."""
        return tuple(GROUP_PREFIX + a.name for a in self.protected_attributes())

    def with_group_column(self, frame: pd.DataFrame, colour_by: str | None) -> pd.DataFrame:
        """``frame`` (one row per data row, in data order) with the groups of ``colour_by`` as a column of that
        name when it names a protected attribute's groups; else ``frame`` as it is."""
        if not colour_by or not colour_by.startswith(GROUP_PREFIX):
            return frame
        return frame.assign(**{colour_by: self._protected_attribute(colour_by.removeprefix(GROUP_PREFIX)).labels})

    # --- helpers --------------------------------------------------------------------------
    def _protected_attribute(self, name: str) -> ProtectedAttribute:
        for found in self.protected_attributes():
            if found.name == name:
                return found
        names = [a.name for a in self.protected_attributes()]
        raise FairnessError(NO_ATTRIBUTE.format(name=name, names=names) if names else NO_PROTECTED)

    @cached_property
    def _protected_groups(self) -> tuple[ProtectedAttribute, ...]:
        frame = self._protected_frame()
        return protected_attributes(frame, tuple(frame.columns), self.fairness_config())

    @cached_property
    def _fairness_results(self) -> OrderedDict[tuple[str, float], tuple[ModelFairness, ...]]:
        return OrderedDict()

    @cached_property
    def _fairness_held_out(self) -> HeldOutScores:
        return self._held_out_scores()


class ProjectFairness(FairnessServices):
    """The hooks for :class:`portal.project.Project`: needs ``config``, ``dataset`` and ``_estimator(name)``."""

    config: Any
    dataset: Any

    def fairness_config(self) -> FairnessConfig:
        return self.config.fairness

    def _fairness_seed(self) -> int:
        return self.config.data.seed

    def _protected_frame(self) -> pd.DataFrame:
        return self.dataset.frame[list(self.dataset.protected)].reset_index(drop=True)

    def _binary_problem(self) -> str:
        data = self.dataset
        if data.task != "classification":
            return "target is a number (regression)"
        return f"target has {len(data.classes)} classes" if data.is_multiclass else ""

    def _held_out_scores(self) -> HeldOutScores:
        data = self.dataset
        test = np.asarray(data.test_index)
        X = data.features.iloc[test]
        scores = {name: self._positive_score(self._estimator(name), X) for name in self.model_names}
        return HeldOutScores(test, np.asarray(data.y)[test], scores)

    def _positive_score(self, estimator: Any, X: pd.DataFrame) -> np.ndarray:
        """The probability of the positive class (code 1); a model without probabilities gives its 0/1 decision.

        A model whose probability is the chance of a randomised yes (``randomised_decisions``: a fairlearn
        ThresholdOptimizer) gives the decisions it would make, drawn with the project's seed as fairlearn's own
        ``predict(random_state=...)`` draws them: thresholding its chance at the slider would measure a different
        rule (e.g. every even chance approved), not the one it was fitted to be fair with.
        """
        data = self.dataset
        if hasattr(estimator, "predict_proba"):
            columns = class_columns(getattr(estimator, "classes_", None), data.classes)
            positive = np.asarray(estimator.predict_proba(X), dtype=np.float64)[:, columns[1]]
            if getattr(estimator, "randomised_decisions", False):
                draws = np.random.default_rng(self._fairness_seed()).random(len(positive))
                return (draws < positive).astype(np.float64)
            return positive
        predicted = np.asarray(estimator.predict(X)).astype(str)
        return np.isin(predicted, ["1", str(data.positive)]).astype(np.float64)
