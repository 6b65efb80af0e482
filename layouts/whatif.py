"""The what-if card on /local: an input per feature that fits it, and every model's answer to the edited row."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from portal.analyses import NUMBER, FeatureSpec


def whatif_card(specs: Sequence[FeatureSpec], values: Mapping[str, object]) -> dbc.Card:
    """Inputs filled with the chosen row's values (a callback resets them when the row changes)."""
    inputs = [dbc.Col(_input(spec, values.get(spec.name)), xs=12, sm=6, lg=3) for spec in specs]
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("What if…", className="card-title"),
                html.P(
                    "Change any feature of this row: every model predicts and explains the edited row at once, "
                    "beside the row as it is. Numbers may leave the data's range; categories are the data's own.",
                    className="text-muted",
                ),
                dbc.Row(inputs, className="g-2 mb-3 whatif-inputs"),
                dbc.Button(
                    "Reset to the row's values", id=ids.WHATIF_RESET, size="sm", color="secondary", outline=True
                ),
                html.Div(id=ids.WHATIF_ERROR, className="error-text text-danger mt-2"),
                html.Div(id=ids.WHATIF_RESULTS, className="mt-3"),
            ]
        ),
        className="shadow-sm mb-4 whatif-card",
    )


def _input(spec: FeatureSpec, value: object):
    input_id = ids.whatif_input(spec.name)
    text = spec.name
    if spec.kind == NUMBER and spec.minimum is not None and spec.maximum is not None:
        text += f" ({spec.minimum:g} to {spec.maximum:g} in the data)"
    label = dbc.Label(text, className="small text-muted mb-0")
    if spec.kind == NUMBER:
        control = dcc.Input(
            id=input_id,
            type="number",
            value=value,
            step=1 if spec.integer else "any",  # any decimals the data has are valid
            debounce=True,
            className="form-control form-control-sm",
            placeholder="missing",
        )
    else:
        control = dcc.Dropdown(
            id=input_id,
            options=[{"label": c, "value": c} for c in spec.categories],
            value=value,
            placeholder="missing",
            clearable=True,
            className="whatif-dropdown",
        )
    return html.Div([label, control])


def result_card(model: str, color: str, body) -> dbc.Card:
    """One model's what-if answer, headed in its colour like every per-model pane."""
    return dbc.Card(
        [
            dbc.CardHeader(
                [html.Span(className="model-dot", style={"backgroundColor": color}), model],
                className="model-header",
                style={"borderTopColor": color},
            ),
            dbc.CardBody(body, className="model-pane whatif-pane"),
        ],
        className="h-100 shadow-sm",
    )
