"""Global page: the shared-axis importance chart and one beeswarm per model."""

from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State

from callbacks._common import (
    chooser,
    common_explanation,
    common_not_ready,
    common_state,
    computing_note,
    drawn_class,
    has_common_scale,
    mode_for,
    needless_redraw,
)
from callbacks._ready import not_ready, of_class, ready_explanation, ready_explanations, so_far_note
from layouts import ids
from layouts.global_page import global_page
from layouts.panes import graph
from portal.common_scale import COMMON, NATIVE
from portal.figures import beeswarm, importance_bars, model_colors
from portal.services import PortalServices

NOT_SHOWN = "Not shown yet: {models}. Bars appear here as explanations become ready."


def page(services: PortalServices, _query: dict):
    names, mode = services.model_names, mode_for(COMMON if has_common_scale(services) else NATIVE)
    scale = chooser(services, global_views=True)
    return global_page(names, model_colors(names), services.class_names(), scale, mode)


def importance(
    services: PortalServices,
    mode: str,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
    scale: str = NATIVE,
    levels: dict | None = None,
):
    """The importance figure over every ready model (of ``class_name`` when multi-class), and a note
    naming the models not ready yet. In the common ``scale``: every model whose common-scale rows the
    shell has seen (``levels``), on one axis in probability."""
    common = scale == COMMON and has_common_scale(services)
    if common:
        found = [e for e in (common_explanation(services, m, levels) for m in services.model_names) if e]
    else:
        found = ready_explanations(services, ready, sampled)
    explanations = [of_class(e, class_name) for e in found]
    shown = {e.model_name for e in explanations}
    state = common_state if common else _state
    missing = [f"{m} ({state(services, m)})" for m in services.model_names if m not in shown]
    figure = importance_bars(explanations, mode=mode, colors=model_colors(services.model_names))
    so_far = computing_note(services, levels) if common else so_far_note(services, explanations)
    notes = [so_far, NOT_SHOWN.format(models=", ".join(missing)) if missing else ""]
    return figure, " ".join(n for n in notes if n)


def _state(services: PortalServices, model: str) -> str:
    return "failed" if services.progress(model).state == "failed" else "still computing"


def beeswarm_pane(
    services: PortalServices,
    model: str,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
    scale: str = NATIVE,
    levels: dict | None = None,
):
    """A model's beeswarm from its rows so far (of ``class_name`` when multi-class), else a waiting note
    (or its error); in the common ``scale``, from its common-scale sample."""
    if scale == COMMON and has_common_scale(services):
        explanation = of_class(common_explanation(services, model, levels), class_name)
        if explanation is None:
            return common_not_ready(services, model)
        total = None  # the figure counts a sample against the data itself
    else:
        explanation = of_class(ready_explanation(services, model, ready, sampled), class_name)
        if explanation is None:
            return not_ready(services, model)
        total = services.total_rows()
    color = model_colors(services.model_names)[model]
    figure = beeswarm(explanation, color=color, titled=False, total_rows=total)
    return graph(figure, "beeswarm-graph")


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.IMPORTANCE_GRAPH, "figure"),
        Output(ids.IMPORTANCE_NOTE, "children"),
        Output(ids.IMPORTANCE_GRAPH, "className"),
        Input(ids.IMPORTANCE_MODE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        State(ids.IMPORTANCE_GRAPH, "className"),
    )
    def _importance(mode, ready, sampled, class_name, scale, levels, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update, dash.no_update
        return *importance(services, mode, ready, sampled, class_name, scale, levels), drawn_class(drawn, scale)

    @app.callback(Output(ids.IMPORTANCE_MODE, "value"), Input(ids.SCALE_TOGGLE, "value"))
    def _mode(scale):
        return mode_for(scale)

    @app.callback(
        Output(ids.beeswarm_pane(MATCH), "children"),
        Output(ids.beeswarm_pane(MATCH), "className"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        State(ids.beeswarm_pane(MATCH), "id"),
        State(ids.beeswarm_pane(MATCH), "className"),
    )
    def _beeswarm(ready, sampled, class_name, scale, levels, pane_id, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update
        pane = beeswarm_pane(services, pane_id["model"], ready, sampled, class_name, scale, levels)
        return pane, drawn_class(drawn, scale)
