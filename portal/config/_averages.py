"""Reading ``kind = "average"`` tables of a project file (the averaged model itself: :mod:`portal.project`).

    [[models]]
    name = "Forest and boosting"
    kind = "average"
    members = ["Random forest", "Gradient boosting"]   # two or more other models of the file, each once
    weights = [0.5, 0.5]                               # optional: one per member, >= 0 (default: equal)

An average has no ``params``, ``trusted`` or ``trust`` of its own, and averages do not nest.
"""

from __future__ import annotations

import difflib
import math
from collections.abc import Mapping
from typing import Any

from portal.config._types import AVERAGE_KIND, ConfigError, ModelSpec

#: The [[models]] fields only an average has.
FIELDS = ("members", "weights")
MEMBERS_EXAMPLE = 'members = ["Random forest", "Gradient boosting"]'


def parse_average(raw: Mapping[str, Any], name: str, where: str) -> ModelSpec:
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


def check_averages(models: tuple[ModelSpec, ...]) -> None:
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
