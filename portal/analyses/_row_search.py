"""Find rows by what they hold, answered on the server with a capped list of ids.

The search speaks the cohort grammar (:mod:`portal.analyses`): filters ``column op value`` joined by ``;``,
op one of ``= != < > <= >=`` or ``in a|b``. So a search a reader has written can become a cohort as it is.
With a column chosen first, a bare value or range is enough (:func:`query_for`):

    query_for("tenure", "2..5")      # 'tenure >= 2; tenure <= 5'
    query_for("contract", "One year")  # 'contract = One year'
    find_rows(frame, "tenure < 12; contract = Month-to-month", limit=50)
    # RowMatches(total=812, row_ids=(first 50 ids), columns=('tenure', 'contract'), values=...)

The page sends text and gets at most ``limit`` ids back, with the searched columns' values for them: the frame
never leaves the server. At 100k rows a search is one vectorised comparison per filter. With ``order`` (one
number per row, e.g. a model's prediction or the models' disagreement) the matches come highest first, so
"the 50 most at risk" is a search of everyone sorted by a prediction. A project searches every column a
cohort may name, ``prediction: <model>`` and ``error: <model>`` too (:meth:`portal.project.Cohorts.find_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.analyses._cohorts import EXAMPLE, Cohort, CohortError
from portal.analyses._grammar import MAX_TEXT, check_length, leading_operator, number_range, parse_filter

DEFAULT_LIMIT = 50
DISAGREEMENT = "disagreement"  # a sort: the spread of the models' predictions (highest minus lowest)
EMPTY = "Type a search: filters such as 'column < 12', or choose a column and type a value or a range."


class RowSearchError(ValueError):
    """A search that cannot be read or applied; the message names the filter and what to write instead."""


@dataclass(frozen=True)
class RowMatches:
    """The first ``len(row_ids)`` of ``total`` rows matching ``query``, in data order or by ``sorted_by``.

    ``columns`` are the columns the query names (in its order, then the sort's) and ``values`` each shown row's
    value of them, so a result list can show why a row matched and how high it ranks.
    """

    query: str
    row_ids: tuple[str, ...]
    total: int
    columns: tuple[str, ...] = ()
    values: tuple[tuple[object, ...], ...] = ()
    sorted_by: str = ""  # the sort's label ("prediction: GB"), "" for data order

    @property
    def capped(self) -> bool:
        return self.total > len(self.row_ids)


def query_for(column: str | None, text: str | None) -> str:
    """The search in the cohort grammar: ``text`` as written when it names its own column (or no ``column`` is
    chosen), else ``text`` as a value or range of ``column``: '2..5' or '2 to 5' (inclusive), '< 12', 'One year'.

    A text longer than :data:`MAX_TEXT` is a CohortError (one line) before any parsing."""
    text = check_length(text, "search", MAX_TEXT).strip()
    if not text or not column:
        return text
    if leading_operator(text):
        return f"{column} {text}"
    if _names_a_column(text):
        return text
    found = number_range(text)
    if found:
        return f"{column} >= {found[0]}; {column} <= {found[1]}"
    return f"{column} = {text}"


def find_rows(
    frame: pd.DataFrame,
    text: str | None,
    *,
    column: str | None = None,
    limit: int = DEFAULT_LIMIT,
    order: pd.Series | None = None,
    example: str = EXAMPLE,
):
    """The rows of ``frame`` (indexed by row id) that match the search; raises RowSearchError with the fix.

    ``order`` (named, one number per row of ``frame``) sorts the matches highest first, its values shown beside
    the searched columns; an empty search with an ``order`` is every row, sorted. ``example`` is the cohort the
    grammar's error shows."""
    try:
        query = query_for(column, text)
    except CohortError as error:
        raise RowSearchError(search_message(error)) from None
    if not query and order is None:
        raise RowSearchError(EMPTY)
    try:
        cohort = Cohort.parse(query, example)
        mask = cohort.mask(frame)
    except CohortError as error:
        raise RowSearchError(search_message(error)) from None
    positions = mask.nonzero()[0]
    if order is not None:
        keys = order.to_numpy(dtype=float)[positions]
        positions = positions[np.argsort(np.where(np.isnan(keys), np.inf, -keys), kind="stable")]  # missing last
    shown = positions[: max(limit, 0)]
    columns = tuple(dict.fromkeys(f.column for f in cohort.filters))
    picked = frame.iloc[shown][list(columns)]
    if order is not None and order.name not in columns:
        picked = picked.assign(**{str(order.name): order.to_numpy()[shown]})
    values = picked.astype(object).where(picked.notna(), None)
    return RowMatches(
        query=str(cohort),
        row_ids=tuple(str(i) for i in frame.index[shown]),
        total=int(len(positions)),
        columns=tuple(picked.columns),
        values=tuple(tuple(row) for row in values.itertuples(index=False, name=None)),
        sorted_by="" if order is None else str(order.name),
    )


def search_message(error: Exception) -> str:
    """A cohort's error as a search's sentence: "Search 'x > 1': no column 'x'; …"."""
    text = str(error).replace("cohort filter", "search", 1)
    text = text[:1].upper() + text[1:]
    return text if text.endswith((".", "?")) else text + "."


def _names_a_column(text: str) -> bool:
    """Whether ``text`` is already 'column op value' (the column is then whatever it names): every filter of it
    reads, and there is one."""
    parts = [part for part in text.split(";") if part.strip()]
    return bool(parts) and all(parse_filter(part) is not None for part in parts)
