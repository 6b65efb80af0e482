"""What the fairness page and the audit ask about proxies and declined rows.

:class:`Proxies` joins the pure pieces of :mod:`portal.fairness` with one project's data and explanations:

- :meth:`Proxies.tables`: each model's ranked proxy table for a protected attribute. The association of every
  feature with the attribute is measured once per attribute and kept (about 1.5 s on the loan data); each
  model's importance is its mean |SHAP| over the rows explained so far, so the table is there as soon as a
  first chunk is.
- :meth:`Proxies.reasons` and :meth:`Proxies.write_reasons`: the features that pushed each model toward
  decline for one row, or for every declined row into one CSV file.

"Declined" means not selected: the model's probability of the positive class (``[data] positive``; in the loan
demo, repaying) is below the decision threshold, the same rule as the group metrics. Reasons are read from each
model's own explanation (its native scale, exact where the model allows), whose contributions raise the
positive class's score as they raise its probability: the direction is the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from portal.fairness import (
    AttributeAssociation,
    DecisionRule,
    ProxyTable,
    ReasonsWritten,
    RowDecision,
    associate,
    mean_abs_importance,
    rank_proxies,
    reasons_for_row,
    write_reasons_csv,
)
from portal.project._fairness import ExplanationGetter, Fairness
from portal.results import RowIndex


class Proxies:
    """Proxy risk per model and attribute, and adverse-action reasons, over ``inputs`` (the model inputs,
    indexed by row id in data order) and each model's positive-class ``scores`` on every data row."""

    def __init__(
        self,
        fairness: Fairness,
        inputs: pd.DataFrame,
        *,
        scores: Callable[[str], np.ndarray],
        model_names: Sequence[str],
        explanation: ExplanationGetter,
        so_far: ExplanationGetter,
        rows: RowIndex,
    ) -> None:
        self._fairness, self._inputs, self._scores, self._names = fairness, inputs, scores, tuple(model_names)
        self._explanation, self._so_far, self._rows = explanation, so_far, rows
        self._associations: dict[str, AttributeAssociation] = {}
        self._lock = threading.Lock()  # a first association takes seconds; reasons never wait for it

    def tables(self, attribute: str) -> tuple[ProxyTable, ...]:
        """Each model's proxy table for ``attribute``, highest risk first, in model order; models with no rows
        explained yet are left out (their importance is unknown)."""
        association = self._association(attribute)
        tables = []
        for name in self._names:
            explanation = self._so_far(name)
            if explanation is None:
                continue
            values = explanation.values
            if explanation.is_multiclass:  # fairness is binary; kept total for safety
                values = np.abs(values).sum(axis=2)
            tables.append(rank_proxies(association, name, mean_abs_importance(values, explanation.feature_names)))
        return tuple(tables)

    def reasons(self, row_id: str, threshold: float | None = None) -> tuple[RowDecision, ...]:
        """Every model's decision on the row and its strongest reasons toward decline, in model order; models
        whose explanation does not cover the row yet are left out."""
        rule = self._rule(threshold)
        position = self._rows.positions([str(row_id)])[0]
        decisions = []
        for name in self._names:
            explanation = self._so_far(name)
            if explanation is None or RowIndex(explanation.row_ids).position(row_id) is None:
                continue
            score = float(self._scores(name)[position])
            reasons = reasons_for_row(explanation, self._inputs, str(row_id), rule)
            declined = bool(rule.declined(np.array([score]))[0])
            decisions.append(RowDecision(name, score, rule.threshold, declined, reasons, explanation.output_scale))
        return tuple(decisions)

    def write_reasons(self, target: str | Path | TextIO, threshold: float | None = None) -> ReasonsWritten:
        """The top reasons of every declined row of every model with a finished explanation, to one CSV file
        (columns :data:`portal.fairness.COLUMNS`); ``ReasonsWritten.declined`` names the models written."""
        explanations = [e for e in (self._explanation(m) for m in self._names) if e is not None]
        scores = {e.model_name: self._scores(e.model_name)[self._rows.positions(e.row_ids)] for e in explanations}
        return write_reasons_csv(target, explanations, self._inputs, self._rule(threshold), scores=scores)

    def _rule(self, threshold: float | None) -> DecisionRule:
        return DecisionRule(self._fairness.settings.threshold if threshold is None else float(threshold))

    def _association(self, attribute: str) -> AttributeAssociation:
        with self._lock:
            if attribute not in self._associations:
                found = self._fairness.attribute(attribute)
                self._associations[attribute] = associate(
                    self._inputs.reset_index(drop=True),
                    found.labels,
                    attribute=found.name,
                    source=found.columns,
                    seed=self._fairness.seed,
                )
            return self._associations[attribute]
