"""The "similar rows" card on /local: on request, the rows whose explanations are nearest to this row's."""

from __future__ import annotations

import dash
from dash import Input, Output, State

from callbacks._common import too_long
from callbacks._ready import of_class, ready_explanations
from layouts import ids
from layouts.neighbours import ALL_MODELS, similar_table
from portal.analyses import DEFAULT_K, similar_rows
from portal.figures import model_colors
from portal.web import ANALYST, PortalServices, Registrar

WAITING = "Similar rows can be found once a model's explanation of every row is ready."


def similar_view(
    services: PortalServices,
    row_id: str | None,
    basis: str | None,
    ready: list[str] | None,
    class_name: str | None = None,
    search: str | None = None,
):
    """The ``DEFAULT_K`` nearest rows to ``row_id`` in the ready explanations (every model, or the one ``basis``
    names), of ``class_name`` when multi-class; links keep the page's query string ``search``."""
    if not row_id:
        return ""
    if line := too_long(row_id, "row id"):
        return line  # a crafted request: nothing looked up
    explanations = ready_explanations(services, ready)
    if basis and basis != ALL_MODELS:
        explanations = [e for e in explanations if e.model_name == basis]
    if not explanations:
        return WAITING
    chosen = [of_class(e, class_name) for e in explanations]
    try:
        found = similar_rows(chosen, str(row_id), k=DEFAULT_K)
    except ValueError as error:
        return str(error)
    left_out = [m for m in services.model_names if m not in found.model_names]
    note = f"Not compared (not ready): {', '.join(left_out)}." if left_out and basis in (None, ALL_MODELS) else ""
    if chosen[0].explained_class:
        note = f"Class: {chosen[0].explained_class}. {note}".strip()
    return similar_table(found, model_colors(services.model_names), search, note)


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.SIMILAR_RESULTS, "children"),
        Input(ids.SIMILAR_BUTTON, "n_clicks"),
        Input(ids.ROW_PICKER, "value"),
        State(ids.SIMILAR_BASIS, "value"),
        State(ids.READY_MODELS, "data"),
        State(ids.CLASS_PICKER, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _similar(clicks, row_id, basis, ready, class_name, search):
        if dash.ctx.triggered_id == ids.ROW_PICKER or not clicks:
            return ""  # another row: the neighbours shown were this one's, and are asked for again
        return similar_view(services, row_id, basis, ready, class_name, search)
