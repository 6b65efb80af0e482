"""Local (``/local``): pick one row, then read each model's waterfall for it side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.class_picker import class_picker
from layouts.disagreement import disagreement_card
from layouts.local_charts import FORCE, HIDDEN, chart_toggle, decision_card, force_card
from layouts.neighbours import similar_card
from layouts.panes import graph, model_card, model_row
from layouts.scale_toggle import axes_note, axis_note, own_axis_switch


def local_page(
    model_names: Sequence[str],
    colors: Mapping[str, str],
    row_id: str | None,
    options: Sequence[str],
    limit: int,
    class_names: Sequence[str] = (),
    scale: html.Div | None = None,
    search: html.Div | None = None,
    whatif: dbc.Card | None = None,
    class_name: str | None = None,
    chart: str | None = None,
) -> html.Div:
    """The class chooser (multi-class only), the ``scale`` chooser, the row picker beside the row ``search``,
    the ``chart`` toggle over the row of waterfall panes (or the force card), the decision plot, then the
    ``whatif``, similar rows and disagreement cards."""
    panes = [model_card(m, colors[m], ids.waterfall_pane(m), "waterfall") for m in model_names]
    picker = _picker(row_id, options, limit)
    if search is not None:
        picker = dbc.Row([dbc.Col(picker, lg=4), dbc.Col(search, lg=8)], className="g-4")
    return html.Div(
        [
            html.H2("Local explanations", className="page-title"),
            class_picker(class_names, class_name),
            *([scale] if scale is not None else []),
            dbc.Card(dbc.CardBody(picker), className="shadow-sm mb-4 picker-card"),
            chart_toggle(chart),
            html.Div(
                [axes_note(ids.WATERFALL_AXES_NOTE), html.Div(model_row(panes), className="mb-4")],
                id=ids.WATERFALL_PANES,
                style=HIDDEN if chart == FORCE else {},
            ),
            force_card(chart == FORCE),
            decision_card(model_names),
            *([whatif] if whatif is not None else []),
            similar_card(model_names),
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


def waterfall_body(
    prediction: str,
    method: str,
    figure: go.Figure,
    key_values: Sequence[str],
    summary: str = "",
    *,
    model: str | None = None,
    base_note: str = "",
) -> html.Div:
    """One model's pane for the chosen row: the prediction line, the method, the waterfall, its plain-language
    ``summary`` (for readers who will not read a waterfall), the key values. With ``model``: the waterfall is
    found by the page's shared-axis script and has its "own axis" switch; ``base_note`` says under it where
    the base value comes from (it differs between models)."""
    chart = graph(figure, "waterfall-graph", ids.per_model(ids.WATERFALL_GRAPH, model) if model else None)
    extra = [own_axis_switch(ids.WATERFALL_OWN_AXIS, model)] if model else []
    below = [axis_note(ids.WATERFALL_AXIS_NOTE, model)] if model else []
    return html.Div(
        [
            html.P(prediction, className="prediction"),
            html.P(method, className="method-label"),
            chart,
            *extra,
            *below,
            *([html.P(base_note, className="base-value-note figure-note")] if base_note else []),
            *([html.P(summary, className="narrative")] if summary else []),
            html.P(
                [html.Span("Key values: ", className="fw-semibold"), ", ".join(key_values)], className="key-values mb-0"
            ),
        ]
    )
