"""Performance (``/performance``): held-out curves of every model on shared axes."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.class_picker import class_picker
from layouts.panes import graph
from layouts.threshold import threshold_control

CLASSIFICATION_GRAPHS = ("roc", "precision-recall", "calibration", "lift")
REGRESSION_GRAPHS = ("predicted-actual", "residuals")


def performance_page(
    task: str,
    figures: dict,
    segments: Sequence[str] = (),
    class_names: Sequence[str] = (),
    class_name: str | None = None,
    threshold: float = 0.5,
) -> html.Div:
    """Classification: the four curves and a confusion chart under a threshold slider. Regression: predicted
    against actual, residuals, and error by a chosen segment."""
    title = html.H2("Performance on held-out rows", className="page-title")
    if task != "classification":
        segment = dcc.Dropdown(
            id=ids.SEGMENT_PICKER,
            options=[{"label": s, "value": s} for s in segments],
            value=segments[0] if segments else None,
            placeholder="choose a column",
        )
        return html.Div(
            [
                title,
                _grid([figures[name] for name in REGRESSION_GRAPHS], REGRESSION_GRAPHS),
                _card(
                    [
                        dbc.Label("Error by", html_for=ids.SEGMENT_PICKER),
                        segment,
                        graph(None, "segment-graph", ids.SEGMENT_GRAPH),
                    ]
                ),
            ]
        )
    slider = threshold_control(
        ids.THRESHOLD_SLIDER,
        ids.THRESHOLD_BOX,
        ids.THRESHOLD_NOTE,
        "Decision threshold: predict positive when the probability is at least",
        threshold,
        tooltip={"placement": "bottom", "always_visible": False},
    )
    return html.Div(
        [
            title,
            class_picker(class_names, class_name),
            _grid([figures.get(name) for name in CLASSIFICATION_GRAPHS], CLASSIFICATION_GRAPHS),
            _card(
                [
                    slider,
                    graph(None, "confusion-graph", ids.CONFUSION_GRAPH),
                ]
            ),
        ]
    )


def _grid(figures: list, names: Sequence[str]) -> dbc.Row:
    cells = [
        dbc.Col(_card([graph(f, f"{name}-graph", ids.performance_graph(name))]), lg=6)
        for f, name in zip(figures, names)
    ]
    return dbc.Row(cells, className="g-4 mb-4")


def _card(children: list) -> dbc.Card:
    return dbc.Card(dbc.CardBody(children), className="shadow-sm h-100")
