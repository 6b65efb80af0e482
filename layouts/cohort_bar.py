"""The cohort bar of /global, /local, /feature and /performance: write a cohort, apply it, read how many rows.

The applied cohort's text lives in a ``dcc.Store`` of the page (text only, never rows) and in the URL's
``?cohort=``, so a shared link opens on the same rows. A wrong text is named in red under the box and nothing
else changes: the page keeps drawing the last cohort that could be read.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from portal.analyses import MAX_TEXT

PLACEHOLDER = "everyone — or e.g. {example}"
STATUS, ERROR = "cohort-status small", "cohort-status small text-danger"
SYNTAX = (
    "Filters joined by ';', each 'column op value': op is < <= > >= = != for numbers, = or != for "
    "categories, or 'column in a|b|c' for several categories. Press Enter or Apply."
)


def cohort_bar(
    text: str, status: str, wrong: bool, columns: Sequence[str], notes: Sequence[str], example: str
) -> dbc.Card:
    """The input (``text`` as written, ``example`` a cohort in the project's own columns as its placeholder),
    Apply and Clear, the ``status`` line (red when ``wrong``) and the help: the grammar, what ``prediction:``
    and ``error:`` mean (``notes``) and every column one may filter on."""
    return dbc.Card(
        dbc.CardBody(
            [
                dbc.Label("Cohort", html_for=ids.COHORT_INPUT, className="fw-semibold mb-1"),
                dbc.InputGroup(
                    [
                        dbc.Input(
                            id=ids.COHORT_INPUT,
                            value=text,
                            placeholder=PLACEHOLDER.format(example=example),
                            type="text",
                            debounce=False,
                            autoComplete="off",
                            maxLength=MAX_TEXT,  # the server checks again: a request need not come from this box
                        ),
                        dbc.Button("Apply", id=ids.COHORT_APPLY, color="primary"),
                        dbc.Button("Clear", id=ids.COHORT_CLEAR, color="secondary", outline=True),
                    ],
                    size="sm",
                ),
                html.Div(status, id=ids.COHORT_STATUS, className=ERROR if wrong else STATUS, role="status"),
                _help(columns, notes),
            ],
            className="py-2",
        ),
        className="shadow-sm mb-3 cohort-bar",
    )


def cohort_store(text: str) -> dcc.Store:
    """The applied cohort's text ("" for everyone): what every chart of the page redraws on."""
    return dcc.Store(id=ids.COHORT, data=text)


def status_line(n_rows: int, total: int, text: str) -> str:
    """'Cohort: 812 of 7,043 rows' (with a hint when it is empty), or 'Everyone: 7,043 rows'."""
    if not text:
        return f"Everyone: {total:,} rows. Write a cohort to restrict every chart and compare it with everyone."
    line = f"Cohort: {n_rows:,} of {total:,} rows — charts show the cohort, compared with everyone."
    return line if n_rows else f"Cohort: 0 of {total:,} rows — no row matches; loosen a filter."


def _help(columns: Sequence[str], notes: Sequence[str]) -> html.Details:
    return html.Details(
        [
            html.Summary("How to write a cohort, and the columns you can use", className="small text-muted"),
            html.P(SYNTAX, className="small mb-1"),
            *[html.P(note, className="small mb-1") for note in notes],
            html.P([html.Span("Columns: ", className="fw-semibold"), *_chips(columns)], className="small mb-0"),
        ],
        className="cohort-help mt-1",
    )


def _chips(columns: Sequence[str]) -> list:
    return [html.Code(c, className="cohort-column me-2") for c in columns]
