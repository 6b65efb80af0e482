"""Cohorts on the server: which rows a cohort's text selects, remembered for the next ask.

:class:`Cohorts` answers ``cohort_rows(text)`` with a :class:`~portal.analyses.CohortRows`: one vectorised
comparison per filter over a table of the data's columns (features, target, protected attributes), plus each
model's ``prediction:`` and ``error:`` columns, computed only when a cohort names them (once per model), so a
cohort of features alone stays cheap at 100k rows. The last few cohorts' masks are kept.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

from portal.analyses import ERROR, PREDICTION, Cohort, CohortError, CohortRows
from portal.data import Dataset
from portal.results import RowIndex

KEPT = 32  # cohorts remembered per project (their masks: one byte per row each)
NO_COLUMN = (
    "cohort filter '{filter}': no column '{column}'; write a feature, the target, 'prediction: <model>' or "
    "'error: <model>'"
)

#: A model's (prediction, error) columns over every data row, in data order.
ModelColumns = Callable[[str], tuple[np.ndarray, np.ndarray]]


class Cohorts:
    """The rows cohorts select over ``table`` (one row per data row, in data order) and the models' columns."""

    def __init__(self, table: pd.DataFrame, rows: RowIndex, model_names: Sequence[str], model_columns: ModelColumns):
        self._table, self._rows, self._names, self._model_columns = table, rows, tuple(model_names), model_columns
        self._kept: OrderedDict[str, CohortRows] = OrderedDict()
        self._columns: dict[str, np.ndarray] = {}  # filled on demand: "prediction: GB" -> values over every row
        self._lock = threading.Lock()  # callbacks run in threads; the kept cohorts and model columns are shared

    def columns(self) -> tuple[str, ...]:
        """Every column a cohort may filter on, in order: the table's, then each model's prediction and error."""
        own = tuple(self._table.columns)
        return own + tuple(c.format(model=m) for m in self._names for c in (PREDICTION, ERROR))

    def rows(self, cohort: str | None) -> CohortRows:
        """The rows ``cohort`` selects (everyone for None or blank); raises CohortError naming the filter and fix."""
        parsed = Cohort.parse(cohort)
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

    def _model_column(self, column: str, filter_text: str) -> np.ndarray:
        """A ``prediction: <model>`` or ``error: <model>`` column, computed once per model."""
        if column not in self._columns:
            for model in self._names:
                names = (PREDICTION.format(model=model), ERROR.format(model=model))
                if column in names:
                    self._columns.update(zip(names, self._model_columns(model)))
                    break
            else:
                raise CohortError(NO_COLUMN.format(filter=filter_text, column=column))
        return self._columns[column]


def cohort_table(dataset: Dataset) -> pd.DataFrame:
    """Features, target and protected attributes, one row per data row in data order (positional index)."""
    table = dataset.features.reset_index(drop=True)
    target = dataset.y if dataset.task != "classification" else np.asarray(dataset.classes, dtype=object)[dataset.y]
    extra = {dataset.target: target}
    extra.update({p: dataset.frame[p].to_numpy() for p in dataset.protected if p not in table.columns})
    return table.assign(**extra)
