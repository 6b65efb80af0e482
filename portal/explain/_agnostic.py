"""Any model with predict / predict_proba: interventional Shapley values from model evaluations alone.

Each original column is one player; a coalition's value is the model's mean output over the background
rows with the coalition's columns set to the explained row's values (``_coalitions``). With few columns
every coalition is evaluated (exact, 2^columns x background evaluations per row); with more, shap's
Permutation explainer samples antithetic permutations (approximate; it still adds up exactly). Both are
budgeted, because a model evaluated millions of times can run for hours. A Pipeline whose preparation works
column by column is evaluated on its prepared pool (``_coalitions.Prepared``): the same numbers, several
times faster.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from models.fair_thresholds import GroupThresholdClassifier
from portal.explain._base import (
    EXACT_ENUMERATION,
    NO_OUTPUT,
    PERMUTATION,
    TOLERANCE,
    UnsupportedModelError,
    additive_batch,
    check_task,
    class_names,
)
from portal.explain._coalitions import Prepared, exact_shapley, permutation_shapley
from portal.explain._ebm import is_ebm
from portal.explain._ebm_cells import ebm_prepared
from portal.explain._preparation import Preparation, split_model
from portal.explain._thresholded import thresholded_prepared
from portal.explain._tree_differences import tree_output
from portal.results import PROBABILITY, RAW, ExplanationBatch

OVER_ROWS = (
    "{method} was asked to explain {rows:,} rows of {kind}, over its budget of {limit:,} rows; explain a sample, "
    "or raise the limit with budget=Budget(max_rows=...)"
)
OVER_EVALUATIONS = (
    "{method} on {rows:,} rows of {kind} needs {needed:,} model evaluations ({per_row:,} per row: {cost}), over its "
    "budget of {limit:,}; explain fewer rows, use a smaller background, or raise the limit with "
    "budget=Budget(max_evaluations=...); {other}"
)
#: Above this many columns exact enumeration is refused by the project config: 2^16 coalitions x 200 background
#: rows is 13 million model evaluations per row, already seconds a row for a small booster.
EXACT_FEATURES_LIMIT = 16
EXACT_COST = "2^{f} coalitions x {rows} background rows"
SAMPLED_COST = "{permutations} permutations x (2 x {f} + 1) x {rows} background rows"
EXACT_ON_REQUEST = (
    "for exact values set max_exact_features = {f} ([explain] in the project file): {cost} = {per_row:,} model "
    "evaluations per row, {times:,.0f} times the {sampled:,} of sampled permutations"
)
EXACT_OUT_OF_REACH = (
    "exact values would need {cost} = {per_row:,} model evaluations per row, beyond the limit of "
    f"max_exact_features = {EXACT_FEATURES_LIMIT}"
)
SAMPLED_INSTEAD = "with max_exact_features below {f}, sampled permutations (approximate) need {per_row:,} per row"


class BudgetExceededError(RuntimeError):
    """Explaining the rows asked for would cost more model evaluations than the budget allows."""


@dataclass(frozen=True)
class Budget:
    """How much a model-agnostic explanation may cost.

    max_rows : rows one call may explain.
    max_evaluations : model rows evaluated in one call (rows x evaluations per row x background rows).
    max_exact_features : up to this many columns every coalition is evaluated (exact); above, permutations.
        Exact costs 2^columns x background rows model evaluations per row, so each column more doubles it.
    permutations : antithetic permutations per row for the approximate method.
    """

    max_rows: int = 10_000
    max_evaluations: int = 50_000_000
    max_exact_features: int = 10
    permutations: int = 10


@dataclass(frozen=True, eq=False)
class ModelAgnosticExplainer:
    """Shapley values of ``output`` (the whole model, original columns in) against ``background``."""

    method: str
    output_scale: str
    model: Any
    output: Callable[[pd.DataFrame], np.ndarray] = field(repr=False)
    background: pd.DataFrame = field(repr=False)
    budget: Budget
    class_names: tuple[str, ...] = ()
    prepared: Prepared | None = field(default=None, repr=False)  # the faster road for column-wise Pipelines

    tolerance: ClassVar[float] = TOLERANCE

    @property
    def exact(self) -> bool:
        return self.method == EXACT_ENUMERATION

    @property
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.background.columns)

    def evaluations_per_row(self, exact: bool | None = None) -> int:
        """Model rows evaluated to explain one row (by this explainer's method, or the ``exact`` one or not)."""
        f = len(self.feature_names)
        masks = 2**f if (self.exact if exact is None else exact) else self.budget.permutations * (2 * f + 1)
        return masks * len(self.background)

    def rows_per_call(self) -> int:
        """The most rows one call may explain within the budget (0: not even one row)."""
        return min(self.budget.max_rows, self.budget.max_evaluations // self.evaluations_per_row())

    def exact_hint(self) -> str:
        """Empty when exact; otherwise how to get exact values and what they cost per row."""
        if self.exact:
            return ""
        f, per_row = len(self.feature_names), self.evaluations_per_row(exact=True)
        cost = EXACT_COST.format(f=f, rows=len(self.background))
        if f > EXACT_FEATURES_LIMIT:
            return EXACT_OUT_OF_REACH.format(cost=cost, per_row=per_row)
        sampled = self.evaluations_per_row()
        return EXACT_ON_REQUEST.format(f=f, cost=cost, per_row=per_row, times=per_row / sampled, sampled=sampled)

    def check_budget(self, n_rows: int) -> None:
        kind, limit = type(self.model).__name__, self.budget
        if n_rows > limit.max_rows:
            raise BudgetExceededError(
                OVER_ROWS.format(method=self.method, rows=n_rows, kind=kind, limit=limit.max_rows)
            )
        per_row = self.evaluations_per_row()
        if n_rows * per_row > limit.max_evaluations:
            raise BudgetExceededError(
                OVER_EVALUATIONS.format(
                    method=self.method,
                    rows=n_rows,
                    kind=kind,
                    needed=n_rows * per_row,
                    per_row=per_row,
                    cost=self._cost(),
                    limit=limit.max_evaluations,
                    other=self._other_method(),
                )
            )

    def _cost(self) -> str:
        f, rows = len(self.feature_names), len(self.background)
        if self.exact:
            return EXACT_COST.format(f=f, rows=rows)
        return SAMPLED_COST.format(permutations=self.budget.permutations, f=f, rows=rows)

    def _other_method(self) -> str:
        """What the other method would cost: the way to exact values, or the cheaper approximation."""
        if self.exact:
            return SAMPLED_INSTEAD.format(f=len(self.feature_names), per_row=self.evaluations_per_row(exact=False))
        return self.exact_hint()

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        self.check_budget(len(X))
        rows = X.loc[:, list(self.feature_names)].reset_index(drop=True)
        if len(rows) == 0:
            return self._empty()
        if self.exact:
            values, base = exact_shapley(self.output, self.background, rows, prepared=self.prepared)
        else:
            values, base = permutation_shapley(
                self.output, self.background, rows, permutations=self.budget.permutations, prepared=self.prepared
            )
        return additive_batch(
            values,
            base,
            self.output(rows),
            method=self.method,
            kind=type(self.model).__name__,
            class_names=self.class_names,
        )

    def _empty(self) -> ExplanationBatch:
        k = len(self.class_names)
        shape = (0, len(self.feature_names)) + ((k,) if k else ())
        empty = np.zeros(shape[:1] + shape[2:])
        return ExplanationBatch(np.zeros(shape), empty, empty.copy(), self.class_names)


def model_agnostic_explainer(
    model: Any, *, task: str, background: pd.DataFrame, budget: Budget | None = None
) -> ModelAgnosticExplainer:
    """Interventional Shapley values of any fitted model, in probability (classification, every class when
    multi-class, class 1 when binary) or its prediction (regression); exact when the model has at most
    ``budget.max_exact_features`` columns, approximate above.
    """
    check_task(model, task)
    if len(background) == 0:
        raise ValueError("the background needs at least one row")
    budget = budget or Budget()
    columns = list(getattr(model, "feature_names_in_", background.columns))
    method = EXACT_ENUMERATION if len(columns) <= budget.max_exact_features else PERMUTATION
    output, scale = _output(model, task)
    frame = background.loc[:, columns].reset_index(drop=True)
    names = class_names(model) if task == "classification" else ()
    width = np.shape(output(frame.iloc[:1]))  # also proves the model takes the frame
    if len(width) == 2 and not names:  # several outputs from a model that does not name its classes
        names = tuple(str(k) for k in range(width[1]))
    prepared = _prepared(model, task, frame)
    prepared = None if prepared is None else prepared.with_background(frame)
    return ModelAgnosticExplainer(method, scale, model, output, frame, budget, names, prepared)


def _prepared(model: Any, task: str, background: pd.DataFrame) -> Prepared | None:
    """The model as column-wise preparation + estimator, when it is a Pipeline whose preparation makes a
    numeric matrix column by column; None otherwise (every hybrid row then goes through the whole model).
    The additivity check of every batch compares against the whole model's own output, so a preparation
    that is not column-wise after all cannot pass unnoticed."""
    if isinstance(model, GroupThresholdClassifier):  # its base's road plus a group column (see _thresholded)
        return thresholded_prepared(model, background, lambda base, frame: _prepared(base, task, frame))
    preparing, estimator = split_model(model)
    if is_ebm(estimator):
        return ebm_prepared(model, preparing, estimator, task, background)
    if preparing is None:
        return None
    try:
        preparation = Preparation.of(model, preparing, background)
        matrix = preparation.prepare(background.iloc[:2])
    except (UnsupportedModelError, ValueError):
        return None
    if not isinstance(matrix, np.ndarray) or matrix.dtype.kind not in "biuf":
        return None  # a frame out (set_output) or text left in: the estimator wants it as it is
    output = tree_output(estimator, task, stride=len(background)) or _output(estimator, task)[0]
    return Prepared(lambda frame: preparation.prepare(frame), preparation.origins, output)


def _output(model: Any, task: str) -> tuple[Callable[[pd.DataFrame], np.ndarray], str]:
    kind = type(model).__name__
    if task == "regression":
        if not hasattr(model, "predict"):
            raise UnsupportedModelError(NO_OUTPUT.format(kind=kind, task=task, method="predict"))
        return model.predict, RAW
    if not hasattr(model, "predict_proba"):
        raise UnsupportedModelError(NO_OUTPUT.format(kind=kind, task=task, method="predict_proba"))

    def probability(frame: pd.DataFrame) -> np.ndarray:
        proba = np.asarray(model.predict_proba(frame), dtype=np.float64)
        return proba[:, 1] if proba.shape[1] == 2 else proba

    return probability, PROBABILITY
