"""/local's other views of a row: the "Waterfall | Force" toggle, the force card (every model's force bar on one
axis) and the decision plot card (the models on this row, or up to 50 rows of one model)."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids

WATERFALL, FORCE = "waterfall", "force"
CHART_LABELS = {WATERFALL: "Waterfall", FORCE: "Force"}
MODELS, COHORT, DISAGREEMENT = "models", "cohort", "disagreement"
MODE_LABELS = {
    MODELS: "The models on this row",
    COHORT: "One model: the first 50 rows",
    DISAGREEMENT: "One model: the rows the models disagree on most",
}
HIDDEN = {"display": "none"}
DRAWING = "The {chart} is being drawn…"


def _buttons(component_id: str, labels: dict[str, str], value: str, label_class: str) -> dbc.RadioItems:
    """Real radio inputs drawn as a button group (Tab to it, arrow keys to choose)."""
    return dbc.RadioItems(
        id=component_id,
        value=value,
        inline=True,
        options=[{"label": label, "value": key} for key, label in labels.items()],
        className="btn-group",
        inputClassName="btn-check",
        labelClassName=f"btn {label_class} btn-sm",
        labelCheckedClassName="active",
    )


def drawing(container_id: str, chart: str) -> html.Div:
    """Where a callback puts its chart (a :func:`layouts.panes.graph`); until then one line says it is being
    drawn, so the page shows no empty axes."""
    return html.Div(html.P(DRAWING.format(chart=chart), className="pane-waiting text-muted mb-0"), id=container_id)


def chart_toggle(value: str | None) -> html.Div:
    """The chart the panes show: each model's waterfall (the default) or every model's force bar on one axis."""
    chosen = value if value in CHART_LABELS else WATERFALL
    return html.Div(
        [
            html.Span("Chart", className="fw-semibold me-2", id=f"{ids.LOCAL_CHART}-label"),
            _buttons(ids.LOCAL_CHART, CHART_LABELS, chosen, "btn-outline-primary"),
        ],
        className="chart-toggle mb-3 d-flex align-items-center",
        role="radiogroup",
        **{"aria-labelledby": f"{ids.LOCAL_CHART}-label"},
    )


def force_card(shown: bool) -> dbc.Card:
    """Every model's force plot for the row, stacked on one axis (filled by a callback)."""
    body = [
        html.P(
            "Each bar runs from the base value to the prediction: red features push this row's output up, blue ones "
            "push it down, the longest next to the prediction. Hover a segment for its exact push.",
            className="text-muted small mb-2",
        ),
        drawing(ids.FORCE_GRAPH, "force plot"),
        html.P(id=ids.FORCE_NOTE, className="figure-note mb-0", **{"aria-live": "polite"}),
    ]
    return dbc.Card(dbc.CardBody(body), id=ids.FORCE_CARD, className="shadow-sm mb-4", style={} if shown else HIDDEN)


def decision_card(model_names: Sequence[str]) -> dbc.Card:
    """The decision plot: its mode, the model picker of the rows modes, the graph and a note."""
    picker = dcc.Dropdown(
        id=ids.DECISION_MODEL,
        options=list(model_names),
        value=model_names[0] if model_names else None,
        clearable=False,
        style={"minWidth": "14rem"},
    )
    body = [
        html.H4("Decision plot", className="card-title"),
        html.P(
            "Each line climbs from its base value (bottom) through one feature's contribution at a time to its "
            "prediction (top); the features are ordered by their |contribution| summed over the models, the largest "
            "on top. Where the models' lines part is where they read the row differently.",
            className="text-muted",
        ),
        html.Div(
            [
                _buttons(ids.DECISION_MODE, MODE_LABELS, MODELS, "btn-outline-secondary"),
                html.Div(picker, id=f"{ids.DECISION_MODEL}-box", style=HIDDEN, className="decision-model"),
            ],
            className="d-flex flex-wrap gap-3 align-items-center mb-2",
        ),
        drawing(ids.DECISION_GRAPH, "decision plot"),
        html.P(id=ids.DECISION_NOTE, className="figure-note mb-0", **{"aria-live": "polite"}),
    ]
    return dbc.Card(dbc.CardBody(body), className="shadow-sm mb-4")
