"""The ``[data]`` table: where the rows come from and what each column is for.

```toml
[data]
source = "customers.csv"      # a .csv or .parquet file (relative to the project file), or demo:<name>
target = "churn"              # the column to predict
id = "customer_id"            # optional: a column naming each row
protected = ["age", "sex"]    # optional: columns kept out of the features and used for fairness
task = "classification"       # optional: classification or regression (else guessed from the target)
```

Also ``time``, ``positive``, ``features``, ``exclude``, ``test_size`` and ``seed``. Only the shape of each
value is checked here; whether the columns exist is checked when the data is loaded (:mod:`portal.data`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.config._readers import read_string, read_string_list, reject_unknown
from portal.config._types import TASKS, ConfigError, DataConfig

FIELDS = set(DataConfig.__dataclass_fields__)
WHERE = "[data]"


def parse_data(table: Mapping[str, Any]) -> DataConfig:
    """Validate ``[data]``: ``source`` and ``target`` are required, everything else has a default."""
    reject_unknown(table, FIELDS, WHERE)
    for key in ("source", "target"):
        if key not in table:
            raise ConfigError(f"[data] {key}", "is missing", f'add {key} = "..." under [data]')
    strings = {k: read_string(table, k, WHERE) for k in ("source", "target", "id", "time", "task") if k in table}
    task = strings.get("task")
    if task is not None and task not in TASKS:
        raise ConfigError("[data] task", f"'{task}' is not a task", f"use one of {', '.join(TASKS)}")
    features = read_string_list(table, "features", WHERE) if "features" in table else None
    test_size, seed = _test_size(table), _seed(table)
    return DataConfig(
        source=strings["source"],
        target=strings["target"],
        id=strings.get("id"),
        protected=read_string_list(table, "protected", WHERE),
        time=strings.get("time"),
        task=task,
        positive=table.get("positive"),
        features=features,
        exclude=read_string_list(table, "exclude", WHERE),
        test_size=test_size,
        seed=seed,
    )


def _test_size(table: Mapping[str, Any]) -> float:
    test_size = table.get("test_size", 0.25)
    if not isinstance(test_size, (int, float)) or isinstance(test_size, bool) or not 0 < test_size < 1:
        raise ConfigError(
            "[data] test_size", f"{test_size!r} is not a fraction", "use a number between 0 and 1, e.g. 0.25"
        )
    return float(test_size)


def _seed(table: Mapping[str, Any]) -> int:
    seed = table.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ConfigError("[data] seed", f"{seed!r} is not a whole number", "use e.g. seed = 0")
    return seed
