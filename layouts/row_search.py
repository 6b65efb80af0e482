"""The row search on /local: pick a column and type a value or range, or write filters; links to the matches."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.row_links import row_href, row_link
from portal.analyses import RowMatches

SEARCH_KEY, SEARCH_COLUMN_KEY = "search", "search-column"  # where a row link keeps the search in the URL
HOW_TO = (
    "Write column op value (= != < > <= >=, or 'in a|b'), joined by ';'. "
    "With a column chosen, a value or a range such as 2..12 is enough. Enter searches."
)


def row_search(columns: Sequence[str], text: str = "", column: str | None = None) -> html.Div:
    """The column chooser, the search box and its button, and the results (filled by a callback)."""
    chooser = dcc.Dropdown(
        id=ids.ROW_SEARCH_COLUMN,
        options=list(columns),
        value=column if column in columns else None,
        placeholder="Column (optional)",
        clearable=True,
    )
    box = dbc.InputGroup(
        [
            dbc.Input(
                id=ids.ROW_SEARCH_TEXT,
                type="search",
                value=text,
                debounce=True,
                placeholder="e.g. tenure < 12; contract = Month-to-month",
                autocomplete="off",
            ),
            dbc.Button("Find", id=ids.ROW_SEARCH_BUTTON, color="secondary", outline=True),
        ],
        size="sm",
    )
    return html.Div(
        [
            dbc.Label("Find rows by any column", html_for=ids.ROW_SEARCH_TEXT, className="fw-semibold"),
            dbc.Row([dbc.Col(chooser, md=4), dbc.Col(box, md=8)], className="g-2 align-items-center"),
            dbc.FormText(HOW_TO),
            html.Div(id=ids.ROW_SEARCH_RESULTS, className="row-search-results mt-2", role="status"),
        ]
    )


def search_results(found: RowMatches, search: str | None, text: str, column: str | None) -> html.Div:
    """'First 50 of 812 rows where ...' and a table of links to them, with the searched columns' values.

    Each link keeps the search in the URL (``search``, ``search-column``), so the list is back after the
    page reloads on the chosen row.
    """
    if not found.total:
        return html.P(_no_match(found), className="figure-note mb-0")
    shown = len(found.row_ids)
    count = f"First {shown} of {found.total:,} rows" if found.capped else f"{found.total:,} row" + "s" * (shown > 1)
    head = html.Thead(html.Tr([html.Th("row"), *(html.Th(c) for c in found.columns)]))
    settings = {SEARCH_KEY: text, SEARCH_COLUMN_KEY: column}
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(row_link(r, row_href(search, r, settings), "search-match")),
                    *(html.Td(_value(v)) for v in values),
                ]
            )
            for r, values in zip(found.row_ids, found.values)
        ]
    )
    return html.Div(
        [
            html.P(f"{count} where {found.query}. Choose one to show it.", className="figure-note mb-1"),
            html.Div(dbc.Table([head, body], size="sm", hover=True, className="mb-0"), className="match-table"),
        ]
    )


def search_error(message: str) -> html.P:
    return html.P(message, className="error-text text-danger mb-0")


def _no_match(found: RowMatches) -> str:
    """'No row matches contract = one year — contract has no category 'one year'; did you mean 'One year'?'"""
    text = f"No row matches {found.query}" + (f" — {found.hint}" if found.hint else "")
    return text if text.endswith("?") else text + "."


def _value(value: object) -> str:
    if value is None:
        return "missing"
    return f"{value:.4g}" if isinstance(value, float) else str(value)
