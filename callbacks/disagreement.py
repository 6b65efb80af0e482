"""The disagreement card on /local: rank rows by disagreement (among the cohort's, when one is applied);
choosing one shows its waterfalls."""

from __future__ import annotations

from dash import Input, Output

from callbacks._common import explanations_in_scale
from callbacks._ready import of_class
from callbacks.cohort import NOT_IN_COHORT, applied
from layouts import ids
from layouts.disagreement import disagreement_table
from portal.analyses import NATIVE, disagreement_rows
from portal.figures import model_colors
from portal.web import ANALYST, PortalServices, Registrar

TOP_ROWS = 15
WAITING = "The table appears when two models' explanations are ready."
COMMON_NOTE = (
    "In the common scale (probability), on its seeded sample: each top reason is the model's largest contribution "
    "in that scale, as the waterfalls above show it."
)
OWN_SCALES_NOTE = (
    "Log-odds outputs are shown as the probabilities they are; each top reason is the model's largest contribution "
    "in its own scale ({scales})."
)


def disagreement_view(
    services: PortalServices,
    order: str | None,
    ready: list[str] | None,
    class_name: str | None = None,
    cohort: str | None = None,
    scale: str = NATIVE,
    levels: dict | None = None,
):
    """The table of the rows the ready models disagree on most (of ``class_name`` when multi-class), among the
    ``cohort``'s rows when one is applied. In the page's common ``scale`` the outputs and the top reasons come
    from the common-scale explanations (its sample's rows, ``levels`` seen so far), so each model's top reason
    is the one its waterfall above leads with; in each model's own scale, from the models' own explanations."""
    common, explanations = explanations_in_scale(services, scale, ready, None, levels)
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
    scales = sorted({e.output_scale for e in explanations})
    note = OWN_SCALES_NOTE.format(scales=", ".join(scales)) if len(scales) > 1 else ""
    note = COMMON_NOTE if common else note
    note = f"Rows of the cohort {rows.text}. {note}".strip() if rows is not None else note
    return disagreement_table(table, model_colors(services.model_names), note)


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.DISAGREEMENT_TABLE, "children"),
        Input(ids.DISAGREEMENT_ORDER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.COHORT, "data"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
    )
    def _table(order, ready, class_name, cohort, scale, levels):
        return disagreement_view(services, order, ready, class_name, cohort, scale, levels)
