"""The disagreement card on /local: rank rows by disagreement (among the cohort's, when one is applied);
choosing one shows its waterfalls."""

from __future__ import annotations

import dash
from dash import Input, Output

from callbacks._ready import of_class, ready_explanations
from callbacks.cohort import NOT_IN_COHORT, applied
from layouts import ids
from layouts.disagreement import disagreement_table
from portal.analyses import disagreement_rows
from portal.figures import model_colors
from portal.web import PortalServices

TOP_ROWS = 15
WAITING = "The table appears when two models' explanations are ready."


def disagreement_view(
    services: PortalServices,
    order: str | None,
    ready: list[str] | None,
    class_name: str | None = None,
    cohort: str | None = None,
):
    """The table of the rows the ready models disagree on most (of ``class_name`` when multi-class), among the
    ``cohort``'s rows when one is applied."""
    explanations = ready_explanations(services, ready)
    if explanations and explanations[0].is_multiclass:
        chosen = class_name if class_name in explanations[0].class_names else explanations[0].class_names[0]
        explanations = [of_class(e, chosen) for e in explanations]
    if len(explanations) < 2:
        return WAITING
    rows = applied(services, cohort)
    if rows is not None:
        explanations = [rows.restrict(e) for e in explanations]
        if not all(e.n_rows for e in explanations):
            return NOT_IN_COHORT
    try:
        table = disagreement_rows(explanations, by=order or "prediction", top=TOP_ROWS)
    except ValueError as error:
        return str(error)
    scales = {e.output_scale for e in explanations}
    note = "Log-odds outputs are shown as the probabilities they are." if len(scales) > 1 else ""
    note = f"Rows of the cohort {rows.text}. {note}".strip() if rows is not None else note
    return disagreement_table(table, model_colors(services.model_names), note)


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.DISAGREEMENT_TABLE, "children"),
        Input(ids.DISAGREEMENT_ORDER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.COHORT, "data"),
    )
    def _table(order, ready, class_name, cohort):
        return disagreement_view(services, order, ready, class_name, cohort)
