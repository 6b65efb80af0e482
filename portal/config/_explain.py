"""The ``[explain]`` table: how much explaining a project asks for.

```toml
[explain]
common_sample_rows = 500    # rows explained in the common scale (probability) to compare models side by side
max_exact_features = 10     # up to this many columns the model-agnostic method is exact (every coalition)
common_all_rows_up_to = 20000  # the server explains every row in the common scale when the data has at most
                               # this many rows (after the sample, in the background); 0: only on request
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.config._readers import reject_unknown
from portal.config._types import DEFAULT_COMMON_ALL_ROWS_UP_TO, DEFAULT_COMMON_SAMPLE_ROWS, ConfigError


def parse_explain(table: Mapping[str, Any]) -> tuple[int, int, int]:
    """``common_sample_rows``, ``max_exact_features`` and ``common_all_rows_up_to``, each defaulted when left out."""
    reject_unknown(table, {"common_sample_rows", "max_exact_features", "common_all_rows_up_to"}, "[explain]")
    return _common_sample_rows(table), _max_exact_features(table), _common_all_rows_up_to(table)


def _common_sample_rows(table: Mapping[str, Any]) -> int:
    rows = table.get("common_sample_rows", DEFAULT_COMMON_SAMPLE_ROWS)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        where, fix = "[explain] common_sample_rows", "write e.g. common_sample_rows = 500"
        raise ConfigError(where, f"{rows!r} is not a positive whole number", fix)
    return rows


def _common_all_rows_up_to(table: Mapping[str, Any]) -> int:
    """Up to how many rows of data the server explains every row in the common scale, so /local reads any row
    instead of computing it on the request (0: never)."""
    rows = table.get("common_all_rows_up_to", DEFAULT_COMMON_ALL_ROWS_UP_TO)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 0:
        where, fix = "[explain] common_all_rows_up_to", "write e.g. common_all_rows_up_to = 20000, or 0 for never"
        raise ConfigError(where, f"{rows!r} is not a whole number of rows", fix)
    return rows


def _max_exact_features(table: Mapping[str, Any]) -> int:
    """Up to how many columns the model-agnostic method evaluates every coalition (exact) rather than sampling
    permutations: what makes a soft vote of boosters and EBMs exact in probability on wider data, at 2^N
    coalitions x background rows model evaluations per row (see :mod:`portal.explain`)."""
    from portal.explain import EXACT_FEATURES_LIMIT, Budget  # the engine owns the limit and the default

    count = table.get("max_exact_features", Budget.max_exact_features)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= EXACT_FEATURES_LIMIT:
        problem = f"{count!r} is not a whole number from 1 to {EXACT_FEATURES_LIMIT}"
        fix = (
            f"write e.g. max_exact_features = 12; exact values cost 2^N coalitions x 200 background rows model "
            f"evaluations per row ({2**EXACT_FEATURES_LIMIT * 200:,} at {EXACT_FEATURES_LIMIT})"
        )
        raise ConfigError("[explain] max_exact_features", problem, fix)
    return count
