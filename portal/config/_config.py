"""Project configuration parsers: the one way to describe a project, read from TOML.

A project names its data (``[data]``), the models to compare (``[[models]]``), where computed
results live (``[cache]``) and, optionally, how many rows to explain in the common scale
(``[explain] common_sample_rows``), up to how many columns to explain exactly by enumerating coalitions
(``[explain] max_exact_features``) and how to group rows for fairness (``[fairness]``, parsed in
:mod:`portal.config`). Every mistake a user can make in the file is reported as a
:class:`ConfigError` whose message is one line naming the field and the fix; the CLI prints it and
exits with code 2. Checks that need the data itself (does the target column exist?) happen when the
data is loaded, in :mod:`portal.data`, and raise the same error type.
"""

from __future__ import annotations

import difflib
import math
import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._environment import default_cache_dir, scale_out_url
from portal.config._fairness import parse_fairness
from portal.config._mitigation import check_threshold_optimizers, parse_threshold_optimizer
from portal.config._readers import read_string, read_string_list, read_table, reject_unknown, resolve_path
from portal.config._types import (
    AVERAGE_KIND,
    DEFAULT_COMMON_SAMPLE_ROWS,
    TASKS,
    THRESHOLD_OPTIMIZER_KIND,
    ConfigError,
    DataConfig,
    ModelSpec,
    ProjectConfig,
)

_DATA_FIELDS = {f for f in DataConfig.__dataclass_fields__}
_MODEL_FIELDS = {"name", "kind", "path", "params", "trusted", "trust", "members", "weights"}
OPTIMIZER_FIELDS = ("base", "protected", "constraint")  # kind = "threshold_optimizer" (portal.config)
_MODEL_FIELDS |= set(OPTIMIZER_FIELDS)
_TOP_FIELDS = {"title", "data", "models", "cache", "explain", "fairness"}


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
    reject_unknown(raw, _TOP_FIELDS, "")
    data = _parse_data(read_table(raw, "data", "[data]", required=True))
    models_raw = raw.get("models")
    if not isinstance(models_raw, list) or not models_raw:
        raise ConfigError("[[models]]", "no models are listed", "add at least one [[models]] table")
    models = tuple(_parse_model(m, i, base_dir) for i, m in enumerate(models_raw))
    _check_unique_names(models)
    _check_averages(models)
    check_threshold_optimizers(models, data)
    cache = read_table(raw, "cache", "[cache]", required=False)
    reject_unknown(cache, {"dir", "size_limit_gb"}, "[cache]")
    cache_dir = resolve_path(base_dir, cache["dir"]) if "dir" in cache else default_cache_dir()
    limit = cache.get("size_limit_gb")
    if limit is not None and (isinstance(limit, bool) or not isinstance(limit, (int, float)) or limit <= 0):
        raise ConfigError(
            "[cache] size_limit_gb", f"{limit!r} is not a positive number", "write e.g. size_limit_gb = 5"
        )
    title = raw.get("title", "Model comparison")
    if not isinstance(title, str):
        raise ConfigError("title", "must be a string", 'write title = "My project"')
    size_limit = int(limit * 1024**3) if limit is not None else None
    explain = read_table(raw, "explain", "[explain]", required=False)
    sample, exact_up_to = _common_sample_rows(explain), _max_exact_features(explain)
    fairness = parse_fairness(read_table(raw, "fairness", "[fairness]", required=False), data.protected)
    return ProjectConfig(
        title,
        data,
        models,
        cache_dir,
        base_dir,
        cache_size_limit=size_limit,
        common_sample_rows=sample,
        max_exact_features=exact_up_to,
        fairness=fairness,
        redis_url=scale_out_url(),
    )


def _common_sample_rows(table: Mapping[str, Any]) -> int:
    reject_unknown(table, {"common_sample_rows", "max_exact_features"}, "[explain]")
    rows = table.get("common_sample_rows", DEFAULT_COMMON_SAMPLE_ROWS)
    if isinstance(rows, bool) or not isinstance(rows, int) or rows < 1:
        where, fix = "[explain] common_sample_rows", "write e.g. common_sample_rows = 500"
        raise ConfigError(where, f"{rows!r} is not a positive whole number", fix)
    return rows


def _max_exact_features(table: Mapping[str, Any]) -> int:
    """Up to how many columns the model-agnostic method evaluates every coalition (exact) rather than sampling
    permutations: what makes a soft vote of boosters and EBMs exact in probability on wider data, at 2^N
    coalitions x background rows model evaluations per row (see :mod:`portal.explain`)."""
    from portal.explain import EXACT_FEATURES_LIMIT, Budget

    count = table.get("max_exact_features", Budget.max_exact_features)
    if isinstance(count, bool) or not isinstance(count, int) or not 1 <= count <= EXACT_FEATURES_LIMIT:
        problem = f"{count!r} is not a whole number from 1 to {EXACT_FEATURES_LIMIT}"
        fix = (
            f"write e.g. max_exact_features = 12; exact values cost 2^N coalitions x 200 background rows model "
            f"evaluations per row ({2**EXACT_FEATURES_LIMIT * 200:,} at {EXACT_FEATURES_LIMIT})"
        )
        raise ConfigError("[explain] max_exact_features", problem, fix)
    return count


