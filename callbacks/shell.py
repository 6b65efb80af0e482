"""Routing (URL -> page) and progress polling (interval -> progress bars and the ready store)."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import Input, Output, State

from callbacks import global_page, local, overview
from layouts import ids
from layouts.shell import not_found, progress_area
from portal.figures import model_colors
from portal.services import PortalServices

ROUTES = {"/": overview.page, "/global": global_page.page, "/local": local.page}
FINISHED = ("done", "failed")


def render_page(services: PortalServices, pathname: str | None, search: str | None):
    """The page for ``pathname``; the query string (``?id=...``) is handed to the page as a dict."""
    build = ROUTES.get((pathname or "/").rstrip("/") or "/")
    if build is None:
        return not_found(pathname or "")
    return build(services, parse_qs((search or "").lstrip("?")))


def poll_progress(services: PortalServices, ready_before: list[str] | None):
    """Progress bars, the names of ready models (unchanged -> no update), and whether to stop polling."""
    progress = [services.progress(m) for m in services.model_names]
    ready = [p.model_name for p in progress if p.state == "done"]
    bars = progress_area(progress, model_colors(services.model_names))
    stop = all(p.state in FINISHED for p in progress)
    return bars, (dash.no_update if ready == (ready_before or []) else ready), stop


def sample_levels(services: PortalServices, levels_before: dict | None):
    """For each model still computing with rows already done: which quarter of its rows is done.

    Pages redraw a model's global views from its rows so far when this changes: first as soon as one
    chunk (a random sample) lands, then at each quarter, so the browser is not redrawn every second.
    """
    levels = {}
    for model in services.model_names:
        p = services.progress(model)
        if p.state != "done" and p.done > 0:
            levels[model] = int(4 * p.fraction)
    return dash.no_update if levels == (levels_before or {}) else levels


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(Output(ids.PAGE, "children"), Input(ids.URL, "pathname"), State(ids.URL, "search"))
    def _route(pathname, search):
        return render_page(services, pathname, search)

    @app.callback(
        Output(ids.PROGRESS_AREA, "children"),
        Output(ids.READY_MODELS, "data"),
        Output(ids.PROGRESS_POLL, "disabled"),
        Input(ids.PROGRESS_POLL, "n_intervals"),
        State(ids.READY_MODELS, "data"),
    )
    def _poll(_n_intervals, ready_before):
        return poll_progress(services, ready_before)

    @app.callback(
        Output(ids.SAMPLED_MODELS, "data"),
        Input(ids.PROGRESS_POLL, "n_intervals"),
        State(ids.SAMPLED_MODELS, "data"),
    )
    def _sample_levels(_n_intervals, levels_before):
        return sample_levels(services, levels_before)
