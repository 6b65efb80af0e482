"""The "similar rows" card on /local: on request, the rows whose explanations are nearest to this row's."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from layouts.row_links import row_href, row_link
from portal.analyses import SimilarRows
from portal.figures import scale_label

ALL_MODELS = "all models"  # the basis value that compares every ready model's explanation at once
EXPLAINED = (
    "Rows the models explain like this one: the same reasons with the same strength. "
    "Each model's contributions are divided by its typical row's total |contribution|, so models in "
    "log-odds and in probability weigh the same, and distances are in those units (Euclidean). "
    "Searched among every row of each model's own explanation."
)


def similar_card(model_names: Sequence[str]) -> dbc.Card:
    """Which explanations to compare (every model together, or one), the button, and the table."""
    basis = dbc.RadioItems(
        id=ids.SIMILAR_BASIS,
        value=ALL_MODELS,
        inline=True,
        options=[{"label": "All models together", "value": ALL_MODELS}]
        + [{"label": name, "value": name} for name in model_names],
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-secondary btn-sm",
        labelCheckedClassName="active",
    )
    return dbc.Card(
        dbc.CardBody(
            [
                html.H4("Rows explained like this one", className="card-title"),
                html.P(EXPLAINED, className="text-muted"),
                html.Div(
                    [basis, dbc.Button("Show similar rows", id=ids.SIMILAR_BUTTON, size="sm", className="ms-3")],
                    className="d-flex flex-wrap align-items-center gap-2",
                ),
                html.Div(id=ids.SIMILAR_RESULTS, className="mt-2 similar-table", role="status"),
            ]
        ),
        className="shadow-sm mb-4",
    )


def similar_table(found: SimilarRows, colors: Mapping[str, str], search: str | None, note: str = "") -> html.Div:
    """This row, then its neighbours nearest first: a link, the distance, and every model's prediction."""
    models = found.model_names
    head = html.Thead(
        html.Tr(
            [html.Th("row"), html.Th("distance")]
            + [_model_head(m, colors[m], s) for m, s in zip(models, found.output_scales)]
        )
    )
    this_row = html.Tr(
        [html.Td(html.Strong(f"{found.row_id} (this row)")), html.Td("–")]
        + [html.Td(f"{v:.3f}") for v in found.row_outputs],
        className="table-active",
    )
    body = [
        html.Tr(
            [html.Td(row_link(r, row_href(search, r), "similar-row")), html.Td(f"{d:.3f}")]
            + [html.Td(f"{v:.3f}") for v in outputs]
        )
        for r, d, outputs in zip(found.row_ids, found.distances, found.outputs)
    ]
    basis = "the contributions of " + _names(models)
    caption = f"The {len(found.row_ids)} nearest of {found.rows_searched:,} rows, by {basis}." + (
        f" {note}" if note else ""
    )
    return html.Div(
        [
            dbc.Table([head, html.Tbody([this_row, *body])], size="sm", hover=True, responsive=True),
            html.P(caption, className="figure-note"),
        ]
    )


def _model_head(model: str, color: str, scale: str) -> html.Th:
    dot = html.Span(className="model-dot", style={"backgroundColor": color})
    return html.Th([dot, f"{model} ({scale_label(scale)})"])


def _names(models: Sequence[str]) -> str:
    return models[0] if len(models) == 1 else ", ".join(models[:-1]) + " and " + models[-1]
