"""Feature (``/feature``): one feature's dependence in every model, side by side on the same rows."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.class_picker import class_picker
from layouts.panes import graph

#: The EBM's curve is its own: on other models' panels it is only a dashed, labelled reference.
SHAPE_LABEL = "Draw the EBM's shape function (on its panel; dashed reference on the others)"


def feature_page(
    feature_names: Sequence[str],
    feature: str,
    colour_by: str | None,
    has_shape: bool,
    class_names: Sequence[str] = (),
    colour_names: Sequence[str] = (),
    class_name: str | None = None,
) -> html.Div:
    """Pickers for the feature and the colouring (a feature, or a protected attribute's groups: ``colour_names``,
    the features when empty), the EBM overlay switch, then the panels."""
    options = [{"label": name, "value": name} for name in feature_names]
    colour_options = [{"label": name, "value": name} for name in colour_names] or options
    controls = dbc.Row(
        [
            dbc.Col(
                _labelled(
                    "Feature", dcc.Dropdown(id=ids.FEATURE_PICKER, options=options, value=feature, clearable=False)
                ),
                md=4,
            ),
            dbc.Col(
                _labelled(
                    "Colour by",
                    dcc.Dropdown(
                        id=ids.COLOUR_PICKER, options=colour_options, value=colour_by, placeholder="no colouring"
                    ),
                ),
                md=4,
            ),
            dbc.Col(
                dbc.Checklist(
                    id=ids.SHAPE_TOGGLE,
                    options=[{"label": SHAPE_LABEL, "value": "shape", "disabled": not has_shape}],
                    value=["shape"] if has_shape else [],
                    switch=True,
                    className="mt-4",
                ),
                md=4,
            ),
        ],
        className="g-3 mb-2",
    )
    return html.Div(
        [
            html.H2("How each model uses a feature", className="page-title"),
            class_picker(class_names, class_name),
            html.P(
                "Each dot is one row: the feature's value and how far it pushed that model's output. The same rows "
                "are drawn in every panel, so where the dots differ the models learnt different things.",
                className="text-muted",
            ),
            dbc.Card(
                dbc.CardBody(
                    [
                        controls,
                        graph(None, "dependence-graph", ids.DEPENDENCE_GRAPH),
                        html.Div(id=ids.DEPENDENCE_NOTE, className="figure-note"),
                    ]
                ),
                className="shadow-sm mb-4",
            ),
        ]
    )


def _labelled(label: str, control) -> html.Div:
    return html.Div([dbc.Label(label, html_for=control.id, className="small text-muted mb-1"), control])
