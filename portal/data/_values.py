"""Checks of the data's values that models would otherwise trip over far from the cause.

An infinite number (or one past float32's range, which the tree models use) reaches scikit-learn as "Input X
contains infinity" while a model trains, and used to be blamed on ``[[models]] params``; an empty table failed
as an IndexError. Each is found here, when the data loads, and named by its column and rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from portal.config import ConfigError

FLOAT32_MAX = float(np.finfo(np.float32).max)  # tree models compute in float32: anything larger becomes infinite
SHOWN_ROWS = 5
NOT_FINITE = "column '{column}' holds {what} in {n} row(s): {rows}"
NO_ROWS = "the table has no rows"
EMPTY_TARGET = "column '{target}' is empty in all {n} rows"


def check_not_empty(frame: pd.DataFrame, target: str, source: str) -> None:
    """A table without rows, or whose target is empty in every row, cannot be learnt from."""
    if frame.empty:
        raise ConfigError("[data] source", f"{source}: {NO_ROWS}", "point source at a table with rows of data")
    if frame[target].isna().all():
        problem = EMPTY_TARGET.format(target=target, n=len(frame))
        raise ConfigError("[data] target", problem, "point target at the column that holds the outcome to predict")


def check_finite(
    frame: pd.DataFrame, columns: Sequence[str], id_column: str | None, field: str = "[data] source"
) -> None:
    """Every number in ``columns`` is finite and within float32's range; the first column that is not is an
    error naming its rows (by id with an id column, else by position counting from 1, the header apart)."""
    for column in columns:
        values = frame[column]
        if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
            continue
        numbers = values.to_numpy(dtype=float, na_value=np.nan)
        bad = np.flatnonzero(np.abs(numbers) > FLOAT32_MAX)  # NaN compares False: missing stays allowed
        if bad.size:
            infinite = np.isinf(numbers[bad]).all()
            what = "infinite values" if infinite else f"values too large for the models (beyond ±{FLOAT32_MAX:.1e})"
            problem = NOT_FINITE.format(column=column, what=what, n=bad.size, rows=_rows(frame, bad, id_column))
            raise ConfigError(field, problem, "replace them with finite numbers, or leave those cells empty")


def _rows(frame: pd.DataFrame, positions: np.ndarray, id_column: str | None) -> str:
    shown = positions[:SHOWN_ROWS]
    if id_column is not None:
        names = ", ".join(repr(str(v)) for v in frame[id_column].to_numpy()[shown])
        label = f"ids {names}"
    else:
        label = "rows " + ", ".join(str(p + 1) for p in shown) + " (data rows counted from 1)"
    return label + (f" and {positions.size - shown.size} more" if positions.size > shown.size else "")
