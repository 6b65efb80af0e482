"""The frame around every page: navbar, per-model progress area, URL, and the polling machinery.

``READY_MODELS`` (a store of model names, never arrays) and ``PROGRESS_POLL`` (an interval that is
switched off once every job has finished) live here, so job state is polled from the server whatever
page is open, and a page's panes fill in when their model's explanation arrives.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.panes import slug
from portal.results import JobProgress

PAGES = (
    ("Overview", "/"),
    ("Global", "/global"),
    ("Local", "/local"),
    ("Feature", "/feature"),
    ("Performance", "/performance"),
    ("Interactions", "/interactions"),
    ("Fairness", "/fairness"),
    ("Monitoring", "/monitoring"),
)
MONITORING = "/monitoring"  # in the navbar only for a project with a [monitoring] table
POLL_MS = 1_000
SKIP = "Skip to content"
STATE_WORDS = {
    "pending": "waiting to start",
    "queued": "queued",
    "running": "computing",
    "cancelling": "cancelling",
    "cancelled": "cancelled",
    "interrupted": "interrupted (the process computing it stopped)",
    "failed": "failed",
}
ACTIONS = {  # state -> (button label, tooltip)
    "cancelling": ("Cancelling…", "Waiting for the chunks in progress to finish"),
    "cancelled": ("Resume", "Continue from the chunks already computed"),
    "interrupted": ("Resume", "Continue from the chunks already computed"),
    "failed": ("Retry", "Start again from the chunks already computed"),
}
CANCEL = ("Cancel", "Stop after the chunks in progress; what is computed is kept")
HIDDEN, SHOWN = {"display": "none"}, {}


def shell(title: str, model_names: Sequence[str], colors: Mapping[str, str], monitored: bool = False) -> html.Div:
    """The app's whole layout; the routing callback fills ``PAGE``. ``monitored``: the navbar links /monitoring.
    The ``title``, slugged, is the first part of every downloaded figure's name (``data-project``)."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.READY_MODELS, data=[]),
            dcc.Store(id=ids.SAMPLED_MODELS, data={}),
            dcc.Store(id=ids.COMMON_LEVELS, data={}),
            dcc.Interval(id=ids.PROGRESS_POLL, interval=POLL_MS),
            skip_link(),
            _navbar(title, monitored),
            dbc.Container(
                [progress_area(model_names, colors), html.Main(id=ids.PAGE, tabIndex="-1")],
                fluid="xxl",
                className="pb-5",
            ),
        ],
        **{"data-project": slug(title)},  # assets/download.js names downloaded figures after the project
    )


def skip_link() -> html.A:
    """The "Skip to content" link: the first thing Tab reaches, hidden until it has the focus (assets/style.css), so a
    keyboard user can jump past the navigation and the progress rows to the page (which takes the focus)."""
    return html.A(SKIP, href=f"#{ids.PAGE}", id=ids.SKIP_LINK, className="skip-link")


def _navbar(title: str, monitored: bool = False) -> dbc.Navbar:
    """Every page's link; /monitoring's is kept but hidden in a project that is not monitored, so the links'
    callbacks see the same list in every project."""
    links = [
        dbc.NavItem(
            dbc.NavLink(label, href=href, active="exact", id=ids.nav_link(href)),
            className="d-none" if href == MONITORING and not monitored else None,
        )
        for label, href in PAGES
    ]
    return dbc.Navbar(
        dbc.Container(
            [dbc.NavbarBrand(title, href="/"), dbc.Nav(links, navbar=True, className="ms-auto")], fluid="xxl"
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )


def progress_area(model_names: Sequence[str], colors: Mapping[str, str]) -> html.Div:
    """One row per model, built once and hidden until its job reports; polling updates it in place.

    Updating properties (never replacing the rows) keeps the buttons under the user's pointer: a row
    rebuilt every second would swallow clicks.
    """
    return html.Div([_row(m, colors[m]) for m in model_names], id=ids.PROGRESS_AREA, className="progress-area")


def _row(model: str, color: str) -> html.Div:
    label, hint = CANCEL
    return html.Div(
        [
            html.Div(
                [
                    html.Span(model, className="progress-model"),
                    dbc.Progress(
                        id=ids.per_model(ids.PROGRESS_BAR, model),
                        value=0,
                        color=color,
                        striped=True,
                        animated=True,
                        className="progress-track",
                    ),
                    html.Span(id=ids.per_model(ids.PROGRESS_TEXT, model), className="progress-text"),
                    dbc.Button(
                        label,
                        id=ids.job_action(model),
                        title=hint,
                        size="sm",
                        color="secondary",
                        outline=True,
                        className="progress-action",
                    ),
                ],
                className="progress-line",
            ),
            html.Div(id=ids.per_model(ids.PROGRESS_ERROR, model), className="error-text text-danger"),
        ],
        id=ids.per_model(ids.PROGRESS_ROW, model),
        className="progress-row",
        style=HIDDEN,
    )


def row_state(p: JobProgress) -> dict[str, object]:
    """What a model's progress row shows for ``p``: visibility, bar, words, button, error."""
    label, hint = ACTIONS.get(p.state, CANCEL)
    words = f"{STATE_WORDS.get(p.state, p.state)}: {p.done} of {p.total} chunks"
    error = f"The explanation failed. {p.error or 'No error message was recorded.'}" if p.state == "failed" else ""
    if p.state in ("pending", "queued", "running"):
        error = p.error  # the line that said a damaged result was set aside and is being computed again
    return {
        "style": HIDDEN if p.state == "done" else SHOWN,
        "value": 100 * p.fraction,
        "animated": p.state == "running",
        "text": words,
        "label": label,
        "hint": hint,
        "error": error,
    }


def not_found(pathname: str) -> dbc.Alert:
    """The page for an address the portal does not have."""
    links = [html.A(label, href=href, className="alert-link me-3") for label, href in PAGES]
    return dbc.Alert(
        [html.H4("No such page"), html.P(f"The portal has no page at {pathname!r}. Try:"), *links], color="warning"
    )
