"""Field readers the table parsers share: each reads one value and raises a :class:`ConfigError` naming it.

``where`` is the label of the table the value sits in (``"[data]"``, ``"[[models]] 'Forest'"``); the error
names ``"{where} {key}"`` so the user can find the line.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._types import ConfigError


def read_table(raw: Mapping[str, Any], key: str, label: str, *, required: bool) -> Mapping[str, Any]:
    """The table at ``key``; an absent optional table reads as empty."""
    value = raw.get(key)
    if value is None:
        if required:
            raise ConfigError(label, "is missing", f"add a {label} table")
        return {}
    if not isinstance(value, Mapping):
        raise ConfigError(label, "must be a table", f"write it as {label} with key = value lines")
    return value


def reject_unknown(table: Mapping[str, Any], known: set[str], where: str) -> None:
    """The first key not in ``known`` is an error, with the closest known field as the fix."""
    for key in table:
        if key not in known:
            label = f"{where} {key}".strip()
            guess = difflib.get_close_matches(key, sorted(known), n=1)
            fix = f"did you mean '{guess[0]}'?" if guess else f"known fields: {', '.join(sorted(known))}"
            raise ConfigError(label, "is not a known field", fix)


def read_string(table: Mapping[str, Any], key: str, where: str) -> str:
    value = table[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} {key}", f"must be a non-empty string, not {value!r}", f'write {key} = "..."')
    return value


def read_string_list(table: Mapping[str, Any], key: str, where: str) -> tuple[str, ...]:
    """A list of names; one bare string counts as a list of one, an absent key as none."""
    value = table.get(key, [])
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise ConfigError(f"{where} {key}", "must be a list of column names", f'write {key} = ["a", "b"]')
    return tuple(value)


def resolve_path(base_dir: Path, value: str) -> Path:
    """``~`` expanded; a relative path starts at the folder of the project file."""
    path = Path(value).expanduser()
    return path if path.is_absolute() else base_dir / path
