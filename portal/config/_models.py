"""The ``[[models]]`` tables: the models a project compares, each named once.

```toml
[[models]]
name = "Random forest"
kind = "random_forest"              # a registered model kind to train (see models.known_kinds) ...
params = { n_estimators = 200 }     # ... with its settings

[[models]]
name = "Our scorecard"
path = "scorecard.skops"            # ... or a fitted model file (relative to the project file)
trusted = ["mylib.Scorecard"]       # types skops may load from it
```

Two kinds build on other models of the file and are read by their own modules: ``kind = "average"``
(:mod:`._averages`) and ``kind = "threshold_optimizer"`` (:mod:`._mitigation`). Their cross-references are
checked once every table is read.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._averages import FIELDS as AVERAGE_FIELDS
from portal.config._averages import check_averages, parse_average
from portal.config._mitigation import FIELDS as OPTIMIZER_FIELDS
from portal.config._mitigation import check_threshold_optimizers, parse_threshold_optimizer
from portal.config._readers import read_string, read_string_list, reject_unknown, resolve_path
from portal.config._types import AVERAGE_KIND, THRESHOLD_OPTIMIZER_KIND, ConfigError, DataConfig, ModelSpec

FIELDS = {"name", "kind", "path", "params", "trusted", "trust", *AVERAGE_FIELDS, *OPTIMIZER_FIELDS}


def parse_models(raw: Any, data: DataConfig, base_dir: Path) -> tuple[ModelSpec, ...]:
    """Validate the list of ``[[models]]`` tables, then what they say about each other and about ``[data]``."""
    if not isinstance(raw, list) or not raw:
        raise ConfigError("[[models]]", "no models are listed", "add at least one [[models]] table")
    models = tuple(_parse_model(table, i, base_dir) for i, table in enumerate(raw))
    _check_unique_names(models)
    check_averages(models)
    check_threshold_optimizers(models, data)
    return models


def _parse_model(raw: Any, index: int, base_dir: Path) -> ModelSpec:
    where = f"[[models]] #{index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(where, "must be a table", "write [[models]] followed by name = ... lines")
    reject_unknown(raw, FIELDS, where)
    if "name" not in raw:
        raise ConfigError(f"{where} name", "is missing", 'give every model a name = "..."')
    name = read_string(raw, "name", where)
    where = f"[[models]] '{name}'"
    if ("kind" in raw) == ("path" in raw):
        raise ConfigError(f"{where} kind", "exactly one of kind or path is needed", _kind_fix())
    kind = read_string(raw, "kind", where) if "kind" in raw else None
    if kind == AVERAGE_KIND:
        return parse_average(raw, name, where)
    if kind == THRESHOLD_OPTIMIZER_KIND:
        return parse_threshold_optimizer(raw, name, where)
    return _parse_trained_or_loaded(raw, name, kind, where, base_dir)


def _parse_trained_or_loaded(
    raw: Mapping[str, Any], name: str, kind: str | None, where: str, base_dir: Path
) -> ModelSpec:
    """A registered ``kind`` to train with ``params``, or a fitted model file at ``path``."""
    owners = dict.fromkeys(AVERAGE_FIELDS, AVERAGE_KIND) | dict.fromkeys(OPTIMIZER_FIELDS, THRESHOLD_OPTIMIZER_KIND)
    for key, owner in owners.items():
        if key in raw:
            raise ConfigError(f"{where} {key}", f'is only for kind = "{owner}"', f"remove {key}")
    if kind is not None:
        _check_kind(kind, where)
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise ConfigError(f"{where} params", "must be a table", "write params = { n_estimators = 200 }")
    path = resolve_path(base_dir, read_string(raw, "path", where)) if "path" in raw else None
    if path is not None and not path.is_file():
        raise ConfigError(
            f"{where} path", f"no file at {path}", "check the path (relative paths start at the config file)"
        )
    trust = raw.get("trust", False)
    if not isinstance(trust, bool):
        raise ConfigError(f"{where} trust", "must be true or false", "write trust = true")
    trusted = read_string_list(raw, "trusted", where)
    return ModelSpec(name=name, kind=kind, path=path, params=dict(params), trusted=trusted, trust=trust)


def _check_kind(kind: str, where: str) -> None:
    from models import known_kinds  # the registry of model kinds, built-ins included

    kinds = known_kinds()
    if kind not in kinds:
        raise ConfigError(f"{where} kind", f"'{kind}' is not a known model kind", _kind_fix())


def _kind_fix() -> str:
    from models import known_kinds

    return (
        f"use kind = one of {', '.join(known_kinds())}, or path = a fitted model file, "
        f'or kind = "{AVERAGE_KIND}" with members = [...], '
        f'or kind = "{THRESHOLD_OPTIMIZER_KIND}" with base = "..." and protected = "..."'
    )


def _check_unique_names(models: tuple[ModelSpec, ...]) -> None:
    seen: set[str] = set()
    for spec in models:
        if spec.name in seen:
            raise ConfigError(f"[[models]] '{spec.name}' name", "is used twice", "give each model its own name")
        seen.add(spec.name)
