"""Cohorts: a subset of rows defined by filters on features, predictions or errors, written as text.

A cohort travels in the page URL, so its text form is the interface: filters joined by ``;``, each
``column op value`` with op one of ``<= >= != < > =``, or ``column in a|b|c`` for a set of categories.

    young_monthly = Cohort.parse("tenure < 12; contract = Month-to-month")
    young_monthly.mask(frame)          # boolean array over the frame's rows
    str(young_monthly)                 # 'tenure < 12; contract = Month-to-month'

Columns are the data's features plus whatever the caller adds to the frame (each model's prediction, its
error), so "prediction: GB > 0.5" is a filter like any other when the frame has that column.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
import pandas as pd

OPERATORS = ("<=", ">=", "!=", "<", ">", "=", "in")
_FILTER = re.compile(r"^\s*(?P<column>.+?)\s*(?P<op><=|>=|!=|<|>|=|\sin\s)\s*(?P<value>.*?)\s*$")


class CohortError(ValueError):
    """A cohort that cannot be read or applied; the message names the filter and what to write instead."""


@dataclass(frozen=True)
class Filter:
    column: str
    op: str
    value: str  # as written; numbers are compared as numbers when the column is numeric

    def __str__(self) -> str:
        return f"{self.column} {self.op} {self.value}"

    def mask(self, frame: pd.DataFrame) -> np.ndarray:
        if self.column not in frame.columns:
            raise CohortError(f"cohort filter '{self}': no column '{self.column}'; columns are {list(frame.columns)}")
        column = frame[self.column]
        if self.op == "in":
            return column.astype(str).isin([v.strip() for v in self.value.split("|")]).to_numpy()
        if pd.api.types.is_numeric_dtype(column):
            try:
                value: object = float(self.value)
            except ValueError:
                raise CohortError(f"cohort filter '{self}': '{self.column}' is numeric, so write a number") from None
        else:
            if self.op not in ("=", "!="):
                raise CohortError(f"cohort filter '{self}': '{self.column}' holds categories; use = != or in")
            column, value = column.astype(str), self.value
        compare = {
            "<=": column.le,
            ">=": column.ge,
            "<": column.lt,
            ">": column.gt,
            "=": column.eq,
            "!=": column.ne,
        }[self.op]
        return compare(value).fillna(False).to_numpy(dtype=bool)


@dataclass(frozen=True)
class Cohort:
    """Rows matching every filter; no filters means everyone."""

    filters: tuple[Filter, ...] = ()

    @classmethod
    def parse(cls, text: str | None) -> Cohort:
        parts = [part for part in (text or "").split(";") if part.strip()]
        return cls(tuple(_parse_filter(part) for part in parts))

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


def _parse_filter(text: str) -> Filter:
    match = _FILTER.match(text)
    if match is None or not match["value"]:
        raise CohortError(
            f"cohort filter '{text.strip()}' is not 'column op value'; "
            "write e.g. 'tenure < 12' or 'contract in Month-to-month|One year'"
        )
    return Filter(match["column"], match["op"].strip(), match["value"])
