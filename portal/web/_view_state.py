"""The state of a view that a shared link carries: which models, class, feature, cohort and scale.

A reviewer sends a URL such as ``/global?models=RF,GB&scale=native&agreement-k=8&cohort=tenure+%3C+12``; opening
it restores the same view. The page is the URL's path; everything else is this query string. Unknown keys are
ignored and missing ones fall back to the page's defaults, so old links keep working when views gain settings.
A page that changes some settings writes them with :meth:`ViewState.merged_into`, which keeps every other key
(``?id=``, the row /local shows, which it writes with :func:`merge_query`) as it was.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, fields, replace
from urllib.parse import parse_qs, parse_qsl, urlencode

LIST_SEPARATOR = ","


@dataclass(frozen=True)
class ViewState:
    models: tuple[str, ...] = ()  # empty: every model
    class_name: str = ""
    feature: str = ""
    colour_by: str = ""
    cohort: str = ""
    scale: str = ""  # "common" or "native"; empty: the page's default
    agreement_k: str = ""  # /global's top-k of the agreement card; empty: its default

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

    def merged_into(self, search: str | None, names: tuple[str, ...]) -> str:
        """``search`` with the settings ``names`` (field names) set to this state's, an empty one removed, and
        every other key kept where it was: pages write only what they own and links keep the rest."""
        return merge_query(search, {_key(name): _text(getattr(self, name)) for name in names})

    def with_models(self, chosen: tuple[str, ...], every: tuple[str, ...]) -> ViewState:
        """Keep the models chosen, written as "every model" (empty) when all are chosen, so links stay short."""
        return replace(self, models=() if set(chosen) == set(every) else tuple(m for m in every if m in chosen))


def merge_query(search: str | None, wanted: Mapping[str, str]) -> str:
    """``search`` with each key of ``wanted`` set to its value (removed when empty), in place if it was there,
    else at the end; every other key kept as it was."""
    pairs, written = [], set()
    for key, value in parse_qsl((search or "").lstrip("?")):
        if key in wanted:
            value = wanted[key]
            if key in written or not value:
                continue
            written.add(key)
        pairs.append((key, value))
    pairs += [(key, value) for key, value in wanted.items() if value and key not in written]
    return "?" + urlencode(pairs) if pairs else ""


def _text(value: str | tuple[str, ...]) -> str:
    return LIST_SEPARATOR.join(value) if isinstance(value, tuple) else value


def _key(name: str) -> str:
    return "class" if name == "class_name" else name.replace("_", "-")
