"""Global page: the shared-axis importance chart and one beeswarm per model."""

from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State

from callbacks._ready import not_ready, ready_explanation, ready_explanations, so_far_note
from layouts import ids
from layouts.global_page import global_page
from layouts.panes import graph
from portal.figures import beeswarm, importance_bars, model_colors
from portal.services import PortalServices

NOT_SHOWN = "Not shown yet: {models}. Bars appear here as explanations become ready."


def page(services: PortalServices, _query: dict):
    return global_page(services.model_names, model_colors(services.model_names))


def importance(services: PortalServices, mode: str, ready: list[str] | None, sampled: dict | None = None):
    """The importance figure over every ready model, and a note naming the models not ready yet."""
    explanations = ready_explanations(services, ready, sampled)
    shown = {e.model_name for e in explanations}
    missing = [f"{m} ({_state(services, m)})" for m in services.model_names if m not in shown]
    figure = importance_bars(explanations, mode=mode, colors=model_colors(services.model_names))
    notes = [so_far_note(services, explanations), NOT_SHOWN.format(models=", ".join(missing)) if missing else ""]
    return figure, " ".join(n for n in notes if n)


def _state(services: PortalServices, model: str) -> str:
    return "failed" if services.progress(model).state == "failed" else "still computing"


def beeswarm_pane(services: PortalServices, model: str, ready: list[str] | None, sampled: dict | None = None):
    """A model's beeswarm from its rows so far, else a waiting note (or its error)."""
    explanation = ready_explanation(services, model, ready, sampled)
    if explanation is None:
        return not_ready(services, model)
    color = model_colors(services.model_names)[model]
    figure = beeswarm(explanation, color=color, titled=False, total_rows=services.total_rows())
    return graph(figure, "beeswarm-graph")


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.IMPORTANCE_GRAPH, "figure"),
        Output(ids.IMPORTANCE_NOTE, "children"),
        Input(ids.IMPORTANCE_MODE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
    )
    def _importance(mode, ready, sampled):
        return importance(services, mode, ready, sampled)

    @app.callback(
        Output(ids.beeswarm_pane(MATCH), "children"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        State(ids.beeswarm_pane(MATCH), "id"),
    )
    def _beeswarm(ready, sampled, pane_id):
        return beeswarm_pane(services, pane_id["model"], ready, sampled)
