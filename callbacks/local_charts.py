"""/local's force and decision plots: every model's explanation of the chosen row in the page's scale, drawn
as force bars on one axis (``?chart=force``) and as decision lines; the decision plot's rows mode draws up to
50 rows of one model (the cohort's first, or the rows the models disagree on most), misclassified ones dashed
red where the project's labels say so."""

from __future__ import annotations

import math

import dash
from dash import Input, Output, State

from callbacks._common import explanations_in_scale, has_common_scale, too_long
from callbacks._ready import of_class, ready_explanation
from callbacks.cohort import applied
from layouts import ids
from layouts.local_charts import COHORT, FORCE, HIDDEN, MODELS
from layouts.panes import graph
from portal.analyses import COMMON, NATIVE, CohortError, disagreement_rows
from portal.figures import DECISION_MAX_ROWS as MAX_ROWS
from portal.figures import decision_models, decision_rows, escaped, force_plot, model_colors, placeholder
from portal.results import LOG_ODDS, PROBABILITY, Explanation, LocalExplanation
from portal.web import ANALYST, PortalServices, Registrar, merge_query

NOT_YET = "Not drawn yet: {models} (explanation still being computed, or no {scale} for it)."
NO_ROW = "Choose a row to draw its force plot."
NEED_TWO = "The rows the models disagree on most need two models' explanations; they appear when ready."
THRESHOLD = 0.5
MISCLASSIFIED = (
    "Misclassified (dashed red): the model predicts '{positive}' (probability 0.5 or more) and the row's {target} "
    "is not, or the other way round."
)  # a probability at or above it predicts the positive class


def row_explanation(
    services: PortalServices, model: str, row_id: str, ready, class_name: str | None, scale: str
) -> LocalExplanation | None:
    """The model's explanation of the row in ``scale``: computed on the server in the common scale, read from its
    finished explanation in its own; None when it has none yet."""
    if scale == COMMON and has_common_scale(services):
        classes = services.class_names()
        return services.explain_row(model, row_id, COMMON, class_name or (classes[0] if classes else None))
    explanation = of_class(ready_explanation(services, model, ready), class_name)
    if explanation is None:
        return None
    found = [i for i, r in enumerate(explanation.row_ids) if str(r) == row_id]
    return explanation.row(found[0]) if found else None


def row_explanations(services: PortalServices, row_id: str, ready, class_name: str | None, scale: str):
    """Every model's explanation of the row, in model order, and the note naming the models without one."""
    found = {m: row_explanation(services, m, row_id, ready, class_name, scale) for m in services.model_names}
    missing = [m for m, local in found.items() if local is None]
    words = "probability" if scale == COMMON and has_common_scale(services) else "explanation"
    note = NOT_YET.format(models=", ".join(missing), scale=words) if missing else ""
    return [local for local in found.values() if local is not None], note


def force_view(services: PortalServices, row_id: str | None, ready, class_name: str | None, scale: str):
    """The force figure of every model with an explanation of the row, and the note on the others."""
    if not row_id:
        return placeholder(NO_ROW), ""
    if line := too_long(row_id, "row id"):
        return placeholder(escaped(line)), ""
    locals_, note = row_explanations(services, str(row_id), ready, class_name, scale)
    if not locals_:
        return placeholder("The force plot appears when a model's explanation of the row is ready."), note
    values = services.row_values(str(row_id))
    return force_plot(locals_, feature_values=values, colors=model_colors(services.model_names)), note


def decision_view(services: PortalServices, mode: str | None, model: str | None, row_id: str | None, view: dict):
    """The decision plot and its note: the models on the row (``mode`` "models"), or up to 50 rows of ``model``.
    ``view`` holds the page's ready, class_name, scale, cohort, order and levels."""
    scale = view.get("scale") or NATIVE
    if mode in (None, MODELS):
        if not row_id:
            return placeholder("Choose a row to draw its decision plot."), ""
        if line := too_long(row_id, "row id"):
            return placeholder(escaped(line)), ""
        locals_, note = row_explanations(services, str(row_id), view.get("ready"), view.get("class_name"), scale)
        colors = model_colors(services.model_names)
        return decision_models(locals_, colors=colors, feature_values=services.row_values(str(row_id))), note
    explanation = _model_explanation(services, model or services.model_names[0], view)
    if explanation is None:
        waiting = f"{escaped(str(model))}'s explanation is still being computed; its rows appear here when ready."
        return placeholder(waiting), ""
    positions, of_rows = _cohort_rows(services, explanation, view) if mode == COHORT else _disagreed(services, view)
    if positions is None:
        return placeholder(of_rows), ""
    if mode != COHORT:
        positions = _positions(explanation, positions)
    locals_ = [explanation.row(i) for i in positions[:MAX_ROWS]]
    wrong = misclassified(services, locals_)
    facts = services.facts()
    note = MISCLASSIFIED.format(positive=facts.positive, target=facts.target) if wrong is not None else ""
    return decision_rows(locals_, misclassified=wrong, of_rows=of_rows), note


