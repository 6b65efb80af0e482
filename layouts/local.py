"""Local (``/local``): pick one row, then read each model's waterfall for it side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.class_picker import class_picker
from layouts.disagreement import disagreement_card
from layouts.panes import graph, model_card, model_row


def local_page(
    model_names: Sequence[str],
    colors: Mapping[str, str],
    row_id: str | None,
    options: Sequence[str],
    limit: int,
    class_names: Sequence[str] = (),
    scale: html.Div | None = None,
) -> html.Div:
    """The class chooser (multi-class only), the ``scale`` chooser, the row picker, then the row of waterfall
    panes."""
    panes = [model_card(m, colors[m], ids.waterfall_pane(m), "waterfall") for m in model_names]
    return html.Div(
        [
            html.H2("Local explanations", className="page-title"),
            class_picker(class_names),
            *([scale] if scale is not None else []),
            dbc.Card(dbc.CardBody(_picker(row_id, options, limit)), className="shadow-sm mb-4 picker-card"),
            model_row(panes),
            disagreement_card(),
        ]
    )


def _picker(row_id: str | None, options: Sequence[str], limit: int) -> html.Div:
    return html.Div(
        [
            dbc.Label("Row id", html_for=ids.ROW_PICKER, className="fw-semibold"),
            dcc.Dropdown(
                id=ids.ROW_PICKER,
                options=list(options),
                value=row_id,
                searchable=True,
                clearable=False,
                placeholder="Type part of a row id…",
            ),
            dbc.FormText(f"Type to search; at most {limit} matching ids are listed at a time."),
        ]
    )


def waterfall_body(prediction: str, method: str, figure: go.Figure, key_values: Sequence[str]) -> html.Div:
    """One model's pane for the chosen row: the prediction line, the method, the waterfall, the key values."""
    return html.Div(
        [
            html.P(prediction, className="prediction"),
            html.P(method, className="method-label"),
            graph(figure, "waterfall-graph"),
            html.P(
                [html.Span("Key values: ", className="fw-semibold"), ", ".join(key_values)], className="key-values mb-0"
            ),
        ]
    )
