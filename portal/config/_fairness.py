"""The ``[fairness]`` table of a project file, checked field by field.

```toml
[fairness]
bands = { age = [25, 40, 60] }        # numeric protected columns: band edges ("<25", "25-40", "40-60", "60+")
intersections = [["age", "marital"]]  # optional: columns grouped jointly ("age=25-40 & marital=married")
four_fifths = 0.8                     # a demographic parity ratio below this is a breach (default 0.8)
threshold = 0.5                       # default decision threshold on the positive class's probability
outcome_words = "lending"             # "declined", "adverse-action reasons" (default "selection": "not decided 'Yes'")
```

Every column named here must be listed in ``[data] protected``; that a banded column is numeric is checked
when the data is loaded (:mod:`portal.fairness`). Each mistake is a :class:`portal.config.ConfigError` naming
the field and the fix.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping, Sequence
from typing import Any

from portal.config._readers import reject_unknown
from portal.config._types import OUTCOME_WORDS, ConfigError, FairnessConfig

FIELDS = {"bands", "intersections", "four_fifths", "threshold", "outcome_words"}
BANDS_EXAMPLE = "bands = { age = [25, 40, 60] }"
INTERSECTIONS_EXAMPLE = 'intersections = [["age", "marital"]]'


def parse_fairness(table: Mapping[str, Any], protected: Sequence[str]) -> FairnessConfig:
    """Validate ``[fairness]`` against the project's protected columns; an empty table gives the defaults."""
    reject_unknown(table, FIELDS, "[fairness]")
    return FairnessConfig(
        bands=_bands(table.get("bands", {}), protected),
        intersections=_intersections(table.get("intersections", []), protected),
        four_fifths=_fraction(table, "four_fifths", 0.8, low_open=True),
        threshold=_fraction(table, "threshold", 0.5, low_open=False),
        outcome_words=_outcome_words(table.get("outcome_words", OUTCOME_WORDS[0])),
    )


def _bands(raw: Any, protected: Sequence[str]) -> dict[str, tuple[float, ...]]:
    if not isinstance(raw, Mapping):
        raise ConfigError("[fairness] bands", "must be a table of column = [edges]", f"write {BANDS_EXAMPLE}")
    bands = {}
    for column, edges in raw.items():
        where = f"[fairness] bands.{column}"
        _check_protected(column, protected, where)
        numbers = isinstance(edges, list) and edges and all(_is_number(e) for e in edges)
        if not numbers:
            raise ConfigError(where, f"{edges!r} is not a list of numbers", f"write {BANDS_EXAMPLE}")
        if any(b <= a for a, b in zip(edges, edges[1:])):
            raise ConfigError(where, f"edges {edges} do not increase", "list each edge once, smallest first")
        bands[column] = tuple(float(e) for e in edges)
    return bands


def _intersections(raw: Any, protected: Sequence[str]) -> tuple[tuple[str, ...], ...]:
    lists = isinstance(raw, list) and all(isinstance(i, list) and all(isinstance(c, str) for c in i) for i in raw)
    if not lists:
        raise ConfigError(
            "[fairness] intersections", "must be a list of lists of column names", f"write {INTERSECTIONS_EXAMPLE}"
        )
    for columns in raw:
        where = f"[fairness] intersections {columns}"
        if len(columns) < 2 or len(set(columns)) != len(columns):
            raise ConfigError(where, "needs two or more different columns", f"write {INTERSECTIONS_EXAMPLE}")
        for column in columns:
            _check_protected(column, protected, where)
    return tuple(tuple(columns) for columns in raw)


def _fraction(table: Mapping[str, Any], key: str, default: float, *, low_open: bool) -> float:
    value = table.get(key, default)
    low_ok = _is_number(value) and (value > 0 if low_open else value >= 0)
    if not (low_ok and value <= 1):
        span = "above 0 and at most 1" if low_open else "from 0 to 1"
        raise ConfigError(f"[fairness] {key}", f"{value!r} is not a number {span}", f"write e.g. {key} = {default}")
    return float(value)


def _outcome_words(value: Any) -> str:
    if value not in OUTCOME_WORDS:
        allowed = " or ".join(f'"{mode}"' for mode in OUTCOME_WORDS)
        fix = 'write outcome_words = "lending" for a lending decision; leave it out for "selection"'
        raise ConfigError("[fairness] outcome_words", f"{value!r} is not {allowed}", fix)
    return value


def _check_protected(column: str, protected: Sequence[str], where: str) -> None:
    if column in protected:
        return
    guess = difflib.get_close_matches(column, list(protected), n=1)
    fix = f"did you mean '{guess[0]}'?" if guess else f"add '{column}' to [data] protected"
    raise ConfigError(where, f"'{column}' is not a protected column", fix)


def _is_number(value: Any) -> bool:
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
