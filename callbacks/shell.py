"""Routing (URL -> page) and progress polling (interval -> progress bars and the ready store)."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import ALL, Input, Output, State

from callbacks import fairness, feature, global_page, interactions, local, monitoring, overview, performance
from callbacks._common import common_finished, common_levels, follow
from callbacks.cohort import PAGES_WITH_COHORTS, with_cohort_bar
from layouts import ids
from layouts.shell import not_found, row_state
from portal.web import ADMIN, VIEWER, PortalServices, Registrar

ROUTES = {
    "/": overview.page,
    "/global": global_page.page,
    "/local": local.page,
    "/feature": feature.page,
    "/performance": performance.page,
    "/interactions": interactions.page,
    "/fairness": fairness.page,
    "/monitoring": monitoring.page,
}
FINISHED = ("done", "failed", "cancelled")


def render_page(services: PortalServices, pathname: str | None, search: str | None):
    """The page for ``pathname``; the query string (``?id=...``) is handed to the page as a dict."""
    path = (pathname or "/").rstrip("/") or "/"
    build = ROUTES.get(path)
    if build is None:
        return not_found(pathname or "")
    query = parse_qs((search or "").lstrip("?"))
    layout = build(services, query)
    return with_cohort_bar(services, layout, query) if path in PAGES_WITH_COHORTS else layout


ROW_PROPERTIES = (  # (id kind, property, key of layouts.shell.row_state), in output order
    (ids.PROGRESS_ROW, "style", "style"),
    (ids.PROGRESS_BAR, "value", "value"),
    (ids.PROGRESS_BAR, "animated", "animated"),
    (ids.PROGRESS_TEXT, "children", "text"),
    (ids.JOB_ACTION, "children", "label"),
    (ids.JOB_ACTION, "title", "hint"),
    (ids.PROGRESS_ERROR, "children", "error"),
)


def poll_progress(services: PortalServices, ready_before: list[str] | None):
    """Each progress row's properties (lists in model order, one per ROW_PROPERTIES entry), the names
    of ready models (unchanged -> no update), and whether to stop polling. A model's row follows its
    common-scale job once its own is done."""
    progress = [services.progress(m) for m in services.model_names]
    states = [row_state(shown) | words for shown, words in (follow(services, p) for p in progress)]
    rows = [[state[key] for state in states] for _kind, _prop, key in ROW_PROPERTIES]
    ready = [p.model_name for p in progress if p.state == "done"]
    stop = all(p.state in FINISHED for p in progress) and common_finished(services, FINISHED)
    return rows, (dash.no_update if ready == (ready_before or []) else ready), stop


def act_on_job(services: PortalServices, model: str | None, clicks: int | None) -> bool:
    """Cancel a running job or resume a cancelled one; returns whether polling must restart."""
    if not model or not clicks:
        return False  # the buttons were only redrawn
    state = follow(services, services.progress(model))[0].state
    if state in ("cancelled", "failed"):
        services.resume(model)
    elif state != "cancelling":
        services.cancel(model)
    return True


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


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(VIEWER, Output(ids.PAGE, "children"), Input(ids.URL, "pathname"), State(ids.URL, "search"))
    def _route(pathname, search):
        return render_page(services, pathname, search)

    # A new page starts at its top, as a page loaded afresh does: a click deep in one page (a stacked force plot's
    # column on /global) opened /local scrolled to where /global had been.
    app.clientside_callback(
        VIEWER, "function (pathname) { window.scrollTo(0, 0); }", Input(ids.URL, "pathname"), prevent_initial_call=True
    )

    @app.callback(
        VIEWER,
        *[Output(ids.per_model(kind, ALL), prop) for kind, prop, _key in ROW_PROPERTIES],
        Output(ids.READY_MODELS, "data"),
        Output(ids.PROGRESS_POLL, "disabled"),
        Output(ids.COMMON_LEVELS, "data"),
        Input(ids.PROGRESS_POLL, "n_intervals"),
        State(ids.READY_MODELS, "data"),
        State(ids.COMMON_LEVELS, "data"),
    )
    def _poll(_n_intervals, ready_before, levels_before):
        rows, ready, stop = poll_progress(services, ready_before)
        return (*rows, ready, stop, common_levels(services, levels_before))  # after stop: never misses the end

    @app.callback(
        ADMIN,
        Output(ids.PROGRESS_POLL, "disabled", allow_duplicate=True),
        Input(ids.job_action(ALL), "n_clicks"),
        prevent_initial_call=True,
    )
    def _job_action(_clicks):
        trigger = dash.ctx.triggered_id
        clicked = dash.ctx.triggered[0]["value"] if dash.ctx.triggered else None
        restart = act_on_job(services, trigger["model"] if trigger else None, clicked)
        return False if restart else dash.no_update

    @app.callback(
        VIEWER,
        Output(ids.SAMPLED_MODELS, "data"),
        Input(ids.PROGRESS_POLL, "n_intervals"),
        State(ids.SAMPLED_MODELS, "data"),
    )
    def _sample_levels(_n_intervals, levels_before):
        return sample_levels(services, levels_before)
