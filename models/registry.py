"""The registry of model kinds: a name -> builder table, filled by the same call for everyone."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from models.schema import FeatureSchema

Builder = Callable[[Mapping[str, Any], FeatureSchema, str], Any]
_KINDS: dict[str, Builder] = {}


def register_kind(name: str, builder: Builder) -> None:
    """Make ``kind = name`` usable in project files. Re-registering a name replaces it."""
    _KINDS[name] = builder


def known_kinds() -> tuple[str, ...]:
    return tuple(sorted(_KINDS))


def build_model(kind: str, params: Mapping[str, Any], schema: FeatureSchema, task: str) -> Any:
    """An unfitted estimator of ``kind`` for ``task`` ("classification" or "regression")."""
    try:
        builder = _KINDS[kind]
    except KeyError:
        raise KeyError(f"unknown model kind '{kind}'; known kinds: {', '.join(known_kinds())}") from None
    return builder(params, schema, task)