def _parse_data(table: Mapping[str, Any]) -> DataConfig:
    reject_unknown(table, _DATA_FIELDS, "[data]")
    for key in ("source", "target"):
        if key not in table:
            raise ConfigError(f"[data] {key}", "is missing", f'add {key} = "..." under [data]')
    strings = {k: read_string(table, k, "[data]") for k in ("source", "target", "id", "time", "task") if k in table}
    task = strings.get("task")
    if task is not None and task not in TASKS:
        raise ConfigError("[data] task", f"'{task}' is not a task", f"use one of {', '.join(TASKS)}")
    features = read_string_list(table, "features", "[data]") if "features" in table else None
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
        protected=read_string_list(table, "protected", "[data]"),
        time=strings.get("time"),
        task=task,
        positive=table.get("positive"),
        features=features,
        exclude=read_string_list(table, "exclude", "[data]"),
        test_size=float(test_size),
        seed=seed,
    )


def _parse_model(raw: Any, index: int, base_dir: Path) -> ModelSpec:
    where = f"[[models]] #{index + 1}"
    if not isinstance(raw, Mapping):
        raise ConfigError(where, "must be a table", "write [[models]] followed by name = ... lines")
    reject_unknown(raw, _MODEL_FIELDS, where)
    if "name" not in raw:
        raise ConfigError(f"{where} name", "is missing", 'give every model a name = "..."')
    name = read_string(raw, "name", where)
    where = f"[[models]] '{name}'"
    if ("kind" in raw) == ("path" in raw):
        raise ConfigError(f"{where} kind", "exactly one of kind or path is needed", _kind_fix())
    kind = read_string(raw, "kind", where) if "kind" in raw else None
    if kind == AVERAGE_KIND:
        return _parse_average(raw, name, where)
    if kind == THRESHOLD_OPTIMIZER_KIND:
        return parse_threshold_optimizer(raw, name, where)
    owners = dict.fromkeys(("members", "weights"), AVERAGE_KIND)
    owners |= dict.fromkeys(OPTIMIZER_FIELDS, THRESHOLD_OPTIMIZER_KIND)
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
    return ModelSpec(
        name=name,
        kind=kind,
        path=path,
        params=dict(params),
        trusted=read_string_list(raw, "trusted", where),
        trust=trust,
    )


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


MEMBERS_EXAMPLE = 'members = ["Random forest", "Gradient boosting"]'


def _parse_average(raw: Mapping[str, Any], name: str, where: str) -> ModelSpec:
    """``kind = "average"``: two or more other models of the project, each once, with optional weights."""
    for key in ("params", "trusted", "trust"):
        if key in raw:
            raise ConfigError(f"{where} {key}", "an average has no settings of its own", f"remove {key}")
    members = raw.get("members")
    if members is None:
        raise ConfigError(f"{where} members", "is missing", f"list the models to average: {MEMBERS_EXAMPLE}")
    if not isinstance(members, list) or not all(isinstance(m, str) for m in members):
        raise ConfigError(f"{where} members", "must be a list of model names", f"write {MEMBERS_EXAMPLE}")
    if len(members) < 2:
        raise ConfigError(f"{where} members", f"lists {len(members)} model(s)", f"name two or more: {MEMBERS_EXAMPLE}")
    twice = next((m for i, m in enumerate(members) if m in members[:i]), None)
    if twice is not None:
        raise ConfigError(f"{where} members", f"lists '{twice}' twice", "list each model once; give it a larger weight")
    return ModelSpec(name=name, kind=AVERAGE_KIND, members=tuple(members), weights=_weights(raw, len(members), where))


def _weights(raw: Mapping[str, Any], count: int, where: str) -> tuple[float, ...]:
    weights = raw.get("weights")
    if weights is None:
        return ()
    numbers = isinstance(weights, list) and all(isinstance(w, (int, float)) for w in weights)
    if not numbers or any(isinstance(w, bool) for w in weights):
        raise ConfigError(f"{where} weights", "must be a list of numbers", "write e.g. weights = [0.5, 0.5]")
    if len(weights) != count:
        problem = f"has {len(weights)} weights for {count} members"
        raise ConfigError(f"{where} weights", problem, "give one weight per member, in the order of members")
    bad = next((w for w in weights if not math.isfinite(w) or w < 0), None)
    if bad is not None:
        raise ConfigError(f"{where} weights", f"{bad!r} is not a number of zero or more", "use weights >= 0")
    if sum(weights) == 0:
        raise ConfigError(f"{where} weights", "are all zero", "give at least one member a positive weight")
    return tuple(float(w) for w in weights)


def _check_averages(models: tuple[ModelSpec, ...]) -> None:
    """Every member of an average is another model of the project, and not itself an average."""
    by_name = {spec.name: spec for spec in models}
    for spec in (s for s in models if s.is_average):
        where = f"[[models]] '{spec.name}' members"
        for member in spec.members:
            if member not in by_name:
                others = [s.name for s in models if not s.is_average]
                guess = difflib.get_close_matches(member, others, n=1)
                fix = f"did you mean '{guess[0]}'?" if guess else f"use the name of one of {', '.join(others)}"
                raise ConfigError(where, f"'{member}' is not a model of this project", fix)
            if by_name[member].is_average:
                problem = "names the average itself" if member == spec.name else f"'{member}' is itself an average"
                raise ConfigError(where, problem, "list the trained or loaded models directly (averages do not nest)")
