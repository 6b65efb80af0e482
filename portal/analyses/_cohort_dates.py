"""Cohort filters on a date column: a window of a monitored project as a cohort, on every page.

A date is written at the precision a person means: a year (``2017``), a quarter (``2017Q3``), a month
(``2017-07``), an ISO week (``2017-W28``) or a day (``2017-07-14``), and a range of them with ``..``
(``2017-01..2017-03``), the same labels as monitoring's windows and its ``reference``. Each names a span of
time, so every operator reads naturally: ``= 2017-07`` is any time in July, ``< 2017-07`` is before July
began, ``<= 2017-07`` is up to the end of July, ``> 2017-07`` after it ended, ``>= 2017-07`` from its start,
``!= 2017-07`` outside it, and ``in 2017-01|2017-07`` in either.
"""

from __future__ import annotations

import datetime
import re

import numpy as np
import pandas as pd

#: What the error says a date may look like.
DATE_FORMS = (
    "a year (2017), a quarter (2017Q3), a month (2017-07), a week (2017-W28), a day (2017-07-14) "
    "or a range (2017-01..2017-03)"
)
_QUARTER = re.compile(r"^(\d{4})\s*-?\s*[Qq]([1-4])$")
_WEEK = re.compile(r"^(\d{4})-?W(\d{1,2})$", re.IGNORECASE)
_MONTH = re.compile(r"^(\d{4})-(\d{1,2})$")
_YEAR = re.compile(r"^(\d{4})$")
_DAY = re.compile(r"^\d{4}-\d{1,2}-\d{1,2}([ T]\d{1,2}:\d{2}(:\d{2})?)?$")


class DateError(ValueError):
    """A date that names no span of time; the cohort filter turns it into its one-line error."""


def span(text: str) -> tuple[pd.Timestamp, pd.Timestamp]:
    """The first and last instant of the time ``text`` names, a range ``a..b`` from a's start to b's end."""
    if ".." in text:
        first, _, last = text.partition("..")
        start, end = span(first.strip())[0], span(last.strip())[1]
        if end < start:
            raise DateError(f"'{text}' ends before it starts")
        return start, end
    period = _period(text.strip())
    return period.start_time, period.end_time


def date_mask(column: pd.Series, op: str, value: str) -> np.ndarray:
    """Rows of a datetime ``column`` whose time satisfies ``op value`` (see the module's reading of each)."""
    if op == "in":
        spans = [span(v.strip()) for v in value.split("|") if v.strip()]
        if not spans:
            raise DateError(f"'{value}' names no date")
        inside = np.zeros(len(column), dtype=bool)
        for start, end in spans:
            inside |= _between(column, start, end)
        return inside
    start, end = span(value)
    times = column.to_numpy(dtype="datetime64[ns]")
    known = ~np.isnat(times)
    found = {
        "=": lambda: _between(column, start, end),
        "!=": lambda: known & ~_between(column, start, end),
        "<": lambda: known & (times < start.to_datetime64()),
        "<=": lambda: known & (times <= end.to_datetime64()),
        ">": lambda: known & (times > end.to_datetime64()),
        ">=": lambda: known & (times >= start.to_datetime64()),
    }
    return found[op]()


def is_dates(column: pd.Series) -> bool:
    return pd.api.types.is_datetime64_any_dtype(column)


def _between(column: pd.Series, start: pd.Timestamp, end: pd.Timestamp) -> np.ndarray:
    times = column.to_numpy(dtype="datetime64[ns]")
    return ~np.isnat(times) & (times >= start.to_datetime64()) & (times <= end.to_datetime64())


def _period(text: str) -> pd.Period:
    """The calendar period ``text`` writes, at its own precision."""
    try:
        if match := _WEEK.match(text):
            monday = datetime.date.fromisocalendar(int(match[1]), int(match[2]), 1)
            return pd.Period(monday, freq="W-SUN")
        if match := _QUARTER.match(text):
            return pd.Period(f"{match[1]}Q{match[2]}", freq="Q")
        if (match := _MONTH.match(text)) and 1 <= int(match[2]) <= 12:
            return pd.Period(year=int(match[1]), month=int(match[2]), freq="M")
        if _YEAR.match(text):
            return pd.Period(text, freq="Y")
        if _DAY.match(text):
            day = pd.Timestamp(text)
            return pd.Period(day, freq="D") if day == day.normalize() else pd.Period(day, freq="s")
    except (ValueError, TypeError):
        pass
    raise DateError(f"'{text}' is not a date")
