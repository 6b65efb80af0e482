"""Project configuration: the one way to describe a project, read from TOML.

A project names its data (``[data]``), the models to compare (``[[models]]``) and where computed
results live (``[cache]``). Every mistake a user can make in the file is reported as a
:class:`ConfigError` whose message is one line naming the field and the fix; the CLI prints it and
exits with code 2. Checks that need the data itself (does the target column exist?) happen when the
data is loaded, in :mod:`portal.data`, and raise the same error type.
"""

from __future__ import annotations

import difflib
import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

TASKS = ("classification", "regression")
DEFAULT_CACHE_ENV = "PORTAL_CACHE_DIR"


class ConfigError(ValueError):
    """A mistake in the project configuration, explained in one line that names the field."""

    def __init__(self, field_name: str, problem: str, fix: str = "") -> None:
        self.field = field_name
        self.problem = problem
        self.fix = fix
        text = f"{field_name}: {problem}"
        super().__init__(f"{text}. Fix: {fix}" if fix else text)


@dataclass(frozen=True)
class DataConfig:
    source: str
    target: str
    id: str | None = None
    protected: tuple[str, ...] = ()
    time: str | None = None
    task: str | None = None
    positive: Any = None
    features: tuple[str, ...] | None = None
    exclude: tuple[str, ...] = ()
    test_size: float = 0.25
    seed: int = 0


@dataclass(frozen=True)
class ModelSpec:
    """One model to compare: a built-in ``kind`` to train, or a fitted model file at ``path``."""

    name: str
    kind: str | None = None
    path: Path | None = None
    params: Mapping[str, Any] = field(default_factory=dict)
    trusted: tuple[str, ...] = ()
    trust: bool = False


@dataclass(frozen=True)
class ProjectConfig:
    title: str
    data: DataConfig
    models: tuple[ModelSpec, ...]
    cache_dir: Path
    base_dir: Path
    cache_size_limit: int | None = None  # bytes; None: no limit


_DATA_FIELDS = {f for f in DataConfig.__dataclass_fields__}
_MODEL_FIELDS = {"name", "kind", "path", "params", "trusted", "trust"}
_TOP_FIELDS = {"title", "data", "models", "cache"}


def default_cache_dir() -> Path:
    """``$PORTAL_CACHE_DIR``, else the per-user cache directory (XDG)."""
    if os.environ.get(DEFAULT_CACHE_ENV):
        return Path(os.environ[DEFAULT_CACHE_ENV]).expanduser().resolve()  # workers may run elsewhere
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "model-comparison-portal"


