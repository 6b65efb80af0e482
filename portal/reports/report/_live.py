"""The report's optional interactive figures (``--interactive``): plotly.js inline and each chart's figure as JSON,
drawn over its static SVG when a browser runs the page's script; print and a reader without script keep the SVG.

A figure's JSON holds only what its picture shows: hover extras (``customdata``, ``hovertext``, ``hovertemplate``,
``ids``, ``meta``) are dropped, because the pages put row ids and feature values there (a beeswarm's 500 rows),
and the report shows no row beyond those it explains. Hover then reads the drawn x, y, name and labels.
"""

from __future__ import annotations

from collections.abc import Iterable

import plotly.graph_objects as go
import plotly.io as pio
import plotly.offline

HOVER_EXTRAS = ("customdata", "hovertext", "hovertemplate", "ids", "meta")


def live_figures(charts: Iterable) -> dict[str, str]:
    """Each chart's key to its figure as JSON, safe inside a ``<script type="application/json">`` element."""
    return {c.key: _script_safe(pio.to_json(_without_hover_extras(c.figure), validate=False)) for c in charts}


def plotly_bundle() -> str:
    """plotly.js, as the plotly package ships it (the version that drew the pages' figures)."""
    return _script_safe(plotly.offline.get_plotlyjs())


def _without_hover_extras(figure: go.Figure) -> dict:
    plain = figure.to_plotly_json()
    for trace in plain["data"]:
        for key in HOVER_EXTRAS:
            trace.pop(key, None)
    plain["layout"].pop("meta", None)
    return plain


def _script_safe(text: str) -> str:
    """Text that cannot end its <script> element early ('</script>' inside a string would)."""
    return text.replace("</", "<\\/")
