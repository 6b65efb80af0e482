"""The agreement card on /global: how far every pair of models agrees on what matters, and where they differ most."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.panes import graph
from portal.analyses import RankDifference
from portal.figures import STATISTICS

DEFAULT_K = 5
MAX_K = 50  # clipped to the number of features when computed


def agreement_card(k: int = DEFAULT_K) -> dbc.Card:
    """Statistic and k pickers (``k`` chosen), the heatmap, and the table of biggest rank differences (filled by
    callbacks)."""
    statistic = dbc.RadioItems(
        id=ids.AGREEMENT_STATISTIC,
        value="spearman",
        inline=True,
        options=[{"label": label.format(k="k"), "value": key} for key, label in STATISTICS.items()],
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-secondary btn-sm",
        labelCheckedClassName="active",
    )
    top_k = dcc.Input(
        id=ids.AGREEMENT_K,
        type="number",
        min=1,
        max=MAX_K,
        step=1,
        value=k,
        className="form-control form-control-sm k-input",
    )
    controls = html.Div(
        [
            statistic,
            html.Div(
                [dbc.Label("top k", html_for=ids.AGREEMENT_K, className="me-2 mb-0 text-nowrap"), top_k],
                className="d-flex align-items-center ms-3",
            ),
        ],
        className="d-flex flex-wrap align-items-center mb-2",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("Do the models agree on what matters?", className="card-title"),
                controls,
                dbc.Row(
                    [
                        dbc.Col(graph(None, "agreement-graph", ids.AGREEMENT_GRAPH), lg=6),
                        dbc.Col(html.Div(id=ids.RANK_DIFFERENCES), lg=6),
                    ],
                    className="g-3",
                ),
                html.Div(id=ids.AGREEMENT_NOTE, className="figure-note"),
            ]
        ),
        className="shadow-sm mb-4",
    )


def rank_difference_table(differences: Sequence[RankDifference], colors: Mapping[str, str]) -> html.Div:
    """Features whose importance rank moves most between models: rank per model (1 = most important)."""
    if not differences:
        return html.P("Rank differences appear when two models are ready.", className="text-muted")
    models = list(differences[0].ranks)
    head = html.Thead(
        html.Tr(
            [html.Th("feature")]
            + [html.Th([html.Span(className="model-dot", style={"backgroundColor": colors[m]}), m]) for m in models]
            + [html.Th("spread")]
        )
    )
    body = html.Tbody(
        [
            html.Tr([html.Td(d.feature)] + [html.Td(d.ranks[m]) for m in models] + [html.Td(d.spread)])
            for d in differences
        ]
    )
    return html.Div(
        [
            html.H5("Biggest differences in rank", className="mt-2"),
            dbc.Table([head, body], size="sm", hover=True, className="rank-table"),
        ]
    )