def load_config(path: str | Path) -> ProjectConfig:
    """Read and validate a project file; relative paths in it are relative to the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError("config", f"cannot read {path} ({error.strerror})", "check the path") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("config", f"{path} is not valid TOML ({error})", "fix the syntax") from None
    return parse_config(raw, base_dir=path.resolve().parent)


def parse_config(raw: Mapping[str, Any], *, base_dir: Path) -> ProjectConfig:
    """Validate a parsed TOML document into a :class:`ProjectConfig`."""
    _reject_unknown(raw, _TOP_FIELDS, "")
    data = _parse_data(_table(raw, "data", "[data]", required=True))
    models_raw = raw.get("models")
    if not isinstance(models_raw, list) or not models_raw:
        raise ConfigError("[[models]]", "no models are listed", "add at least one [[models]] table")
    models = tuple(_parse_model(m, i, base_dir) for i, m in enumerate(models_raw))
    _check_unique_names(models)
    cache = _table(raw, "cache", "[cache]", required=False)
    _reject_unknown(cache, {"dir", "size_limit_gb"}, "[cache]")
    cache_dir = _resolve(base_dir, cache["dir"]) if "dir" in cache else default_cache_dir()
    limit = cache.get("size_limit_gb")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0):
        raise ConfigError(
            "[cache] size_limit_gb", f"{limit!r} is not a positive number", "write e.g. size_limit_gb = 5"
        )
    title = raw.get("title", "Model comparison")
    if not isinstance(title, str):
        raise ConfigError("title", "must be a string", 'write title = "My project"')
    size_limit = int(limit * 1024**3) if limit is not None else None
    return ProjectConfig(title, data, models, cache_dir, base_dir, cache_size_limit=size_limit)


def _table(raw: Mapping[str, Any], key: str, label: str, *, required: bool) -> Mapping[str, Any]:
    value = raw.get(key)
    if value is None:
        if required:
            raise ConfigError(label, "is missing", f"add a {label} table")
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(label, "must be a table", f"write it as {label} with key = value lines")
    return value


def _reject_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    for key in table:
        if key not in known:
            label = f"{where} {key}".strip()
            guess = difflib.get_close_matches(key, sorted(known), n=1)
            fix = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(sorted(known))}"
            raise ConfigError(label, "is not a known field", fix)


def _parse_data(table: Mapping[str, Any]) -> DataConfig:
    _reject_unknown(table, _DATA_FIELDS, "[data]")
    for key in ("source", "target"):
        if key not in table:
            raise ConfigError(f"[data] {key}", "is missing", f'add {key} = "..." under [data]')
    strings = {k: _string(table, k) for k in ("source", "target", "id", "time", "task") if k in table}
    task = strings.get("task")
    if task is not None and task not in TASKS:
        raise ConfigError("[data] task", f"'{task}' is not a task", f"use one of {', '.join(TASKS)}")
    features = _string_list(table, "features") if "features" in table else None
    test_size = table.get("test_size", 0.25)
    if not isinstance(test_size, (int, float)) or isinstance(test_size, bool) or not 0 < test_size < 1:
        raise ConfigError(
            "[data] test_size", f"{test_size!r} is not a fraction", "use a number between 0 and 1, e.g. 0.25"
        )
    seed = table.get("seed", 0)
    if not isinstance(seed, int) or isinstance(seed, bool):
        raise ConfigError("[data] seed", f"{seed!r} is not a whole number", "use e.g. seed = 0")
    return DataConfig(
        source=strings["source"],
        target=strings["target"],
        id=strings.get("id"),
        protected=_string_list(table, "protected"),
        time=strings.get("time"),
        task=task,
        positive=table.get("positive"),
        features=features,
        exclude=_string_list(table, "exclude"),
        test_size=float(test_size),
        seed=seed,
    )


def _parse_model(raw: Any, index: int, base_dir: Path) -> ModelSpec:
    where = f"[[models]] #{index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(where, "must be a table", "write [[models]] followed by name = ... lines")
    _reject_unknown(raw, _MODEL_FIELDS, where)
    if "name" not in raw:
        raise ConfigError(f"{where} name", "is missing", 'give every model a name = "..."')
    name = _string(raw, "name", where)
    where = f"[[models]] '{name}'"
    if ("kind" in raw) == ("path" in raw):
        raise ConfigError(f"{where} kind", "exactly one of kind or path is needed", _kind_fix())
    kind = _string(raw, "kind", where) if "kind" in raw else None
    if kind is not None:
        _check_kind(kind, where)
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise ConfigError(f"{where} params", "must be a table", "write params = { n_estimators = 200 }")
    path = _resolve(base_dir, _string(raw, "path", where)) if "path" in raw else None
    if path is not None and not path.is_file():
        raise ConfigError(
            f"{where} path", f"no file at {path}", "check the path (relative paths start at the config file)"
        )
    trust = raw.get("trust", False)
    if not isinstance(trust, bool):
        raise ConfigError(f"{where} trust", "must be true or false", "write trust = true")
    return ModelSpec(
        name=name,
        kind=kind,
        path=path,
        params=dict(params),
        trusted=_string_list(raw, "trusted", where),
        trust=trust,
    )


def _check_kind(kind: str, where: str) -> None:
    from models import known_kinds  # the registry of model kinds, built-ins included

    kinds = known_kinds()
    if kind not in kinds:
        raise ConfigError(f"{where} kind", f"'{kind}' is not a known model kind", _kind_fix())


def _kind_fix() -> str:
    from models import known_kinds

    return f"use kind = one of {', '.join(known_kinds())}, or path = a fitted model file"


def _check_unique_names(models: tuple[ModelSpec, ...]) -> None:
    seen: set[str] = set()
    for spec in models:
        if spec.name in seen:
            raise ConfigError(f"[[models]] '{spec.name}' name", "is used twice", "give each model its own name")
        seen.add(spec.name)


def _string(table: Mapping[str, Any], key: str, where: str = "[data]") -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} {key}", f"must be a non-empty string, not {value!r}", f'write {key} = "..."')
    return value


def _string_list(table: Mapping[str, Any], key: str, where: str = "[data]") -> tuple[str, ...]:
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} {key}", "must be a list of column names", f'write {key} = ["a", "b"]')
    return tuple(value)


def _resolve(base_dir: Path, value: str) -> Path:
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path
