"""The rows a cohort selects, kept on the server, and the model columns a cohort may filter on.

A cohort travels as text (``?cohort=tenure < 12; contract = Month-to-month``); the pages send that text and
the project answers with a :class:`CohortRows`: a mask over the data rows, the count for the "812 of 7,043
rows" line, and :meth:`CohortRows.restrict` to cut any explanation down to the cohort. The browser never
receives the mask or the ids.

Besides the table's columns, a cohort may filter on each model's ``prediction: <model>`` (binary: the
probability of the positive class; multi-class: the predicted class; regression: the predicted value) and
``error: <model>`` (``|actual − predicted|`` for regression, ``1 − the probability of the actual class`` for
classification: 0 = sure and right, 1 = sure and wrong).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from portal.analyses._cohorts import CohortError
from portal.analyses._common_scale import take
from portal.results import Explanation, RowIndex

PREDICTION, ERROR = "prediction: {model}", "error: {model}"
NO_HELD_OUT = "the cohort has no held-out rows to measure performance on; widen the cohort"
ONE_OUTCOME = "the cohort's {n:,} held-out rows all have the same outcome, so curves cannot be drawn; widen the cohort"


@dataclass(frozen=True, eq=False)
class CohortRows:
    """The rows a cohort selects: ``mask`` over the data rows, in data order. Everyone when ``text`` is empty."""

    text: str  # the cohort as it is written back (normalised), "" for everyone
    mask: np.ndarray
    index: RowIndex  # the data's rows

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


def classification_columns(probabilities: np.ndarray, y: np.ndarray, classes: tuple[str, ...]):
    """A classifier's cohort columns from its probabilities (rows, classes) and the class codes ``y``: binary,
    the positive class's probability; multi-class, the most probable class's name. Error: 1 − p(actual class)."""
    probabilities = np.asarray(probabilities, dtype=np.float64)
    codes = np.asarray(y, dtype=np.int64)  # -1: a row without its label yet (a batch's), whose error is unknown
    error = np.where(codes >= 0, 1.0 - probabilities[np.arange(len(codes)), np.maximum(codes, 0)], np.nan)
    if probabilities.shape[1] == 2:
        return probabilities[:, 1], error
    return np.asarray(classes, dtype=object)[probabilities.argmax(axis=1)], error


def regression_columns(predicted: np.ndarray, actual: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """A regressor's cohort columns: the predicted value and its absolute error."""
    predicted = np.asarray(predicted, dtype=np.float64).reshape(-1)
    return predicted, np.abs(np.asarray(actual, dtype=np.float64) - predicted)


def check_held_out(y: np.ndarray, *, both_outcomes: bool) -> None:
    """Refuse, with the fix, a cohort whose held-out rows cannot be measured: none at all, or (for curves, which
    need positives and negatives) rows of one outcome only."""
    if len(y) == 0:
        raise CohortError(NO_HELD_OUT)
    if both_outcomes and np.unique(y).size < 2:
        raise CohortError(ONE_OUTCOME.format(n=len(y)))
