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
from portal.results import JobProgress

PAGES = (("Overview", "/"), ("Global", "/global"), ("Local", "/local"))
POLL_MS = 1_000
STATE_WORDS = {"pending": "waiting to start", "running": "computing"}


def shell(title: str) -> html.Div:
    """The app's whole layout; the routing callback fills ``PAGE``."""
    return html.Div(
        [
            dcc.Location(id=ids.URL, refresh=False),
            dcc.Store(id=ids.READY_MODELS, data=[]),
            dcc.Store(id=ids.SAMPLED_MODELS, data={}),
            dcc.Interval(id=ids.PROGRESS_POLL, interval=POLL_MS),
            _navbar(title),
            dbc.Container(
                [html.Div(id=ids.PROGRESS_AREA, className="progress-area"), html.Main(id=ids.PAGE)],
                fluid="xxl",
                className="pb-5",
            ),
        ]
    )


def _navbar(title: str) -> dbc.Navbar:
    links = [dbc.NavItem(dbc.NavLink(label, href=href, active="exact")) for label, href in PAGES]
    return dbc.Navbar(
        dbc.Container(
            [dbc.NavbarBrand(title, href="/"), dbc.Nav(links, navbar=True, className="ms-auto")], fluid="xxl"
        ),
        color="dark",
        dark=True,
        className="mb-3",
    )


def progress_area(progress: Sequence[JobProgress], colors: Mapping[str, str]) -> list:
    """A bar per model still computing and an alert per failed model; nothing once all are ready."""
    return [_failed(p) if p.state == "failed" else _bar(p, colors[p.model_name]) for p in progress if p.state != "done"]


def _bar(p: JobProgress, color: str) -> html.Div:
    words = STATE_WORDS.get(p.state, p.state)
    return html.Div(
        [
            html.Span(p.model_name, className="progress-model"),
            dbc.Progress(
                value=100 * p.fraction,
                color=color,
                striped=True,
                animated=p.state == "running",
                className="progress-track",
            ),
            html.Span(f"{words}: {p.done} of {p.total} chunks", className="progress-text"),
        ],
        className="progress-row",
    )


def _failed(p: JobProgress) -> dbc.Alert:
    return dbc.Alert(
        [
            html.Strong(f"{p.model_name}: the explanation failed after {p.done} of {p.total} chunks."),
            html.Div(p.error or "No error message was recorded.", className="error-text"),
        ],
        color="danger",
        className="py-2 mb-2",
    )


def not_found(pathname: str) -> dbc.Alert:
    """The page for an address the portal does not have."""
    links = [html.A(label, href=href, className="alert-link me-3") for label, href in PAGES]
    return dbc.Alert(
        [html.H4("No such page"), html.P(f"The portal has no page at {pathname!r}. Try:"), *links], color="warning"
    )
