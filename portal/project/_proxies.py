"""What the fairness page and the audit ask about proxies and declined rows: a mixin of :class:`portal.project.Project`.

:class:`ProxyServices` joins the pure pieces with a project's data and explanations:

- :meth:`proxy_tables`: each model's ranked proxy table for a protected attribute (:mod:`portal.fairness`). The
  association of every feature with the attribute is measured once per attribute and kept (about 1.5 s on the
  loan data); each model's importance is its mean |SHAP| over the rows explained so far, so the table is there as
  soon as a first chunk is.
- :meth:`adverse_reasons` and :meth:`write_adverse_reasons`: the features that pushed each model toward decline
  (:mod:`portal.fairness`) for one row, or for every declined row into one CSV file.

"Declined" means not selected: the model's probability of the positive class (``[data] positive``; in the loan
demo, repaying) is below the decision threshold, the same rule as the group metrics of :mod:`portal.fairness`.
Reasons are read from each model's own explanation (its native scale, exact where the model allows), whose
contributions raise the positive class's score as they raise its probability: the direction is the same.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, TextIO

import numpy as np
import pandas as pd

from portal.fairness import (
    AttributeAssociation,
    DecisionRule,
    ProxyTable,
    Reason,
    ReasonsWritten,
    associate,
    mean_abs_importance,
    rank_proxies,
    reasons_for_row,
    write_reasons_csv,
)

# Apart, so a first association (seconds) never holds up a reason's scores (milliseconds once kept).
_ASSOCIATION_LOCK, _SCORES_LOCK = threading.Lock(), threading.Lock()


@dataclass(frozen=True)
class RowDecision:
    """One model's decision on one row: its probability of the positive class, declined or not, and why."""

    model_name: str
    score: float
    threshold: float
    declined: bool
    reasons: tuple[Reason, ...]  # the strongest pushes toward decline (shown whether or not it declined)
    output_scale: str


class ProxyServices:
    """Mixin: needs ``model_names``, ``explanation(name)``, ``explanation_so_far(name)``, ``fairness_config()``,
    ``_protected_attribute(name)``, ``_fairness_seed()`` and ``_row_index`` (the fairness and cohort mixins), and
    the two hooks below."""

    # --- hooks ----------------------------------------------------------------------------
    def _proxy_features(self) -> pd.DataFrame:
        """The model inputs of every data row, in data order."""
        raise NotImplementedError

    def _positive_scores(self, model_name: str) -> np.ndarray:
        """The model's probability of the positive class on every data row, in data order."""
        raise NotImplementedError

    # --- proxies ------------------------------------------------------------------------------
    def proxy_tables(self, attribute: str) -> tuple[ProxyTable, ...]:
        """Each model's proxy table for ``attribute``, highest risk first, in model order; models with no rows
        explained yet are left out (their importance is unknown)."""
        association = self._association(attribute)
        tables = []
        for name in self.model_names:
            explanation = self.explanation_so_far(name)
            if explanation is None:
                continue
            if explanation.is_multiclass:  # fairness is binary; kept total for safety
                values = np.abs(explanation.values).sum(axis=2)
            else:
                values = explanation.values
            importance = mean_abs_importance(values, explanation.feature_names)
            tables.append(rank_proxies(association, name, importance))
        return tuple(tables)

    def _association(self, attribute: str) -> AttributeAssociation:
        with _ASSOCIATION_LOCK:
            kept = self._associations
            if attribute not in kept:
                found = self._protected_attribute(attribute)
                kept[attribute] = associate(
                    self._proxy_features().reset_index(drop=True),
                    found.labels,
                    attribute=found.name,
                    source=found.columns,
                    seed=self._fairness_seed(),
                )
            return kept[attribute]

    @cached_property
    def _associations(self) -> dict[str, AttributeAssociation]:
        return {}

    # --- adverse action -----------------------------------------------------------------------
    def adverse_reasons(self, row_id: str, threshold: float | None = None) -> tuple[RowDecision, ...]:
        """Every model's decision on the row and its strongest reasons toward decline, in model order; models
        whose explanation does not cover the row yet are left out."""
        rule = self._decision_rule(threshold)
        position = self._row_index.positions([str(row_id)])[0]
        decisions = []
        for name in self.model_names:
            explanation = self.explanation_so_far(name)
            if explanation is None or str(row_id) not in set(np.asarray(explanation.row_ids).astype(str)):
                continue
            score = float(self._all_scores(name)[position])
            reasons = reasons_for_row(explanation, self._inputs_by_id, str(row_id), rule)
            declined = bool(rule.declined(np.array([score]))[0])
            decisions.append(RowDecision(name, score, rule.threshold, declined, reasons, explanation.output_scale))
        return tuple(decisions)

    def write_adverse_reasons(self, target: str | Path | TextIO, threshold: float | None = None) -> ReasonsWritten:
        """The top reasons of every declined row of every model with a finished explanation, to one CSV file
        (columns :data:`portal.fairness.COLUMNS`); ``ReasonsWritten.declined`` names the models written."""
        explanations = [e for e in (self.explanation(m) for m in self.model_names) if e is not None]
        positions = self._row_index.positions
        scores = {e.model_name: self._all_scores(e.model_name)[positions(e.row_ids)] for e in explanations}
        rule = self._decision_rule(threshold)
        return write_reasons_csv(target, explanations, self._inputs_by_id, rule, scores=scores)

    def _decision_rule(self, threshold: float | None) -> DecisionRule:
        return DecisionRule(self.fairness_config().threshold if threshold is None else float(threshold))

    def _all_scores(self, model_name: str) -> np.ndarray:
        """The model's probability of the positive class on every data row, computed once and kept."""
        with _SCORES_LOCK:
            kept = self._scores_of_all_rows
            if model_name not in kept:
                kept[model_name] = np.asarray(self._positive_scores(model_name), dtype=np.float64)
            return kept[model_name]

    @cached_property
    def _scores_of_all_rows(self) -> dict[str, np.ndarray]:
        return {}

    @cached_property
    def _inputs_by_id(self) -> pd.DataFrame:
        """The model inputs indexed by row id (text): where reasons read each feature's value."""
        return self._proxy_features().set_axis(pd.Index(self._row_index.row_ids), axis=0)


class ProjectProxies(ProxyServices):
    """The hooks for :class:`portal.project.Project`: needs ``dataset``, ``_estimator(name)`` and
    ``_positive_score(estimator, X)`` (:class:`portal.project._fairness.ProjectFairness`)."""

    dataset: Any

    def _proxy_features(self) -> pd.DataFrame:
        return self.dataset.features

    def _positive_scores(self, model_name: str) -> np.ndarray:
        return self._positive_score(self._estimator(model_name), self.dataset.features)
