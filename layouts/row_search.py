"""The row search on /local: pick a column and type a value or range, or write filters; links to the matches."""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.row_links import row_href, row_link
from portal.analyses import DISAGREEMENT, MAX_TEXT, RowMatches

SEARCH_KEY, SEARCH_COLUMN_KEY = "search", "search-column"  # where a row link keeps the search in the URL
SEARCH_SORT_KEY = "search-sort"
HOW_TO = (
    "Write filters as a cohort is written: column op value (= != < > <= >=, or 'in a|b'), joined by ';', on any "
    "feature, the target, 'prediction: <model>' or 'error: <model>'. With a column chosen, a value or a range "
    "such as 2..12 is enough. Sort to list the highest first (an empty search then lists every row). Enter searches."
)


def row_search(
    columns: Sequence[str],
    text: str = "",
    column: str | None = None,
    *,
    sorts: Sequence[dict] = (),
    sort: str | None = None,
    example: str = "",
) -> html.Div:
    """The column chooser, the search box and its button, the sort chooser (``sorts``: its options) and the
    results (filled by a callback); ``example`` is a search in the project's own columns."""
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
                placeholder=f"e.g. {example}" if example else "column op value; …",
                autocomplete="off",
                maxLength=MAX_TEXT,  # the server checks again: a request need not come from this box
            ),
            dbc.Button("Find", id=ids.ROW_SEARCH_BUTTON, color="secondary", outline=True),
        ],
        size="sm",
    )
    return html.Div(
        [
            dbc.Label("Find rows by any column", html_for=ids.ROW_SEARCH_TEXT, className="fw-semibold"),
            dbc.Row(
                [dbc.Col(chooser, md=3), dbc.Col(box, md=6), dbc.Col(_sort_chooser(sorts, sort), md=3)],
                className="g-2 align-items-center",
            ),
            dbc.FormText(HOW_TO),
            html.Div(id=ids.ROW_SEARCH_RESULTS, className="row-search-results mt-2", role="status"),
        ]
    )


def sort_options(model_names: Sequence[str], numeric_predictions: bool) -> list[dict]:
    """The sort chooser's options: data order, then each model's prediction (when it is a number), the models'
    disagreement (two or more such models) and each model's error, highest first."""
    options = [{"label": "Data order", "value": ""}]
    if numeric_predictions:
        options += [{"label": f"Highest prediction: {m} first", "value": f"prediction: {m}"} for m in model_names]
        if len(model_names) > 1:
            options.append({"label": "Most disagreement between models first", "value": DISAGREEMENT})
    options += [{"label": f"Highest error: {m} first", "value": f"error: {m}"} for m in model_names]
    return options


def _sort_chooser(sorts: Sequence[dict], sort: str | None) -> dcc.Dropdown:
    values = [o["value"] for o in sorts]
    return dcc.Dropdown(
        id=ids.ROW_SEARCH_SORT,
        options=list(sorts),
        value=sort if sort in values else "",
        placeholder="Sort",
        clearable=False,
        searchable=False,
    )


def search_results(
    found: RowMatches, search: str | None, text: str, column: str | None, sort: str | None = None
) -> html.Div:
    """'First 50 of 812 rows where ...' and a table of links to them, with the searched columns' values.

    Each link keeps the search in the URL (``search``, ``search-column``), so the list is back after the
    page reloads on the chosen row.
    """
    if not found.total:
        return html.P(_no_match(found), className="figure-note mb-0")
    shown = len(found.row_ids)
    count = f"First {shown} of {found.total:,} rows" if found.capped else f"{found.total:,} row" + "s" * (shown > 1)
    head = html.Thead(html.Tr([html.Th("row"), *(html.Th(c) for c in found.columns)]))
    settings = {SEARCH_KEY: text, SEARCH_COLUMN_KEY: column, SEARCH_SORT_KEY: sort}
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
            html.P(f"{count}{_where(found)}. Choose one to show it.", className="figure-note mb-1"),
            html.Div(dbc.Table([head, body], size="sm", hover=True, className="mb-0"), className="match-table"),
        ]
    )


def _where(found: RowMatches) -> str:
    """' where tenure < 12, highest prediction: GB first' (no 'where' for every row)."""
    where = f" where {found.query}" if found.query else ""
    if found.sorted_by == DISAGREEMENT:
        return where + ", most disagreement between models first"
    return where + (f", highest {found.sorted_by} first" if found.sorted_by else "")


def search_error(message: str) -> html.P:
    return html.P(message, className="error-text text-danger mb-0")


def _no_match(found: RowMatches) -> str:
    """'No row matches contract = one year — contract has no category 'one year'; did you mean 'One year'?'"""
    return f"No row matches {found.query}; loosen a filter."


def _value(value: object) -> str:
    if value is None:
        return "missing"
    return f"{value:.4g}" if isinstance(value, float) else str(value)
