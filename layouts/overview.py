"""Overview (``/``): what the project is, and every model's held-out metrics side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import html

from layouts.panes import graph
from portal.results import ProjectFacts, ProtectedColumn


def overview_page(facts: ProjectFacts, metrics_figure: go.Figure, methods: html.Table) -> html.Div:
    """The summary facts on the left, the metrics table and how each model is explained on the right."""
    return html.Div(
        [
            html.H2("Overview", className="page-title"),
            dbc.Row(
                [
                    dbc.Col(
                        dbc.Card([dbc.CardHeader("Project"), dbc.CardBody(_facts(facts))], className="shadow-sm"),
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


@dataclass(frozen=True)
class MethodRow:
    """One model's line in the methods table: its own method and scale, and how it is explained in probability.

    ``common`` is None when the project has no common scale (regression: one scale already), which drops the
    column; ``common_note`` is a second, quieter line under it (how to get exact values, or why it is the same).
    """

    model: str
    color: str  # the model's text colour (portal.figures.model_text_colors): its name is written in it
    method: str
    scale: str
    common: str | None = None
    common_note: str = ""


def methods_table(rows: Sequence[MethodRow]) -> dbc.Table:
    """The model names in their colours, each with its own method and scale, and its common-scale method."""
    common = any(row.common is not None for row in rows)
    names = ["model", "own method", "own scale"] + (["in probability (cross-model views)"] if common else [])
    head = html.Thead(html.Tr([html.Th(name) for name in names]))
    body = html.Tbody([html.Tr(_cells(row, common)) for row in rows])
    return dbc.Table([head, body], size="sm", className="mb-0 methods-table", borderless=True)


def _cells(row: MethodRow, common: bool) -> list[html.Td]:
    cells = [
        html.Td(html.Span(row.model, style={"color": row.color}, className="fw-semibold")),
        html.Td(row.method),
        html.Td(row.scale),
    ]
    if common:
        note = html.Div(row.common_note, className="small text-muted") if row.common_note else None
        cells.append(html.Td([html.Span(row.common or "–"), note], className="common-method"))
    return cells


def fact_rows(facts: ProjectFacts) -> list[tuple[str, object]]:
    """The overview's lines: each fact under its label, in reading order."""
    return [
        ("Title", facts.title),
        ("Source", facts.source),
        ("Target", facts.target),
        ("Task", facts.task),
        ("Positive class", facts.positive or "–"),
        ("Classes", ", ".join(facts.classes) or "–"),
        ("Rows", facts.rows),
        ("Held-out rows", facts.held_out_rows),
        ("Features", len(facts.features)),
        ("Protected", protected_text(facts.protected)),
        ("Data fingerprint", facts.data_fingerprint),
    ]


def protected_text(protected: Sequence[ProtectedColumn]) -> str:
    """Every protected column and whether the models see it: 'age (model input), marital (not a model input)'."""
    words = {True: "model input", False: "not a model input"}
    return ", ".join(f"{p.name} ({words[p.is_input]})" for p in protected) or "none"


def _facts(facts: ProjectFacts) -> html.Dl:
    items = []
    for key, value in fact_rows(facts):
        items += [html.Dt(key, className="col-sm-5"), html.Dd(_text(value), className="col-sm-7 text-break")]
    return html.Dl(items, className="row mb-0 summary")


def _text(value: object) -> str:
    if isinstance(value, bool) or value is None:
        return "–" if value is None else ("yes" if value else "no")
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)
