"""Cells of a CSV file a spreadsheet will open: text that a spreadsheet would run as a formula is kept as text.

Why: ids, feature names, model names and category values come from the user's data and configuration, and a
spreadsheet reads a cell starting with ``= + - @`` (or a tab or carriage return before one) as a formula:
``=HYPERLINK(...)`` in a row id becomes a live link in a regulator's copy of the adverse-action file. OWASP's
advice (CSV injection) is followed: such a text cell gets a leading single quote, which spreadsheets show as
text. Numbers are never touched: a float cell stays a float, and a text cell that is a plain number
(``-1.5``, ``+3e2``) stays as written, so a file reads back with the same numbers.

    safe_cell("=1+1")      # "'=1+1"
    safe_cell("-1.5")      # '-1.5'
    safe_cell(-1.5)        # -1.5
"""

from __future__ import annotations

from collections.abc import Iterable

import pandas as pd

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
QUOTE = "'"
_NUMBER_CHARS = frozenset("0123456789.eE+-")


def safe_cell(value: object) -> object:
    """``value`` as a CSV cell: a text a spreadsheet would read as a formula gets a leading quote; anything
    else (numbers, plain text, a text that is a plain number) is returned as it is."""
    if not isinstance(value, str) or not value.startswith(FORMULA_STARTS) or _is_plain_number(value):
        return value
    return QUOTE + value


def safe_cells(values: Iterable[object]) -> list[object]:
    """:func:`safe_cell` of each value: a header, or a column of ids."""
    return [safe_cell(v) for v in values]


def safe_frame(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text column's cells made safe (numeric columns are left alone: no cost per number)."""
    safe = frame.copy()
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]):
            safe[column] = frame[column].map(safe_cell)
    return safe


def _is_plain_number(text: str) -> bool:
    """'-1.5', '+3e2': signs, digits, dots and exponents only, and a number float() reads."""
    if not set(text) <= _NUMBER_CHARS:
        return False
    try:
        float(text)
    except ValueError:
        return False
    return True
