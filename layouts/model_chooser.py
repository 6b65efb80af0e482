"""Which models /global draws: a checkbox per model in its colour, the choice kept in the URL (``?models=``).

Real checkboxes, so it works from the keyboard (Tab, Space). Unticking a model hides its bars, its beeswarm
and its row and column of the agreement matrix; the project's order and colours never change.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids


def model_chooser(model_names: Sequence[str], colors: Mapping[str, str], shown: Sequence[str]) -> html.Div:
    """One checkbox per model (label: a dot in its colour and its name), ``shown`` ticked."""
    options = [
        {"label": html.Span([html.Span(className="model-dot", style={"backgroundColor": colors[m]}), m]), "value": m}
        for m in model_names
    ]
    return html.Div(
        [
            html.Span("Models", className="fw-semibold", id=f"{ids.MODEL_CHOOSER}-label"),
            dbc.Checklist(
                id=ids.MODEL_CHOOSER,
                options=options,
                value=[m for m in model_names if m in shown],
                inline=True,
                className="model-checklist",
            ),
        ],
        className="model-chooser",
        role="group",
        **{"aria-labelledby": f"{ids.MODEL_CHOOSER}-label"},
    )
