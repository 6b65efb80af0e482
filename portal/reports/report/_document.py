"""The report as values: charts to draw, sections built from results, and the sections left out with why.

A section is a frozen dataclass of words, numbers and :class:`Chart` s; the templates lay it out and nothing in a
section is HTML. Charts are plotly figures from :mod:`portal.figures` (the pages' own builders); the writer draws
every chart of the report in one batch and hands the templates the SVG by :attr:`Chart.key`.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, eq=False)
class Chart:
    """One figure of the report: a unique ``key``, the plotly figure, and the words beside it.

    ``alt`` says what the figure shows (the SVG's text alternative); ``caption`` names its scale, method and rows.
    """

    key: str
    figure: Any
    alt: str
    caption: str = ""


@dataclass(frozen=True)
class Skipped:
    """A section the project cannot fill, and one line saying why."""

    name: str
    title: str
    reason: str


@dataclass(frozen=True)
class Fact:
    """A label and its value, as the report prints it (a definition list's row)."""

    label: str
    value: str


def without_patterns(figure: Any) -> Any:
    """The figure with plain bars: Chromium prints every SVG pattern fill as its own bitmap (30 patterned bars of
    the importance chart made 4.4 MB of a 6.5 MB PDF). Colours, legend and bar order still tell the models apart."""
    return figure.update_traces(marker_pattern_shape="", selector={"type": "bar"})


def charts_of(value: Any) -> list[Chart]:
    """Every chart in a section, in the order the section holds them (fields, then items of tuples)."""
    if isinstance(value, Chart):
        return [value]
    if isinstance(value, tuple | list):
        return [c for item in value for c in charts_of(item)]
    fields = getattr(value, "__dataclass_fields__", None)
    if fields is None:
        return []
    return [c for name in fields for c in charts_of(getattr(value, name))]
