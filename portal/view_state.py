"""The state of a view that a shared link carries: which models, class, feature, row, cohort and scale.

A reviewer sends a URL such as ``/local?models=RF,GB&row=C00042&cohort=tenure+%3C+12``; opening it restores the
same view. The page is the URL's path; everything else is this query string. Unknown keys are ignored and
missing ones fall back to the page's defaults, so old links keep working when views gain settings.
"""

from __future__ import annotations

from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qs, urlencode

LIST_SEPARATOR = ","


@dataclass(frozen=True)
class ViewState:
    models: tuple[str, ...] = ()  # empty: every model
    class_name: str = ""
    feature: str = ""
    colour_by: str = ""
    row: str = ""
    cohort: str = ""
    scale: str = ""  # "common" or "native"; empty: the page's default

    def to_query(self) -> str:
        """``?key=value&...`` with only the settings that differ from the defaults, or "" when none do."""
        pairs = []
        for f in fields(self):
            value = getattr(self, f.name)
            if value:
                pairs.append((_key(f.name), LIST_SEPARATOR.join(value) if isinstance(value, tuple) else value))
        return "?" + urlencode(pairs) if pairs else ""

    @classmethod
    def from_query(cls, search: str | None) -> ViewState:
        """Read ``?key=value&...`` (with or without the ``?``); unknown keys are ignored."""
        parsed = parse_qs((search or "").lstrip("?"), keep_blank_values=False)
        state = cls()
        for f in fields(cls):
            values = parsed.get(_key(f.name))
            if not values:
                continue
            value = values[-1]
            if f.name == "models":
                state = replace(state, models=tuple(m for m in value.split(LIST_SEPARATOR) if m))
            else:
                state = replace(state, **{f.name: value})
        return state

    def with_models(self, chosen: tuple[str, ...], every: tuple[str, ...]) -> ViewState:
        """Keep the models chosen, written as "every model" (empty) when all are chosen, so links stay short."""
        return replace(self, models=() if set(chosen) == set(every) else tuple(m for m in every if m in chosen))


def _key(name: str) -> str:
    return "class" if name == "class_name" else name.replace("_", "-")
