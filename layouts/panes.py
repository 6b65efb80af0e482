"""Pieces the pages share: graphs, a card per model headed in its colour, and a pane's waiting states."""

from __future__ import annotations

import re

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

#: A small toolbar, shown on hover: zoom and reset; assets/download.js adds "download as PNG" and "as SVG" to it.
GRAPH_CONFIG = {
    "displaylogo": False,
    "displayModeBar": "hover",
    "modeBarButtons": [["zoom2d", "resetScale2d"]],
}
#: The chart's name in a downloaded file when several models share it.
MODELS = "models"


def graph(
    figure: go.Figure | None,
    class_name: str,
    graph_id: str | dict | None = None,
    toolbar: bool = True,
    *,
    model: str = "",
) -> dcc.Graph:
    """A plotly graph with the portal's toolbar; ``class_name`` lets tests and CSS find it. Its downloads are named
    "<chart>-<model>" (the page's script puts the project in front): the chart from ``class_name``, the model
    given, else the one its ``graph_id`` names, else "models" for a chart several models share."""
    extra = {"id": graph_id} if graph_id else {}
    config = {**GRAPH_CONFIG, "toImageButtonOptions": image_options(class_name, graph_id, model)}
    return dcc.Graph(
        figure=figure if figure is not None else {},
        config=config if toolbar else {"displayModeBar": False},
        className=class_name,
        **extra,
    )


def image_options(class_name: str, graph_id: str | dict | None = None, model: str = "") -> dict:
    """Plotly's download options: PNG at twice the screen's resolution, named "<chart>-<model>" (slugged)."""
    chart = class_name.split()[0].removesuffix("-graph")
    whose = model or (graph_id.get("model") if isinstance(graph_id, dict) else "") or MODELS
    return {"format": "png", "scale": 2, "filename": f"{slug(chart)}-{slug(whose)}"}


def slug(text: str) -> str:
    """A file-name part: lower case, runs of anything but letters and digits as one dash."""
    return re.sub(r"[^a-z0-9]+", "-", str(text).lower()).strip("-") or "x"


def model_card(model: str, color: str, pane_id: dict | None, kind: str, body: object = None) -> dbc.Card:
    """A card for one model whose body a callback fills (found by ``pane_id``), or holding ``body`` already."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [html.Span(className="model-dot", style={"backgroundColor": color}), model],
                className="model-header",
                style={"borderTopColor": color},
            ),
            dbc.CardBody(
                waiting(model) if body is None else body,
                className=f"model-pane {kind}-pane",
                **({"id": pane_id} if pane_id else {}),
            ),
        ],
        className="h-100 shadow-sm",
    )


def model_row(cards: list, column_ids: list | None = None) -> dbc.Row:
    """Cards side by side: up to three in a row from 992 px (so a 1000 px window compares models side by side),
    one per row on a narrower one. ``column_ids``
    name each card's column, for a page that hides some (/global's model chooser)."""
    width = max(4, 12 // max(len(cards), 1))
    named = [{"id": i} for i in column_ids] if column_ids else [{} for _ in cards]
    return dbc.Row([dbc.Col(card, xs=12, lg=width, **extra) for card, extra in zip(cards, named)], className="g-3")


def waiting(model: str) -> html.Div:
    """What a pane shows until its model's explanation is ready (live progress is in the shell)."""
    return html.Div(
        [
            dbc.Spinner(size="sm", color="secondary", spinner_class_name="me-2"),
            f"{model}'s explanation is still being computed; it appears here when ready.",
        ],
        className="pane-waiting",
    )


def failed(error: str) -> dbc.Alert:
    """What a pane shows when its model's explanation job failed."""
    return dbc.Alert(
        [
            html.Strong("The explanation failed. "),
            html.Div(error or "No error message was recorded.", className="error-text"),
        ],
        color="danger",
        className="mb-0",
    )


def missing_row(row_id: str) -> dbc.Alert:
    """The selected row is not in this model's explanation."""
    return dbc.Alert(f"Row {row_id!r} is not in this model's explanation.", color="warning", className="mb-0")
