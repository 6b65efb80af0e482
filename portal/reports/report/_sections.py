"""The sections a report may hold, in order, what each needs from the project, and the checks of the options."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from portal.config import ConfigError

TITLES = {
    "cover": "Cover",
    "models": "The models",
    "performance": "Performance",
    "global": "What drives each model",
    "disagreements": "Where the models disagree",
    "fairness": "Fairness",
    "monitoring": "Monitoring over time",
    "appendix": "Appendix: provenance",
}
NO_PROTECTED = "the project names no protected column ([data] protected)"
NOT_MONITORED = "the project is not monitored over time ([monitoring] and [data] time)"


def _always(_inputs) -> str:
    return ""


def _fairness_needs(inputs) -> str:
    if not inputs.facts.protected:
        return NO_PROTECTED
    return inputs.project.fairness_support()


def _monitoring_needs(inputs) -> str:
    return "" if inputs.project.config.monitoring is not None and inputs.facts.time else NOT_MONITORED


#: Each section's name, and why the project cannot fill it ("" when it can).
SECTIONS: dict[str, Callable[[object], str]] = {
    "cover": _always,
    "models": _always,
    "performance": _always,
    "global": _always,
    "disagreements": _always,
    "fairness": _fairness_needs,
    "monitoring": _monitoring_needs,
    "appendix": _always,
}


def check_sections(names: Sequence[str] | None, field: str = "sections") -> tuple[str, ...]:
    """The chosen sections in the report's order (all when None); a ConfigError naming an unknown one."""
    if names is None:
        return tuple(SECTIONS)
    unknown = [n for n in names if n not in SECTIONS]
    if unknown:
        raise ConfigError(
            field, f"no section {', '.join(repr(n) for n in unknown)}", f"use some of {', '.join(SECTIONS)}"
        )
    if not names:
        raise ConfigError(field, "no section given", f"use some of {', '.join(SECTIONS)}")
    return tuple(n for n in SECTIONS if n in names)


def check_rows(row_ids: Sequence[str], rows: Sequence[str] | None, field: str = "rows") -> tuple[str, ...]:
    """The rows asked for, each once; a ConfigError naming those the data does not have."""
    if not rows:
        return ()
    known = set(map(str, row_ids))
    unknown = [r for r in rows if r not in known]
    if unknown:
        example = ", ".join(list(map(str, row_ids))[:2])
        fix = f"use the id column's values, e.g. {example}"
        raise ConfigError(field, f"no row {', '.join(unknown)} in the data", fix)
    return tuple(dict.fromkeys(rows))
