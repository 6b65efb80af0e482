"""Global page: the shared-axis importance chart and one beeswarm per model, for the models ticked; for a
cohort, the cohort's importances and beeswarms drawn over everyone's."""

from __future__ import annotations

import dash
from dash import MATCH, Input, Output, State, dcc, html

from callbacks import shared_range
from callbacks._common import (
    chooser,
    cohort_sample_note,
    common_explanation,
    common_not_ready,
    common_state,
    computing_note,
    drawn_class,
    explanations_in_scale,
    has_common_scale,
    mode_for,
    needless_redraw,
)
from callbacks._ready import not_ready, of_class, ready_explanation, so_far_note
from callbacks.cohort import NOT_IN_COHORT, applied
from callbacks.global_link import read_view
from layouts import ids
from layouts.global_page import global_page
from layouts.panes import graph
from layouts.scale_toggle import axis_note, own_axis_switch
from portal.analyses import COMMON, NATIVE
from portal.figures import beeswarm, importance_bars, model_colors, placeholder
from portal.web import ANALYST, VIEWER, PortalServices, Registrar

NOT_SHOWN = "Not shown yet: {models}. Bars appear here as explanations become ready."
NONE_TICKED = "Tick a model above to draw it."
EMPTY_COHORT = "No row of the cohort is among the rows explained: {models}."


def page(services: PortalServices, query: dict):
    """Build ``/global`` as a link describes it (``?models=&class=&scale=&agreement-k=``), else the defaults."""
    view = read_view(services, query)
    default = COMMON if has_common_scale(services) else NATIVE
    names, mode = services.model_names, mode_for(view.scale or default)
    scale = chooser(services, global_views=True, value=view.scale)
    return global_page(
        names,
        model_colors(names),
        services.class_names(),
        scale,
        mode,
        shown=view.shown,
        class_name=view.class_name,
        k=view.k,
        feature_names=services.feature_names(),
    )


def importance(
    services: PortalServices,
    mode: str,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
    scale: str = NATIVE,
    levels: dict | None = None,
    cohort: str | None = None,
    shown: list[str] | None = None,
):
    """The importance figure over every ready model ``shown`` (all when None; of ``class_name`` when
    multi-class), and a note naming the models not ready yet. In the common ``scale``: every model whose
    common-scale rows the shell has seen (``levels``), on one axis in probability. For a ``cohort``: the
    cohort's bars with everyone's as outlines."""
    ticked = [m for m in services.model_names if shown is None or m in shown]
    if not ticked:
        return placeholder(NONE_TICKED), ""
    common, found = explanations_in_scale(services, scale, ready, sampled, levels)
    explanations = [of_class(e, class_name) for e in found if e.model_name in ticked]
    drawn = {e.model_name for e in explanations}
    state = common_state if common else _state
    missing = [f"{m} ({state(services, m)})" for m in ticked if m not in drawn]
    rows = applied(services, cohort)
    figure, empty = _bars(services, explanations, mode, rows)
    so_far = computing_note(services, levels) if common else so_far_note(services, explanations)
    notes = [so_far, NOT_SHOWN.format(models=", ".join(missing)) if missing else ""]
    notes.append(EMPTY_COHORT.format(models=", ".join(empty)) if empty else "")
    notes.append(cohort_sample_note(rows, explanations) if common else "")
    return figure, _joined(notes)


def _joined(notes: list) -> str | list:
    """The notes that say something, one after another: a line of words, or words and components."""
    said = [n for n in notes if n]
    if all(isinstance(n, str) for n in said):
        return " ".join(said)
    return [part for n in said for part in (n, " ")][:-1]


