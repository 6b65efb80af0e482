"""Reading a whole project file: each table goes to its parser, and the results make one
:class:`ProjectConfig`. The tables are checked in the order a reader meets them (``[data]``,
``[[models]]``, ``[cache]``, ``title``, ``[explain]``, ``[fairness]``, ``[monitoring]``, ``[auth]``), so
the first mistake found is the one reported.
"""

from __future__ import annotations

import tomllib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._auth import parse_auth
from portal.config._cache import parse_cache
from portal.config._data import parse_data
from portal.config._environment import scale_out_url
from portal.config._explain import parse_explain
from portal.config._fairness import parse_fairness
from portal.config._models import parse_models
from portal.config._monitoring import parse_monitoring
from portal.config._readers import read_table, reject_unknown
from portal.config._types import ConfigError, ProjectConfig

TOP_FIELDS = {"title", "data", "models", "cache", "explain", "fairness", "monitoring", "auth"}


def load_config(path: str | Path) -> ProjectConfig:
    """Read and validate a project file; relative paths in it are relative to the file."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as error:
        raise ConfigError("config", f"cannot read {path} ({error.strerror})", "check the path") from None
    except UnicodeDecodeError as error:
        problem = f"{path} is not UTF-8 text (byte {error.start} cannot be read)"
        raise ConfigError("config", problem, "save the project file as UTF-8 (TOML files are UTF-8)") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("config", f"{path} is not valid TOML ({error})", "fix the syntax") from None
    return parse_config(raw, base_dir=path.resolve().parent)


def parse_config(raw: Mapping[str, Any], *, base_dir: Path) -> ProjectConfig:
    """Validate a parsed TOML document into a :class:`ProjectConfig`."""
    reject_unknown(raw, TOP_FIELDS, "")
    data = parse_data(read_table(raw, "data", "[data]", required=True))
    models = parse_models(raw.get("models"), data, base_dir)
    cache_dir, size_limit = parse_cache(read_table(raw, "cache", "[cache]", required=False), base_dir)
    title = _title(raw)
    sample, exact_up_to, all_rows_up_to = parse_explain(read_table(raw, "explain", "[explain]", required=False))
    fairness = parse_fairness(read_table(raw, "fairness", "[fairness]", required=False), data.protected)
    monitoring = None
    if "monitoring" in raw:
        monitoring = parse_monitoring(read_table(raw, "monitoring", "[monitoring]", required=False), data.time)
    return ProjectConfig(
        title,
        data,
        models,
        cache_dir,
        base_dir,
        cache_size_limit=size_limit,
        common_sample_rows=sample,
        max_exact_features=exact_up_to,
        common_all_rows_up_to=all_rows_up_to,
        fairness=fairness,
        monitoring=monitoring,
        redis_url=scale_out_url(),
        auth=parse_auth(read_table(raw, "auth", "[auth]", required=False), base_dir),
    )


def _title(raw: Mapping[str, Any]) -> str:
    title = raw.get("title", "Model comparison")
    if not isinstance(title, str):
        raise ConfigError("title", "must be a string", 'write title = "My project"')
    return title
