"""/global's stacked force plot card: which model (and, optionally, a second beside it), how the rows are ordered,
and the panes a callback fills with one stacked force plot per model."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.local_charts import drawing
from portal.analyses import BY_PREDICTION, BY_SIMILARITY

ORDER_LABELS = {BY_SIMILARITY: "Similarity of their explanations", BY_PREDICTION: "Prediction"}
NONE_BESIDE = "none (one model)"


def order_options(feature_names: Sequence[str]) -> list[dict[str, str]]:
    """Similarity, prediction, then each feature by name ("Value of tenure")."""
    own = [{"label": label, "value": key} for key, label in ORDER_LABELS.items()]
    return own + [{"label": f"Value of {name}", "value": name} for name in feature_names]


def _picker(component_id: str, label: str, dropdown: dcc.Dropdown) -> html.Div:
    return html.Div(
        [html.Label(label, htmlFor=component_id, className="form-label small fw-semibold mb-1"), dropdown],
        className="stacked-picker",
        style={"minWidth": "14rem"},
    )


def stacked_card(model_names: Sequence[str], feature_names: Sequence[str]) -> dbc.Card:
    """The card: its explanation, the three pickers, the panes and a note."""
    first = model_names[0] if model_names else None
    model = dcc.Dropdown(id=ids.STACKED_MODEL, options=list(model_names), value=first, clearable=False)
    beside = dcc.Dropdown(id=ids.STACKED_BESIDE, options=list(model_names), value=None, placeholder=NONE_BESIDE)
    order = dcc.Dropdown(
        id=ids.STACKED_ORDER, options=order_options(feature_names), value=BY_SIMILARITY, clearable=False
    )
    pickers = [
        _picker(ids.STACKED_MODEL, "Model", model),
        _picker(ids.STACKED_BESIDE, "Beside it", beside),
        _picker(ids.STACKED_ORDER, "Order the rows by", order),
    ]
    body = [
        html.H4("Many rows at once: the stacked force plot", className="card-title"),
        html.P(
            "Each column is one row's force plot turned upright: the black line is its prediction, the red features "
            "below it pushed the output up to it, the blue ones above pushed it down. Rows explained alike sit "
            "together; hover a column for the row's top reasons, click it to open the row.",
            className="text-muted",
        ),
        html.Div(pickers, className="d-flex flex-wrap gap-3 align-items-end mb-3"),
        drawing(ids.STACKED_PANES, "stacked force plot"),
        html.P(id=ids.STACKED_NOTE, className="figure-note mb-0", **{"aria-live": "polite"}),
    ]
    return dbc.Card(dbc.CardBody(body), className="shadow-sm mt-4 mb-4 stacked-card")
