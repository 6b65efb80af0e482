"""/global's stacked force plot: a sample of up to 1,000 rows of one model (or two side by side, the second's
columns in the first's order so each column is the same row), in the page's scale, class and cohort; a click on a
column opens that row on /local."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
from dash import ALL, Input, Output, State, html

from callbacks._common import common_explanation, drawn_class, has_common_scale, needless_redraw
from callbacks._ready import of_class, ready_explanation
from callbacks.cohort import NOT_IN_COHORT, applied
from layouts import ids
from layouts.panes import graph, model_card, model_row
from layouts.row_links import row_href
from portal.analyses import BY_SIMILARITY, COMMON
from portal.figures import model_colors, narrow, stacked_force, stacked_order
from portal.results import Explanation
from portal.web import ANALYST, PortalServices, Registrar

NOT_YET = "Not drawn yet: {models} (explanation still being computed, or no probability for it in the common scale)."
SAME_ORDER = "{beside}'s columns are the same rows in {model}'s order: compare a column across the two."
#: Features with a layer of their own: fewer for two models side by side, so both stay under 1 MB at 1,000 rows.
OWN_FEATURES, BESIDE_FEATURES = 8, 6
CARRIED = ("scale", "class", "cohort")  # the keys of /global's URL that /local reads too
EMPTY = "No row of the cohort is among the rows explained: {models}."


def model_explanation(services: PortalServices, model: str, view: dict) -> Explanation | None:
    """The model's explanation the page draws: its common-scale sample in the common scale, else its own (ready, or
    rows so far); of the page's class, cut to its cohort; None when it has none yet."""
    if view.get("scale") == COMMON and has_common_scale(services):
        explanation = common_explanation(services, model, view.get("levels"))
    else:
        explanation = ready_explanation(services, model, view.get("ready"), view.get("sampled"))
    explanation = of_class(explanation, view.get("class_name"))
    rows = applied(services, view.get("cohort"))
    return explanation if explanation is None or rows is None else rows.restrict(explanation)


def chosen_models(services: PortalServices, model: str | None, beside: str | None) -> list[str]:
    """The model drawn (the first when none is chosen) and the one beside it, if another."""
    first = model if model in services.model_names else services.model_names[0]
    return [first] + ([beside] if beside in services.model_names and beside != first else [])


def stacked_view(services: PortalServices, model: str | None, beside: str | None, by: str | None, view: dict):
    """One card per chosen model with its stacked force plot, and the note. ``view`` holds the page's ready,
    sampled, class_name, scale, levels and cohort."""
    chosen = chosen_models(services, model, beside)
    found = {m: model_explanation(services, m, view) for m in chosen}
    missing = [m for m, e in found.items() if e is None]
    empty = [m for m, e in found.items() if e is not None and not e.n_rows]
    drawn = [e for e in found.values() if e is not None and e.n_rows]
    notes = [NOT_YET.format(models=", ".join(missing)) if missing else ""]
    notes.append(EMPTY.format(models=", ".join(empty)) if empty else "")
    if len(drawn) == 2:
        notes.append(SAME_ORDER.format(beside=drawn[1].model_name, model=drawn[0].model_name))
    note = " ".join(n for n in notes if n)
    if not drawn:
        return html.P(NOT_IN_COHORT if empty else _waiting(chosen), className="pane-waiting text-muted mb-0"), note
    return model_row(_cards(services, drawn, by or BY_SIMILARITY)), note


def _cards(services: PortalServices, drawn: list[Explanation], by: str) -> list:
    """A card per model headed in its colour, holding its stacked force plot; every model's columns in the order
    of the first's rows."""
    features = services.feature_values()
    first = drawn[0]
    order = stacked_order(first, by, features=features)
    colors = model_colors(services.model_names)
    figures, beside = [], len(drawn) > 1
    for e in drawn:
        rows, leader = (order, "") if e is first else (_same_rows(first, e, order), first.model_name)
        kept = BESIDE_FEATURES if beside else OWN_FEATURES
        figure = stacked_force(e, rows, by=by, features=features, max_features=kept, titled=False, ordered_by=leader)
        figures.append(narrow(figure) if beside else figure)
    if len({f.layout.meta["scale"] for f in figures}) == 1:  # one scale: one y range, so heights compare
        spans = [f.layout.meta["span"] for f in figures]
        for figure in figures:
            figure.update_yaxes(range=[min(s[0] for s in spans), max(s[1] for s in spans)], autorange=False)
    return [
        model_card(e.model_name, colors[e.model_name], None, "stacked", graph(f, "stacked-graph", _graph_id(e)))
        for e, f in zip(drawn, figures)
    ]


def _graph_id(explanation: Explanation) -> dict:
    return ids.per_model(ids.STACKED_GRAPH, explanation.model_name)


def _waiting(models: list[str]) -> str:
    return f"{' and '.join(models)}: the stacked force plot appears when the explanation is ready."


def _same_rows(first: Explanation, other: Explanation, order) -> list[int]:
    """The positions in ``other`` of the rows ``first`` draws at ``order``, in that order (rows it lacks left out)."""
    where = {str(r): i for i, r in enumerate(other.row_ids)}
    return [where[r] for r in first.row_ids[order].astype(str) if r in where]


def clicked_row(click: dict | None) -> str | None:
    """The row id of a click on a stacked force plot (the prediction line's point carries it), else None."""
    for point in (click or {}).get("points", []):
        data = point.get("customdata")
        if data:
            return str(data[0])
    return None


def open_row(search: str | None, row_id: str) -> str:
    """``/local?id=<row>``, with the scale, class and cohort /global's URL carries (its other keys are its own)."""
    kept = {key: values[-1] for key, values in parse_qs((search or "").lstrip("?")).items() if key in CARRIED}
    return row_href(None, row_id, kept)


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.STACKED_PANES, "children"),
        Output(ids.STACKED_NOTE, "children"),
        Output(ids.STACKED_PANES, "className"),
        Input(ids.STACKED_MODEL, "value"),
        Input(ids.STACKED_BESIDE, "value"),
        Input(ids.STACKED_ORDER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        Input(ids.COHORT, "data"),
        State(ids.STACKED_PANES, "className"),
        memo=True,
    )
    def _stacked(model, beside, by, ready, sampled, class_name, scale, levels, cohort, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update, dash.no_update
        view = {"ready": ready, "sampled": sampled, "class_name": class_name, "scale": scale, "levels": levels}
        children, note = stacked_view(services, model, beside, by, {**view, "cohort": cohort})
        return children, note, drawn_class(drawn, scale)

    @app.callback(  # the path and the query, as a link within the app: the router draws /local on the row
        ANALYST,
        Output(ids.URL, "pathname", allow_duplicate=True),
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.per_model(ids.STACKED_GRAPH, ALL), "clickData"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _open_row(clicks, search):
        row = clicked_row(dash.ctx.triggered[0]["value"] if dash.ctx.triggered else None)
        if not row:
            return dash.no_update, dash.no_update
        path, _, query = open_row(search, row).partition("?")
        return path, f"?{query}"
