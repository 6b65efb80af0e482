"""The ``[explain]`` table: how much explaining a project asks for.

```toml
[explain]
common_sample_rows = 500    # rows explained in the common scale (probability) to compare models side by side
max_exact_features = 10     # up to this many columns the model-agnostic method is exact (every coalition)
```
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.config._readers import reject_unknown
from portal.config._types import DEFAULT_COMMON_SAMPLE_ROWS, ConfigError


def parse_explain(table: Mapping[str, Any]) -> tuple[int, int]:
    """``common_sample_rows`` and ``max_exact_features``, each defaulted when left out."""
    reject_unknown(table, {"common_sample_rows", "max_exact_features"}, "[explain]")
    return _common_sample_rows(table), _max_exact_features(table)


def _common_sample_rows(table: Mapping[str, Any]) -> int:
    rows = table.get("common_sample_rows", DEFAULT_COMMON_SAMPLE_ROWS)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        where, fix = "[explain] common_sample_rows", "write e.g. common_sample_rows = 500"
        raise ConfigError(where, f"{rows!r} is not a positive whole number", fix)
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
