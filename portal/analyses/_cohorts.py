"""Cohorts: a subset of rows defined by filters on features, predictions or errors, written as text.

A cohort travels in the page URL, so its text form is the interface: filters joined by ``;``, each
``column op value`` with op one of ``<= >= != < > =``, or ``column in a|b|c`` for a set of categories.

    young_monthly = Cohort.parse("tenure < 12; contract = Month-to-month")
    young_monthly.mask(frame)          # boolean array over the frame's rows
    str(young_monthly)                 # 'tenure < 12; contract = Month-to-month'

Columns are the data's features plus whatever the caller adds to the frame (each model's prediction, its
error), so "prediction: GB > 0.5" is a filter like any other when the frame has that column. A column of
dates (a monitored project's time) takes dates at any precision: ``arrival_date = 2017-07`` is July's rows
(:mod:`portal.analyses._cohort_dates`).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.analyses._cohort_dates import DATE_FORMS, DateError, date_mask, is_dates
from portal.analyses._grammar import CohortError, parse_filter, shown, split_filters

OPERATORS = ("<=", ">=", "!=", "<", ">", "=", "in")
EXAMPLE = "tenure < 12; contract = Month-to-month"  # when no table is at hand; projects write their own
MAX_NAMED = 6


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: str  # as written; numbers are compared as numbers when the column is numeric

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value}"

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        if self.column not in frame.columns:
            named = _named(frame.columns)
            raise CohortError(f"cohort filter '{shown(self)}': no column '{self.column}'; the columns are {named}")
        column = frame[self.column]
        if is_dates(column):  # the time column: a window of a monitored project as a cohort
            try:
                return date_mask(column, self.op, self.value)
            except DateError as error:
                raise CohortError(
                    f"cohort filter '{shown(self)}': {shown(error)}; '{self.column}' holds dates, so write {DATE_FORMS}"
                ) from None
        numeric = pd.api.types.is_numeric_dtype(column)
        if self.op == "in":
            wanted = [v.strip() for v in self.value.split("|")]
            wanted = wanted if numeric else self._categories(column, wanted)
            return column.astype(str).isin(wanted).to_numpy()
        if numeric:
            try:
                value: object = float(self.value)
            except ValueError:
                raise CohortError(
                    f"cohort filter '{shown(self)}': '{self.column}' is numeric, so write a number"
                ) from None
        else:
            if self.op not in ("=", "!="):
                raise CohortError(f"cohort filter '{shown(self)}': '{self.column}' holds categories; use = != or in")
            column, value = column.astype(str), self._categories(column, [self.value])[0]
        compare = {
            "<=": column.le,
            ">=": column.ge,
            "<": column.lt,
            ">": column.gt,
            "=": column.eq,
            "!=": column.ne,
        }[self.op]
        return compare(value).fillna(False).to_numpy(dtype=bool)

    def _categories(self, column: pd.Series, values: list[str]) -> list[str]:
        """The categories ``values`` name: each as written, else the one category equal to it ignoring case.

        Raises CohortError naming the column's categories when no row has any of them (for 'in', a value that
        no row has beside one that some do is let be), or the candidates when the case is ambiguous."""
        categories = [str(c) for c in pd.unique(column.dropna())]
        found = []
        for value in values:
            near = [c for c in categories if c.casefold() == value.casefold()]
            if value in categories or len(near) == 1:
                found.append(value if value in categories else near[0])
            elif near:
                options = " or ".join(f"'{c}'" for c in near)
                raise CohortError(
                    f"cohort filter '{shown(self)}': no row has '{shown(value)}'; did you mean {options}?"
                )
        if not found:
            named, value = _named(sorted(categories)), values[0]
            raise CohortError(
                f"cohort filter '{shown(self)}': no row has {self.column} '{shown(value)}'; its categories: {named}"
            )
        return found


@dataclass(frozen=True)
class Cohort:
    """Rows matching every filter; no filters means everyone."""

    filters: tuple[Filter, ...] = ()

    @classmethod
    def parse(cls, text: str | None, example: str = EXAMPLE) -> Cohort:
        """The cohort ``text`` writes; a filter that is not 'column op value' raises CohortError showing
        ``example`` (the project's own, from :func:`cohort_example`). The parser is linear
        (:mod:`portal.analyses._grammar`) and refuses a text past its ceiling, so no text can hold the server."""
        return cls(tuple(_parse_filter(part, example) for part in split_filters(text)))

    def __str__(self) -> str:
        return "; ".join(str(f) for f in self.filters)

    @property
    def is_everyone(self) -> bool:
        return not self.filters

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        mask = np.ones(len(frame), dtype=bool)
        for f in self.filters:
            mask &= f.mask(frame)
        return mask


def cohort_example(table: pd.DataFrame) -> str:
    """A cohort written in ``table``'s own columns: its first numeric column with rows below its median, below it
    (a 0/1 flag whose median is 0 would give an empty cohort), and its first column of categories equal to its
    most common real category, one rows share ('seniority < 5; home = owner')."""
    parts = []
    medians = {c: float(table[c].median()) for c in table.columns if _is_number(table[c]) and table[c].notna().any()}
    numeric = [c for c, median in medians.items() if (table[c] < median).any()]
    if numeric:
        median = medians[numeric[0]]
        parts.append(f"{numeric[0]} < {median:.4g}" if median != int(median) else f"{numeric[0]} < {int(median)}")
    for name in table.columns:
        if _is_number(table[name]) or is_dates(table[name]):
            continue
        values = table[name].dropna().astype(str).str.strip()
        values = values[(values != "") & ~values.str.lower().isin(["nan", "none", "null", "?"])]
        counts = values.value_counts()
        if len(counts) and counts.iloc[0] > 1:  # a category rows share, never an id
            parts.append(f"{name} = {counts.index[0]}")
            break
    return "; ".join(parts) or EXAMPLE


def _is_number(column: pd.Series) -> bool:
    return pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column)


def _named(names) -> str:
    """'a, b, c' (the first few, then '…') for a message."""
    names = [str(n) for n in names]
    return ", ".join(names[:MAX_NAMED]) + (", …" if len(names) > MAX_NAMED else "")


def _parse_filter(text: str, example: str) -> Filter:
    parsed = parse_filter(text)
    if parsed is None:
        raise CohortError(f"cohort filter '{shown(text.strip())}' is not 'column op value'; write e.g. '{example}'")
    return Filter(*parsed)