def _bars(services: PortalServices, explanations: list, mode: str, rows):
    """The importance figure (the cohort's over everyone's when ``rows``) and the models with no cohort row."""
    colors = model_colors(services.model_names)
    if rows is None:
        return importance_bars(explanations, mode=mode, colors=colors), []
    cut = [rows.restrict(e) for e in explanations]
    kept, empty = [c for c in cut if c.n_rows], [c.model_name for c in cut if not c.n_rows]
    if explanations and not kept:
        return placeholder(NOT_IN_COHORT), empty
    return importance_bars(kept, mode=mode, colors=colors, everyone=explanations, cohort=rows.text), empty


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
    cohort: str | None = None,
    shown: list[str] | None = None,
):
    """A model's beeswarm from its rows so far (of ``class_name`` when multi-class), else a waiting note
    (or its error); in the common ``scale``, from its common-scale sample. For a ``cohort``: the cohort's rows
    over everyone's in grey. Nothing for a model not ``shown`` (its column is hidden)."""
    if shown is not None and model not in shown:
        return None
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
    rows = applied(services, cohort)
    graph_id = ids.per_model(ids.BEESWARM_GRAPH, model)
    features = services.feature_values()  # stays here: the figure carries only its sampled points' colours
    if rows is None:
        figure = beeswarm(explanation, color=color, titled=False, total_rows=total, features=features)
        return graph(figure, "beeswarm-graph", graph_id)
    cut = rows.restrict(explanation)
    if not cut.n_rows:
        return html.P(NOT_IN_COHORT, className="pane-waiting text-muted mb-0")
    total = None if total is None else rows.n_rows  # rows so far count against the cohort
    figure = beeswarm(cut, color=color, titled=False, total_rows=total, background=explanation, features=features)
    return graph(figure, "beeswarm-graph", graph_id)


def with_axis_switch(pane, model: str):
    """A drawn beeswarm with its "own axis" switch and its beyond-the-axis note below; else the pane."""
    if not isinstance(pane, dcc.Graph):
        return pane
    switch = own_axis_switch(ids.BEESWARM_OWN_AXIS, model)
    return html.Div([pane, switch, axis_note(ids.BEESWARM_AXIS_NOTE, model)])


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        VIEWER,
        Output(ids.IMPORTANCE_GRAPH, "figure"),
        Output(ids.IMPORTANCE_NOTE, "children"),
        Output(ids.IMPORTANCE_GRAPH, "className"),
        Input(ids.IMPORTANCE_MODE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        Input(ids.COHORT, "data"),
        Input(ids.MODEL_CHOOSER, "value"),
        State(ids.IMPORTANCE_GRAPH, "className"),
        memo=True,
    )
    def _importance(mode, ready, sampled, class_name, scale, levels, cohort, shown, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update, dash.no_update
        view = importance(services, mode, ready, sampled, class_name, scale, levels, cohort, shown)
        return *view, drawn_class(drawn, scale)

    @app.callback(
        VIEWER, Output(ids.SCALE_TOGGLE, "value"), Input(ids.TO_OWN_SCALE, "n_clicks"), prevent_initial_call=True
    )
    def _to_own_scale(clicks):
        return NATIVE if clicks else dash.no_update

    @app.callback(VIEWER, Output(ids.IMPORTANCE_MODE, "value"), Input(ids.SCALE_TOGGLE, "value"))
    def _mode(scale):
        return mode_for(scale)

    @app.callback(
        ANALYST,
        Output(ids.beeswarm_pane(MATCH), "children"),
        Output(ids.beeswarm_pane(MATCH), "className"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        Input(ids.COHORT, "data"),
        Input(ids.MODEL_CHOOSER, "value"),
        State(ids.beeswarm_pane(MATCH), "id"),
        State(ids.beeswarm_pane(MATCH), "className"),
        memo=True,
    )
    def _beeswarm(ready, sampled, class_name, scale, levels, cohort, shown, pane_id, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update
        pane = beeswarm_pane(services, pane_id["model"], ready, sampled, class_name, scale, levels, cohort, shown)
        return with_axis_switch(pane, pane_id["model"]), drawn_class(drawn, scale)

    shared_range.register(app, "global")
