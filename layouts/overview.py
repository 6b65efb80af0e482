"""Overview (``/``): what the project is, and every model's held-out metrics side by side."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import dash_bootstrap_components as dbc
import plotly.graph_objects as go
from dash import dcc, html

from layouts import ids
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
                        [
                            dbc.Card([dbc.CardHeader("Project"), dbc.CardBody(_facts(facts))], className="shadow-sm"),
                            report_card(),
                        ],
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


HIDDEN, SHOWN = {"display": "none"}, {}
REPORT_FORMATS = (("HTML", "html"), ("PDF", "pdf"))
REPORT_WORDS = (
    "Every model side by side in one self-contained file, for the record: the same file as ",
    html.Code("python -m portal report"),
    ". It waits for the explanations still running.",
)


def report_card() -> dbc.Card:
    """The "Download report" card: the format, the button and its cancel, the progress line, the outcome line."""
    choice = dbc.RadioItems(
        id=ids.REPORT_FORMAT,
        options=[{"label": label, "value": value} for label, value in REPORT_FORMATS],
        value="html",
        inline=True,
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-secondary btn-sm",
        labelCheckedClassName="active",
    )
    running = html.Div(
        [
            dbc.Progress(id=ids.REPORT_BAR, value=0, striped=True, animated=True, className="progress-track"),
            html.Span(id=ids.REPORT_STATUS, className="progress-text"),
        ],
        id=ids.REPORT_RUNNING,
        className="progress-line mt-2",
        style=HIDDEN,
    )
    buttons = html.Div(
        [
            html.Div(choice, className="mode-toggle mb-0 me-2", title="the file's format"),
            dbc.Button("Download report", id=ids.REPORT_BUTTON, color="primary", size="sm", className="me-2"),
            dbc.Button("Cancel", id=ids.REPORT_CANCEL, color="secondary", outline=True, size="sm", disabled=True),
        ],
        className="d-flex flex-wrap align-items-center gap-1",
    )
    body = [
        html.P(list(REPORT_WORDS), className="small text-muted mb-2"),
        buttons,
        running,
        html.Div(id=ids.REPORT_NOTE, className="report-note small mt-2"),
        dcc.Download(id=ids.REPORT_DOWNLOAD),
    ]
    return dbc.Card([dbc.CardHeader("Report"), dbc.CardBody(body)], className="shadow-sm mt-3 report-card")


def report_written(name: str, size_bytes: int, figures: int, seconds: float, skipped: Sequence[tuple[str, str]]):
    """The outcome line once the file is handed over, and each section left out with why."""
    lines = [html.Div(f"{name}: {_size(size_bytes)}, {figures} figures, written in {seconds:.0f} s.")]
    lines += [html.Div(f"No {section} section: {why}", className="text-muted") for section, why in skipped]
    return html.Div(lines, className="report-written")


def report_failed(error: str) -> dbc.Alert:
    return dbc.Alert([html.Strong("No report. "), error], color="warning", className="mb-0 py-2 small")


def _size(size_bytes: int) -> str:
    return f"{size_bytes / 1e6:.1f} MB" if size_bytes >= 100_000 else f"{max(1, round(size_bytes / 1e3))} kB"


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
