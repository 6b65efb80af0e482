"""Cohorts on the server: which rows a cohort's text selects, and every view's values restricted to them.

A cohort travels as text (``?cohort=tenure < 12; contract = Month-to-month``); the pages send that text and
this mixin answers with a :class:`CohortRows` that stays on the server: a mask over the data rows, the count for
the "812 of 7,043 rows" line, and :meth:`CohortRows.restrict` to cut any explanation down to the cohort. The
browser never receives the mask or the ids.

Columns a cohort may filter on (:meth:`CohortServices.cohort_columns`):

- every feature, the target (its own name) and any protected attribute that is not a model input;
- ``prediction: <model>``: binary, the predicted probability of the positive class; multi-class, the predicted
  class; regression, the predicted value;
- ``error: <model>``: how wrong the model is on the row: ``|actual − predicted|`` for regression, and
  ``1 − the probability of the actual class`` for classification (0 = sure and right, 1 = sure and wrong).

Predictions of every row are computed only when a cohort names them (once per model, then kept), so a cohort of
features alone costs one vectorised comparison per filter, even at 100k rows.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from portal.analyses import Cohort, CohortError, take
from portal.data import class_columns
from portal.results import Explanation, same_row_ids

PREDICTION, ERROR = "prediction: {model}", "error: {model}"
KEPT = 32  # cohorts remembered per project (their masks: one byte per row each)
_LOCK = threading.Lock()  # callbacks run in threads; the kept cohorts and prediction columns are shared
NO_COLUMN = (
    "cohort filter '{filter}': no column '{column}'; write a feature, the target, 'prediction: <model>' or "
    "'error: <model>'"
)


class RowIndex:
    """The data's row ids and where each sits, for cutting any explanation (a sample, rows so far) to a cohort."""

    def __init__(self, row_ids: np.ndarray) -> None:
        self.row_ids = np.asarray(row_ids).astype(str)

    @cached_property
    def _lookup(self) -> dict[str, int]:
        return {row_id: i for i, row_id in enumerate(self.row_ids.tolist())}

    def positions(self, row_ids: np.ndarray) -> np.ndarray:
        """The data position of each id; a full explanation in data order costs one comparison, not a lookup."""
        if same_row_ids(row_ids, self.row_ids):
            return np.arange(len(self.row_ids))
        lookup = self._lookup
        wanted = np.asarray(row_ids).astype(str).tolist()
        return np.fromiter((lookup[r] for r in wanted), dtype=np.int64, count=len(wanted))


@dataclass(frozen=True, eq=False)
class CohortRows:
    """The rows a cohort selects: ``mask`` over the data rows, in data order. Everyone when ``text`` is empty."""

    text: str  # the cohort as it is written back (normalised), "" for everyone
    mask: np.ndarray
    index: RowIndex

    @property
    def n_rows(self) -> int:
        return int(self.mask.sum())

    @property
    def total(self) -> int:
        return int(self.mask.size)

    @property
    def is_everyone(self) -> bool:
        return not self.text

    @property
    def row_ids(self) -> np.ndarray:
        """The cohort's row ids, in data order."""
        return self.index.row_ids[self.mask]

    def restrict(self, explanation: Explanation) -> Explanation:
        """The explanation of the cohort's rows among those it covers.

        A seeded sample stays a sample, now of the cohort (``sample_of`` becomes the cohort's size), so figures
        say "60 of 812 rows (seeded sample)".
        """
        if self.is_everyone:
            return explanation
        keep = self.mask[self.index.positions(explanation.row_ids)]
        restricted = take(explanation, np.flatnonzero(keep))
        return replace(restricted, sample_of=self.n_rows) if explanation.sample_of else restricted


