"""Overview (``/``): what the project is, and every model's held-out metrics side by side."""

from __future__ import annotations

from collections.abc import Mapping

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from layouts.panes import graph


def overview_page(summary: Mapping[str, object], metrics_figure: go.Figure, methods: html.Table) -> html.Div:
    """The summary facts on the left, the metrics table and how each model is explained on the right."""
    return html.Div(
        [
            html.H2("Overview", className="page-title"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card([dbc.CardHeader("Project"), dbc.CardBody(_facts(summary))], className="shadow-sm"),
                        xs=12,
                        lg=5,
                        xl=4,
                    ),
                    dbc.Col(
                        [
                            dbc.Card(
                                dbc.CardBody(graph(metrics_figure, "metrics-graph", toolbar=False)),
                                className="shadow-sm mb-3",
                            ),
                            dbc.Card(
                                [dbc.CardHeader("How each model is explained"), dbc.CardBody(methods)],
                                className="shadow-sm",
                            ),
                        ],
                        xs=12,
                        lg=7,
                        xl=8,
                    ),
                ],
                className="g-3",
            ),
        ]
    )


def methods_table(rows: list[tuple[str, str, str, str]]) -> dbc.Table:
    """(model, colour, method, output scale) rows; the model names in their colours."""
    head = html.Thead(html.Tr([html.Th("model"), html.Th("method"), html.Th("output scale")]))
    body = html.Tbody(
        [
            html.Tr(
                [html.Td(html.Span(model, style={"color": color}, className="fw-semibold")), html.Td(m), html.Td(s)]
            )
            for model, color, m, s in rows
        ]
    )
    return dbc.Table([head, body], size="sm", className="mb-0 methods-table", borderless=True)


def _facts(summary: Mapping[str, object]) -> html.Dl:
    items = []
    for key, value in summary.items():
        items += [html.Dt(key, className="col-sm-5"), html.Dd(_text(value), className="col-sm-7 text-break")]
    return html.Dl(items, className="row mb-0 summary")


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "–" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
