"""Interactions (``/interactions``): which features a tree model uses together, on a sample, on demand."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
from layouts.panes import graph
from portal.figures import InteractionPair

INTRO = (
    "A SHAP interaction value is the part of a prediction that two features make together, beyond what each "
    "does alone. They are exact for tree models but cost about as many times the model's SHAP values as it has "
    "columns, so they are computed on a seeded sample of rows when you ask. Results are kept: the same request "
    "later is instant."
)
START_HINT = "Choose a model and a sample size, then press Compute."
HIDDEN, SHOWN = {"display": "none"}, {}


def interactions_page(
    support: Mapping[str, str], sizes: Sequence[int], size: int, class_names: Sequence[str] = ()
) -> html.Div:
    """The controls (model, sample size, class), the progress line, the unavailable models' reasons, the result."""
    return html.Div(
        [
            html.H2("Feature interactions", className="page-title"),
            html.P(INTRO, className="text-muted"),
            dbc.Card(
                dbc.CardBody([_controls(support, sizes, size, class_names), _running(), _unavailable(support)]),
                className="shadow-sm mb-4",
            ),
            html.Div(hint(START_HINT), id=ids.INTERACTION_RESULT),
        ]
    )


def _controls(support: Mapping[str, str], sizes: Sequence[int], size: int, class_names: Sequence[str]) -> dbc.Row:
    """Model (the ones without interaction values listed but disabled), sample size, class, the two buttons."""
    models = [
        {"label": f"{m} (not available)" if why else m, "value": m, "disabled": bool(why)} for m, why in support.items()
    ]
    first = next((m for m, why in support.items() if not why), None)
    model = dcc.Dropdown(id=ids.INTERACTION_MODEL, options=models, value=first, clearable=False)
    classes = [{"label": c, "value": c} for c in class_names]
    picker = dcc.Dropdown(id=ids.INTERACTION_CLASS, options=classes, placeholder="average over classes")
    buttons = [
        dbc.Button("Compute", id=ids.INTERACTION_COMPUTE, color="primary", disabled=first is None, className="me-2"),
        dbc.Button("Cancel", id=ids.INTERACTION_CANCEL, color="secondary", outline=True, disabled=True),
    ]
    columns = [
        dbc.Col(_labelled("Model", model, ids.INTERACTION_MODEL), md=3),
        dbc.Col(_labelled("Rows in the sample", _size_picker(sizes, size), ids.INTERACTION_ROWS), md="auto"),
        dbc.Col(_labelled("Class", picker, ids.INTERACTION_CLASS), md=2, style={} if class_names else HIDDEN),
        dbc.Col(html.Div(buttons), md="auto"),
    ]
    return dbc.Row(columns, className="g-3 mb-2 align-items-end")


def _size_picker(sizes: Sequence[int], size: int) -> html.Div:
    radio = dbc.RadioItems(
        id=ids.INTERACTION_ROWS,
        options=[{"label": f"{s:,}", "value": s} for s in sizes],
        value=size,
        inline=True,
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-secondary btn-sm",
        labelCheckedClassName="active",
    )
    return html.Div(radio, className="mode-toggle mb-0")


def _running() -> html.Div:
    """The progress bar and its words; the background callback shows it while it runs."""
    return html.Div(
        [
            dbc.Progress(id=ids.INTERACTION_BAR, value=0, striped=True, animated=True, className="progress-track"),
            html.Span(id=ids.INTERACTION_STATUS, className="progress-text"),
        ],
        id=ids.INTERACTION_RUNNING,
        className="progress-line mt-2",
        style=HIDDEN,
    )


def _unavailable(support: Mapping[str, str]) -> html.Ul:
    """One line per model that cannot have interaction values, saying why."""
    lines = [html.Li([html.Strong(f"{model}: "), why]) for model, why in support.items() if why]
    return html.Ul(lines, className="interaction-why-not small text-muted mt-2 mb-0")


def _labelled(label: str, control, for_id: str) -> html.Div:
    return html.Div([dbc.Label(label, html_for=for_id, className="small text-muted mb-1"), control])


def interaction_result(figure: go.Figure, pairs: Sequence[InteractionPair], caption: str, model: str = "") -> dbc.Row:
    """The heatmap (of ``model``'s interactions) beside the ranked table of the strongest pairs."""
    table = html.Div(
        [
            html.H4("Strongest pairs", className="section-title"),
            html.P(f"Mean |interaction| in {caption}. Share: of all pairs' interaction.", className="figure-note"),
            pairs_table(pairs),
        ]
    )
    chart = graph(figure, "interaction-graph", model=model)
    return dbc.Row(
        [
            dbc.Col(dbc.Card(dbc.CardBody(chart), className="shadow-sm"), xl=7),
            dbc.Col(dbc.Card(dbc.CardBody(table), className="shadow-sm"), xl=5),
        ],
        className="g-3",
    )


def pairs_table(pairs: Sequence[InteractionPair]) -> dbc.Table:
    """Rank, the two features, mean |interaction| and its share of all pairs' interaction."""
    head = html.Thead(html.Tr([html.Th("#"), html.Th("Features"), html.Th("Mean |interaction|"), html.Th("Share")]))
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(rank),
                    html.Td(f"{p.first} × {p.second}"),
                    html.Td(f"{p.mean_abs:.4g}", className="text-end"),
                    html.Td(f"{p.share:.1%}", className="text-end"),
                ]
            )
            for rank, p in enumerate(pairs, start=1)
        ]
    )
    return dbc.Table([head, body], size="sm", hover=True, className="interaction-pairs mb-0")


def hint(text: str) -> html.Div:
    return html.Div(text, className="pane-waiting")


def failed(model: str, error: str) -> dbc.Alert:
    """What the result area shows when a model cannot be computed."""
    return dbc.Alert([html.Strong(f"No interaction values for {model}. "), error], color="warning", className="mb-0")