class CohortServices:
    """Mixin: needs ``row_ids()``, ``model_names`` and the two hooks below; gives the cohort methods of
    :class:`portal.web.PortalServices`."""

    def _cohort_table(self) -> pd.DataFrame:
        """Features, target and protected attributes, one row per data row in data order (positional index)."""
        raise NotImplementedError

    def _cohort_predictions(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        """The model's prediction and error on every data row (see the module docstring)."""
        raise NotImplementedError

    # --- PortalServices -------------------------------------------------------------------
    def cohort_columns(self) -> tuple[str, ...]:
        """Every column a cohort may filter on, in order: the table's, then each model's prediction and error."""
        own = tuple(self._cohort_frame.columns)
        return own + tuple(c.format(model=m) for m in self.model_names for c in (PREDICTION, ERROR))

    def cohort_rows(self, cohort: str | None) -> CohortRows:
        """The rows ``cohort`` selects (everyone for None or blank); raises CohortError naming the filter and fix."""
        parsed = Cohort.parse(cohort)
        text = str(parsed)
        with _LOCK:
            kept = self._cohorts
            if text not in kept:
                kept[text] = CohortRows(text, self._mask(parsed), self._row_index)
                if len(kept) > KEPT:
                    kept.popitem(last=False)
            kept.move_to_end(text)
            return kept[text]

    def held_out_in_cohort(self, cohort: str | None, test_index: np.ndarray) -> np.ndarray:
        """Which held-out rows (``test_index``: their data positions) are in the cohort: a mask over them."""
        return self.cohort_rows(cohort).mask[np.asarray(test_index)]

    # --- helpers --------------------------------------------------------------------------
    @cached_property
    def _cohorts(self) -> OrderedDict[str, CohortRows]:
        return OrderedDict()

    @cached_property
    def _row_index(self) -> RowIndex:
        return RowIndex(np.asarray(self.row_ids()))

    @cached_property
    def _cohort_frame(self) -> pd.DataFrame:
        return self._cohort_table()

    @cached_property
    def _prediction_columns(self) -> dict[str, np.ndarray]:
        return {}  # filled on demand: "prediction: GB" -> values over every row

    def _mask(self, cohort: Cohort) -> np.ndarray:
        frame = self._cohort_frame
        if cohort.is_everyone:
            return np.ones(len(frame), dtype=bool)
        columns = {}
        for f in cohort.filters:
            if f.column in frame.columns or f.column in columns:
                continue
            columns[f.column] = self._model_column(f.column, str(f))
        if columns:
            frame = frame[[f.column for f in cohort.filters if f.column in frame.columns]].assign(**columns)
        return cohort.mask(frame)

    def _model_column(self, column: str, filter_text: str) -> np.ndarray:
        """A ``prediction: <model>`` or ``error: <model>`` column, computed once per model."""
        if column not in self._prediction_columns:
            for model in self.model_names:
                names = (PREDICTION.format(model=model), ERROR.format(model=model))
                if column in names:
                    prediction, error = self._cohort_predictions(model)
                    self._prediction_columns.update(zip(names, (prediction, error)))
                    break
            else:
                raise CohortError(NO_COLUMN.format(filter=filter_text, column=column))
        return self._prediction_columns[column]


def classification_columns(probabilities: np.ndarray, y: np.ndarray, classes: tuple[str, ...]):
    """A classifier's cohort columns from its probabilities (rows, classes) and the class codes ``y``: binary,
    the positive class's probability; multi-class, the most probable class's name. Error: 1 − p(actual class)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    error = 1.0 - probabilities[np.arange(len(y)), np.asarray(y, dtype=np.int64)]
    if probabilities.shape[1] == 2:
        return probabilities[:, 1], error
    return np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)], error


def regression_columns(predicted: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A regressor's cohort columns: the predicted value and its absolute error."""
    predicted = np.asarray(predicted, dtype=np.float64).reshape(-1)
    return predicted, np.abs(np.asarray(actual, dtype=np.float64) - predicted)


NO_HELD_OUT = "the cohort has no held-out rows to measure performance on; widen the cohort"
ONE_OUTCOME = "the cohort's {n:,} held-out rows all have the same outcome, so curves cannot be drawn; widen the cohort"


def check_held_out(y: np.ndarray, *, both_outcomes: bool) -> None:
    """Refuse, with the fix, a cohort whose held-out rows cannot be measured: none at all, or (for curves, which
    need positives and negatives) rows of one outcome only."""
    if len(y) == 0:
        raise CohortError(NO_HELD_OUT)
    if both_outcomes and np.unique(y).size < 2:
        raise CohortError(ONE_OUTCOME.format(n=len(y)))


class ProjectCohorts(CohortServices):
    """The hooks for :class:`portal.project.Project`: needs ``dataset`` and ``_estimator(name)``."""

    dataset: Any

    def _cohort_table(self) -> pd.DataFrame:
        data = self.dataset
        table = data.features.reset_index(drop=True)
        target = data.y if data.task != "classification" else np.asarray(data.classes, dtype=object)[data.y]
        extra = {data.target: target}
        extra.update({p: data.frame[p].to_numpy() for p in data.protected if p not in table.columns})
        return table.assign(**extra)

    def _cohort_predictions(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        data, estimator = self.dataset, self._estimator(model_name)
        if data.task != "classification":
            return regression_columns(estimator.predict(data.features), data.y)
        columns = class_columns(getattr(estimator, "classes_", None), data.classes)
        probabilities = np.asarray(estimator.predict_proba(data.features))[:, columns]  # column k is class code k
        return classification_columns(probabilities, data.y, data.classes)