def _model_explanation(services: PortalServices, model: str, view: dict) -> Explanation | None:
    """The model's explanation in the page's scale: the common scale's seeded sample, or its own (every row)."""
    if view.get("scale") == COMMON and has_common_scale(services):
        explanation = services.common_explanation(model)
    else:
        explanation = ready_explanation(services, model, view.get("ready"))
    return of_class(explanation, view.get("class_name"))


def _cohort_rows(services: PortalServices, explanation: Explanation, view: dict):
    """The positions of the cohort's first rows in ``explanation`` (everyone's without a cohort), and words."""
    rows = applied(services, view.get("cohort"))
    held = explanation.row_ids if rows is None else rows.restrict(explanation).row_ids
    where = {str(r): i for i, r in enumerate(explanation.row_ids)}
    positions = [where[str(r)] for r in held[:MAX_ROWS]]
    whose = "the cohort's" if rows is not None else "the"
    sample = " (the common scale's seeded sample)" if explanation.sample_of else ""
    return positions, f"{whose} first {len(positions)} of {len(held):,} rows explained{sample}"


def _disagreed(services: PortalServices, view: dict):
    """The ids of the rows the models disagree on most (as the disagreement card ranks them), and words."""
    explanations = explanations_in_scale(services, view.get("scale"), view.get("ready"), None, view.get("levels"))[1]
    explanations = [of_class(e, view.get("class_name")) for e in explanations]
    rows = applied(services, view.get("cohort"))
    if rows is not None:
        explanations = [rows.restrict(e) for e in explanations]
    if len(explanations) < 2 or not all(e.n_rows for e in explanations):
        return None, NEED_TWO
    table = disagreement_rows(explanations, by=view.get("order") or "prediction", top=MAX_ROWS)
    return [str(r) for r in table.row_ids], f"the {len(table.row_ids)} rows the models disagree on most"


def _positions(explanation: Explanation, row_ids: list[str]) -> list[int]:
    where = {str(r): i for i, r in enumerate(explanation.row_ids)}
    return [where[r] for r in row_ids if r in where]


def misclassified(services: PortalServices, locals_: list[LocalExplanation]) -> list[bool] | None:
    """For a two-class project: whether each row's prediction (probability at or above 0.5) misses its label;
    None when labels or probabilities are not known (regression, multi-class, a scale without probability)."""
    facts = services.facts()
    if not facts.positive or not locals_ or locals_[0].output_scale not in (PROBABILITY, LOG_ODDS):
        return None
    try:
        positives = {str(r) for r in services.cohort_rows(f"{facts.target} = {facts.positive}").row_ids}
    except CohortError:
        return None
    return [(_probability(loc) >= THRESHOLD) != (loc.row_id in positives) for loc in locals_]


def _probability(local: LocalExplanation) -> float:
    """The row's probability of the positive class (a two-class explanation is of that class)."""
    return local.output if local.output_scale == PROBABILITY else 1 / (1 + math.exp(-local.output))


def chart_query(chart: str | None, search: str | None) -> str:
    """The URL's ``?chart=force`` (removed for the default waterfall), every other key kept."""
    return merge_query(search, {"chart": FORCE if chart == FORCE else ""})


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.WATERFALL_PANES, "style"),
        Output(ids.FORCE_CARD, "style"),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.LOCAL_CHART, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _chart(chart, search):
        force = chart == FORCE
        return (HIDDEN if force else {}), ({} if force else HIDDEN), chart_query(chart, search)

    @app.callback(
        ANALYST,
        Output(ids.FORCE_GRAPH, "children"),
        Output(ids.FORCE_NOTE, "children"),
        Input(ids.LOCAL_CHART, "value"),
        Input(ids.ROW_PICKER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
    )
    def _force(chart, row_id, ready, class_name, scale):
        if chart != FORCE:
            return dash.no_update, dash.no_update
        figure, note = force_view(services, row_id, ready, class_name, scale)
        return graph(figure, "force-graph"), note

    @app.callback(
        ANALYST,
        Output(ids.DECISION_GRAPH, "children"),
        Output(ids.DECISION_NOTE, "children"),
        Output(f"{ids.DECISION_MODEL}-box", "style"),
        Input(ids.DECISION_MODE, "value"),
        Input(ids.DECISION_MODEL, "value"),
        Input(ids.ROW_PICKER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COHORT, "data"),
        Input(ids.DISAGREEMENT_ORDER, "value"),
        Input(ids.COMMON_LEVELS, "data"),
    )
    def _decision(mode, model, row_id, ready, class_name, scale, cohort, order, levels):
        view = {"ready": ready, "class_name": class_name, "scale": scale, "cohort": cohort, "order": order}
        figure, note = decision_view(services, mode, model, row_id, {**view, "levels": levels})
        rows_mode = mode not in (None, MODELS)
        return graph(figure, "decision-graph", model=model if rows_mode else ""), note, ({} if rows_mode else HIDDEN)
