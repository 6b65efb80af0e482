"""Cohorts on the server: which rows a cohort's text selects, remembered for the next ask.

:class:`Cohorts` answers ``cohort_rows(text)`` with a :class:`~portal.analyses.CohortRows`: one vectorised
comparison per filter over a table of the data's columns (features, target, protected attributes), plus each
model's ``prediction:`` and ``error:`` columns, computed only when a cohort names them (once per model), so a
cohort of features alone stays cheap at 100k rows. The last few cohorts' masks are kept.

/local's row search is a cohort too (:meth:`Cohorts.find_rows`): the same grammar over the same columns, its
matches sorted by a model's prediction or by how much the models disagree when asked.
"""

from __future__ import annotations

import difflib
import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence
from functools import cached_property

import numpy as np
import pandas as pd

from portal.analyses import (
    DEFAULT_LIMIT,
    DISAGREEMENT,
    ERROR,
    PREDICTION,
    Cohort,
    CohortError,
    CohortRows,
    RowMatches,
    RowSearchError,
    cohort_example,
    find_rows,
    query_for,
    search_message,
    shown,
)
from portal.data import Dataset
from portal.results import RowIndex

KEPT = 32  # cohorts remembered per project (their masks: one byte per row each)
NO_COLUMN = (
    "cohort filter '{filter}': no column '{column}'{near}; write a feature, the target, 'prediction: <model>' or "
    "'error: <model>'"
)
NOT_A_SORT = "rows can be sorted by 'prediction: <model>', 'error: <model>' or 'disagreement', not '{sort}'"
NO_SPREAD = "sorting by disagreement needs two models with a number as their prediction"

#: A model's (prediction, error) columns over every data row, in data order.
ModelColumns = Callable[[str], tuple[np.ndarray, np.ndarray]]


