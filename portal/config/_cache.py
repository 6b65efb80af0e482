"""The ``[cache]`` table: where computed results live on disk, and how much room they may take.

```toml
[cache]
dir = "cache"          # optional: relative to the project file (default: $PORTAL_CACHE_DIR, else the user cache)
size_limit_gb = 5      # optional: no limit when left out
```
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._environment import default_cache_dir
from portal.config._readers import read_string, reject_unknown, resolve_path
from portal.config._types import ConfigError


def parse_cache(table: Mapping[str, Any], base_dir: Path) -> tuple[Path, int | None]:
    """The cache folder and its size limit in bytes (None: no limit)."""
    reject_unknown(table, {"dir", "size_limit_gb"}, "[cache]")
    cache_dir = resolve_path(base_dir, read_string(table, "dir", "[cache]")) if "dir" in table else default_cache_dir()
    limit = table.get("size_limit_gb")
    number = not isinstance(limit, bool) and isinstance(limit, (int, float))
    if limit is not None and not (number and math.isfinite(limit) and limit > 0):
        raise ConfigError(
            "[cache] size_limit_gb", f"{limit!r} is not a positive number", "write e.g. size_limit_gb = 5"
        )
    return cache_dir, int(limit * 1024**3) if limit is not None else None
