"""The disagreement card on /local: the rows where the models disagree most, each one click from its waterfalls."""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from portal.analyses import DisagreementTable
from portal.figures import scale_label

ORDER_LABELS = {"prediction": "Most different predictions", "reasons": "Most different reasons"}


def disagreement_card() -> dbc.Card:
    """The ordering toggle and the table (filled by a callback)."""
    order = dbc.RadioItems(
        id=ids.DISAGREEMENT_ORDER,
        value="prediction",
        inline=True,
        options=[{"label": label, "value": key} for key, label in ORDER_LABELS.items()],
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-secondary btn-sm",
        labelCheckedClassName="active",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("Where the models disagree", className="card-title"),
                html.P(
                    "Rows ranked by how far apart the models' predictions are, or by whether they give different "
                    "top reasons and push the same feature in opposite directions. Choose a row to see its waterfalls.",
                    className="text-muted",
                ),
                order,
                html.Div(id=ids.DISAGREEMENT_TABLE, className="mt-2 disagreement-table"),
            ]
        ),
        className="shadow-sm mb-4",
    )


def disagreement_table(table: DisagreementTable, colors: Mapping[str, str], note: str = "") -> html.Div:
    """Each row: a button with its id, every model's prediction and top reason, the spread and sign conflicts."""
    models = table.model_names
    head = html.Thead(
        html.Tr(
            [html.Th("row")]
            + [html.Th([html.Span(className="model-dot", style={"backgroundColor": colors[m]}), m]) for m in models]
            + [
                html.Th(f"spread ({scale_label(table.output_scale)})"),
                html.Th("top reasons"),
                html.Th("sign conflicts"),
            ]
        )
    )
    body = []
    for r, row_id in enumerate(table.row_ids):
        cells = [
            html.Td(
                html.A(  # a plain link, reloading /local on the row: no callback chain into the row picker
                    str(row_id),
                    href="/local?" + urlencode({"id": str(row_id)}),
                    className="disagreement-row",
                    title=f"Show the waterfalls of {row_id}",
                )
            )
        ]
        cells += [
            html.Td([f"{table.outputs[r, m]:.3f} ", html.Span(table.top_features[r, m], className="text-muted small")])
            for m in range(len(models))
        ]
        cells += [
            html.Td(f"{table.prediction_spread[r]:.3f}"),
            html.Td("differ" if table.top_reasons_differ[r] else "agree"),
            html.Td(int(table.sign_conflicts[r])),
        ]
        body.append(html.Tr(cells))
    caption = f"Top {len(table.row_ids)} of {table.rows_compared:,} rows every model has explained." + (
        f" {note}" if note else ""
    )
    return html.Div(
        [
            dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True),
            html.P(caption, className="figure-note"),
        ]
    )