class Cohorts:
    """The rows cohorts select over ``table`` (one row per data row, in data order) and the models' columns.

    ``table`` is a function, called on the first cohort: a copy of every column costs memory and time at 1M rows,
    which opening a project should not pay for a page nobody has asked for yet."""

    def __init__(
        self, table: Callable[[], pd.DataFrame], rows: RowIndex, model_names: Sequence[str], model_columns: ModelColumns
    ):
        self._table_of, self._rows, self._names, self._model_columns = table, rows, tuple(model_names), model_columns
        self._kept: OrderedDict[str, CohortRows] = OrderedDict()
        self._columns: dict[str, np.ndarray] = {}  # filled on demand: "prediction: GB" -> values over every row
        self._lock = threading.Lock()  # callbacks run in threads; the kept cohorts and model columns are shared

    @cached_property
    def _table(self) -> pd.DataFrame:
        return self._table_of()

    @cached_property
    def _example(self) -> str:
        return cohort_example(self._table)

    def columns(self) -> tuple[str, ...]:
        """Every column a cohort may filter on, in order: the table's, then each model's prediction and error."""
        own = tuple(self._table.columns)
        return own + tuple(c.format(model=m) for m in self._names for c in (PREDICTION, ERROR))

    def example(self) -> str:
        """A cohort in this project's own columns, for placeholders and error hints."""
        return self._example

    def rows(self, cohort: str | None) -> CohortRows:
        """The rows ``cohort`` selects (everyone for None or blank); raises CohortError naming the filter and fix."""
        parsed = Cohort.parse(cohort, self._example)
        text = str(parsed)
        with self._lock:
            if text not in self._kept:
                self._kept[text] = CohortRows(text, self._mask(parsed), self._rows)
                if len(self._kept) > KEPT:
                    self._kept.popitem(last=False)
            self._kept.move_to_end(text)
            return self._kept[text]

    def held_out(self, cohort: str | None, test_index: np.ndarray) -> np.ndarray:
        """Which held-out rows (``test_index``: their data positions) are in the cohort: a mask over them."""
        return self.rows(cohort).mask[np.asarray(test_index)]

    def _mask(self, cohort: Cohort) -> np.ndarray:
        frame = self._table
        if cohort.is_everyone:
            return np.ones(len(frame), dtype=bool)
        extra = {}
        for f in cohort.filters:
            if f.column not in frame.columns and f.column not in extra:
                extra[f.column] = self._model_column(f.column, str(f))
        if extra:
            frame = frame[[f.column for f in cohort.filters if f.column in frame.columns]].assign(**extra)
        return cohort.mask(frame)

    def find_rows(
        self, text: str, column: str | None = None, limit: int = DEFAULT_LIMIT, sort: str | None = None
    ) -> RowMatches:
        """The first ``limit`` rows the search selects (the cohort grammar over every cohort column, or a value or
        range of ``column``), in data order or highest ``sort`` first: 'prediction: <model>', 'error: <model>' or
        'disagreement'. Raises RowSearchError, a sentence naming the fix."""
        try:
            parsed = Cohort.parse(query_for(column, text), self._example)
            with self._lock:
                frame = self._frame(parsed).set_axis(pd.Index(self._rows.row_ids.astype(str)))
                order = self._order(sort) if sort else None
        except CohortError as error:
            raise RowSearchError(search_message(error)) from None
        if order is not None:
            order = pd.Series(order, index=frame.index, name=sort)
        return find_rows(frame, str(parsed), limit=limit, order=order, example=self._example)

    def _order(self, sort: str) -> np.ndarray:
        """One number per row to sort a search by, highest first."""
        if sort == DISAGREEMENT:
            predictions = [self._model_column(PREDICTION.format(model=m), sort) for m in self._names]
            numbers = [p for p in predictions if np.issubdtype(np.asarray(p).dtype, np.number)]
            if len(numbers) < 2:
                raise CohortError(NO_SPREAD)
            stacked = np.column_stack(numbers).astype(float)
            return stacked.max(axis=1) - stacked.min(axis=1)
        if sort not in self.columns()[len(self._table.columns) :]:
            raise CohortError(NOT_A_SORT.format(sort=sort))
        values = np.asarray(self._model_column(sort, sort))
        if not np.issubdtype(values.dtype, np.number):
            raise CohortError(NOT_A_SORT.format(sort=sort) + f" ('{sort}' is a class, not a number)")
        return values

    def _frame(self, cohort: Cohort) -> pd.DataFrame:
        """The table with the model columns ``cohort`` names."""
        extra = {}
        for f in cohort.filters:
            if f.column not in self._table.columns and f.column not in extra:
                extra[f.column] = self._model_column(f.column, str(f))
        return self._table.assign(**extra) if extra else self._table

    def _model_column(self, column: str, filter_text: str) -> np.ndarray:
        """A ``prediction: <model>`` or ``error: <model>`` column, computed once per model."""
        if column not in self._columns:
            for model in self._names:
                names = (PREDICTION.format(model=model), ERROR.format(model=model))
                if column in names:
                    self._columns.update(zip(names, self._model_columns(model)))
                    break
            else:
                near = difflib.get_close_matches(column, self.columns(), n=1, cutoff=0.8)
                hint = f" (did you mean '{near[0]}'?)" if near else ""
                raise CohortError(NO_COLUMN.format(filter=shown(filter_text), column=shown(column), near=hint))
        return self._columns[column]


def cohort_table(dataset: Dataset, time: str | None = None) -> pd.DataFrame:
    """Features, target, protected attributes and the ``time`` column (as dates, so that a cohort can name a
    window: ``arrival_date = 2017-07``), one row per data row in data order (positional index)."""
    table = dataset.features.reset_index(drop=True)
    target = dataset.y
    if dataset.task == "classification":  # a batch's row without its label yet: empty
        target = np.where(dataset.labelled, np.asarray(dataset.classes, dtype=object)[dataset.y], None)
    extra = {dataset.target: target}
    extra.update({p: dataset.frame[p].to_numpy() for p in dataset.protected if p not in table.columns})
    if time and time in dataset.frame.columns and time not in table.columns:
        extra[time] = _as_dates(dataset.frame[time])
    return table.assign(**extra)


def _as_dates(times: pd.Series) -> np.ndarray:
    """A time column as dates: periods at their start, text parsed (what does not parse is left empty)."""
    if isinstance(times.dtype, pd.PeriodDtype):
        return times.dt.to_timestamp().to_numpy()
    if pd.api.types.is_datetime64_any_dtype(times):
        return times.dt.tz_localize(None).to_numpy() if getattr(times.dt, "tz", None) else times.to_numpy()
    return pd.to_datetime(times, errors="coerce", format="mixed").to_numpy()
