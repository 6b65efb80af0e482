"""Find rows by what they hold, answered on the server with a capped list of ids.

The search speaks the cohort grammar (:mod:`portal.analyses`): filters ``column op value`` joined by ``;``,
op one of ``= != < > <= >=`` or ``in a|b``. So a search a reader has written can become a cohort as it is.
With a column chosen first, a bare value or range is enough (:func:`query_for`):

    query_for("tenure", "2..5")      # 'tenure >= 2; tenure <= 5'
    query_for("contract", "One year")  # 'contract = One year'
    find_rows(frame, "tenure < 12; contract = Month-to-month", limit=50)
    # RowMatches(total=812, row_ids=(first 50 ids), columns=('tenure', 'contract'), values=...)

The page sends text and gets at most ``limit`` ids back, with the searched columns' values for them: the frame
never leaves the server. At 100k rows a search is one vectorised comparison per filter.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import pandas as pd

from portal.analyses._cohorts import Cohort, CohortError, Filter

DEFAULT_LIMIT = 50
MAX_CATEGORIES_NAMED = 6
_RANGE = re.compile(r"^\s*(?P<low>[-+]?[\d.]+(?:e[-+]?\d+)?)\s*(?:\.\.|to)\s*(?P<high>[-+]?[\d.]+(?:e[-+]?\d+)?)\s*$")
_LEADING_OP = re.compile(r"^\s*(<=|>=|!=|<|>|=|in\s)")
EMPTY = "type a search, e.g. 'tenure < 12' or 'contract = Month-to-month; tenure <= 6'"


class RowSearchError(ValueError):
    """A search that cannot be read or applied; the message names the filter and what to write instead."""


@dataclass(frozen=True)
class RowMatches:
    """The first ``len(row_ids)`` of ``total`` rows matching ``query``, in data order.

    ``columns`` are the columns the query names (in its order) and ``values`` each shown row's value of them,
    so a result list can show why a row matched. ``hint`` says why nothing matched, when that is clear.
    """

    query: str
    row_ids: tuple[str, ...]
    total: int
    columns: tuple[str, ...] = ()
    values: tuple[tuple[object, ...], ...] = ()
    hint: str = ""

    @property
    def capped(self) -> bool:
        return self.total > len(self.row_ids)


def query_for(column: str | None, text: str | None) -> str:
    """The search in the cohort grammar: ``text`` as written when it names its own column (or no ``column`` is
    chosen), else ``text`` as a value or range of ``column``: '2..5' or '2 to 5' (inclusive), '< 12', 'One year'."""
    text = (text or "").strip()
    if not text or not column:
        return text
    if _LEADING_OP.match(text):
        return f"{column} {text}"
    if _names_a_column(text):
        return text
    found = _RANGE.match(text)
    if found:
        return f"{column} >= {found['low']}; {column} <= {found['high']}"
    return f"{column} = {text}"


def find_rows(frame: pd.DataFrame, text: str | None, *, column: str | None = None, limit: int = DEFAULT_LIMIT):
    """The rows of ``frame`` (indexed by row id) that match the search; raises RowSearchError with the fix."""
    query = query_for(column, text)
    if not query:
        raise RowSearchError(EMPTY)
    try:
        cohort = Cohort.parse(query)
        mask = cohort.mask(frame)
    except CohortError as error:
        raise RowSearchError(str(error).replace("cohort filter", "search", 1)) from None
    positions = mask.nonzero()[0]
    shown = positions[: max(limit, 0)]
    columns = tuple(dict.fromkeys(f.column for f in cohort.filters))
    picked = frame.iloc[shown][list(columns)]
    values = picked.astype(object).where(picked.notna(), None)
    return RowMatches(
        query=str(cohort),
        row_ids=tuple(str(i) for i in frame.index[shown]),
        total=int(len(positions)),
        columns=columns,
        values=tuple(tuple(row) for row in values.itertuples(index=False, name=None)),
        hint="" if len(positions) else _hint(frame, cohort.filters),
    )


def _names_a_column(text: str) -> bool:
    """Whether ``text`` is already 'column op value' (the column is then whatever it names)."""
    try:
        return not Cohort.parse(text).is_everyone
    except CohortError:
        return False


def _hint(frame: pd.DataFrame, filters: tuple[Filter, ...]) -> str:
    """For a category equality that matches nothing: the categories the column has, the near miss first."""
    for f in filters:
        column = frame[f.column]
        if f.op != "=" or pd.api.types.is_numeric_dtype(column):
            continue
        categories = [str(c) for c in pd.unique(column.dropna())]
        if f.value in categories:
            continue
        near = [c for c in categories if c.lower() == f.value.lower()]
        if near:
            return f"{f.column} has no category '{f.value}'; did you mean '{near[0]}'?"
        named = ", ".join(sorted(categories)[:MAX_CATEGORIES_NAMED])
        more = ", …" if len(categories) > MAX_CATEGORIES_NAMED else ""
        return f"{f.column} has no category '{f.value}'; its categories are {named}{more}"
    return ""
