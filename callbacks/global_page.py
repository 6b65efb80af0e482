"""Global page: the shared-axis importance chart and one beeswarm per model."""

from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State

from callbacks._ready import not_ready, ready_explanation, ready_explanations
from layouts import ids
from layouts.global_page import global_page
from layouts.panes import graph
from portal.figures import beeswarm, importance_bars, model_colors
from portal.services import PortalServices

NOT_SHOWN = "Not shown yet: {models}. Bars appear here as explanations become ready."


def page(services: PortalServices, _query: dict):
    return global_page(services.model_names, model_colors(services.model_names))


def importance(services: PortalServices, mode: str, ready: list[str] | None):
    """The importance figure over every ready model, and a note naming the models not ready yet."""
    explanations = ready_explanations(services, ready)
    shown = {e.model_name for e in explanations}
    missing = [f"{m} ({_state(services, m)})" for m in services.model_names if m not in shown]
    figure = importance_bars(explanations, mode=mode, colors=model_colors(services.model_names))
    return figure, NOT_SHOWN.format(models=", ".join(missing)) if missing else ""


def _state(services: PortalServices, model: str) -> str:
    return "failed" if services.progress(model).state == "failed" else "still computing"


def beeswarm_pane(services: PortalServices, model: str, ready: list[str] | None):
    """A model's beeswarm once its explanation is ready, else a waiting note (or its error)."""
    explanation = ready_explanation(services, model, ready)
    if explanation is None:
        return not_ready(services, model)
    figure = beeswarm(explanation, color=model_colors(services.model_names)[model], titled=False)
    return graph(figure, "beeswarm-graph")


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.IMPORTANCE_GRAPH, "figure"),
        Output(ids.IMPORTANCE_NOTE, "children"),
        Input(ids.IMPORTANCE_MODE, "value"),
        Input(ids.READY_MODELS, "data"),
    )
    def _importance(mode, ready):
        return importance(services, mode, ready)

    @app.callback(
        Output(ids.beeswarm_pane(MATCH), "children"),
        Input(ids.READY_MODELS, "data"),
        State(ids.beeswarm_pane(MATCH), "id"),
    )
    def _beeswarm(ready, pane_id):
        return beeswarm_pane(services, pane_id["model"], ready)
