"""Local page: a server-side searchable row picker and one waterfall per model for the chosen row."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import MATCH, Input, Output, State

from callbacks import shared_range
from callbacks._common import (
    COMMON_WORDS,
    chooser,
    common_not_ready,
    drawn_class,
    has_common_scale,
    needless_redraw,
    too_long,
)
from callbacks._ready import not_ready, of_class, ready_explanation
from callbacks.cohort import applied
from callbacks.global_link import read_view
from callbacks.row_search import sorts
from layouts import ids
from layouts.local import local_page, waterfall_body
from layouts.panes import missing_row
from layouts.row_search import SEARCH_COLUMN_KEY, SEARCH_KEY, SEARCH_SORT_KEY, row_search
from layouts.whatif import whatif_card
from portal.analyses import BACKGROUND_ROWS, COMMON, NATIVE, outcome_words, summarise
from portal.figures import key_values, method_label, model_colors, prediction_text, waterfall
from portal.figures._waterfall import base_value_note
from portal.results import LocalExplanation
from portal.web import ANALYST, PortalServices, Registrar, merge_query

MAX_OPTIONS = 50


def page(services: PortalServices, query: dict):
    """Build ``/local``; ``?id=...`` preselects a row, else the first row is shown; ``?search=...`` (and
    ``search-column``) refill the row search."""
    cohort = applied(services, (query.get("cohort") or [""])[-1])
    row_ids = services.row_ids() if cohort is None else cohort.row_ids.tolist()  # the picker lists the cohort's
    row_id = (query.get("id") or [None])[0] or (row_ids[0] if row_ids else None)
    options = search_rows(row_ids, "", row_id)
    colors = model_colors(services.model_names)
    view = read_view(services, query)  # a link's class and scale
    scale = chooser(services, global_views=False, value=view.scale)
    values = services.row_values(str(row_id)) if row_id and not too_long(row_id, "row id") else {}
    search = _row_search(services, query)
    whatif = whatif_card(services.feature_specs(), values)
    names = services.model_names
    classes = services.class_names()
    chart = _first(query, "chart")
    return local_page(
        names, colors, row_id, options, MAX_OPTIONS, classes, scale, search, whatif, view.class_name, chart
    )


def _row_search(services: PortalServices, query: dict):
    """The row search as the link left it (``?search=&search-column=&search-sort=``)."""
    text, column, sort = (_first(query, key) for key in (SEARCH_KEY, SEARCH_COLUMN_KEY, SEARCH_SORT_KEY))
    example = services.cohort_example()
    return row_search(services.feature_names(), text, column or None, sorts=sorts(services), sort=sort, example=example)


def _first(query: dict, key: str) -> str:
    return (query.get(key) or [""])[0]


def search_rows(row_ids: Sequence[str], text: str | None, selected: str | None, limit: int = MAX_OPTIONS) -> list:
    """At most ``limit`` ids containing ``text`` (any case), keeping the selected id listed; a ``text`` past the
    cap lists only one disabled option saying so (and the selected id), no id searched."""
    if line := too_long(text, "row search"):
        return [{"label": line, "value": "", "disabled": True}, *([selected] if selected else [])]
    needle = (text or "").strip().lower()
    matches = list(islice((r for r in row_ids if needle in r.lower()), limit))
    if selected and selected not in matches:
        matches = [selected, *matches[: limit - 1]]
    return matches


def waterfall_pane(
    services: PortalServices,
    model: str,
    row_id: str | None,
    ready: list[str] | None,
    class_name: str | None = None,
    scale: str = NATIVE,
):
    """The model's waterfall for the row (of ``class_name`` when multi-class) with its prediction line, or
    why it cannot be shown. In the common ``scale`` the row is explained on demand (any row, at once)."""
    if line := too_long(row_id, "row id"):
        return dbc.Alert(line, color="warning", className="mb-0")
    if scale == COMMON and has_common_scale(services):
        return common_waterfall(services, model, row_id, class_name)
    explanation = of_class(ready_explanation(services, model, ready), class_name)
    if explanation is None:
        return not_ready(services, model)
    positions = np.flatnonzero(np.asarray(explanation.row_ids) == row_id)
    if not positions.size:
        return missing_row(str(row_id))
    local, values = explanation.row(int(positions[0])), services.row_values(str(row_id))
    return waterfall_body(
        prediction_text(local),
        method_label(local.provenance),
        waterfall(local, feature_values=values, titled=False),
        key_values(local, values),
        summary(services, local, values, "own scale" if has_common_scale(services) else ""),
        model=model,
        base_note=base_note(services, local),
    )


def common_waterfall(services: PortalServices, model: str, row_id: str | None, class_name: str | None):
    """The row in probability, from the model's finished common-scale job or computed now on the server."""
    values = services.row_values(str(row_id))
    if not values:
        return missing_row(str(row_id))
    local = services.explain_row(model, str(row_id), COMMON, class_name or _first_class(services))
    if local is None:
        return common_not_ready(services, model)
    return waterfall_body(
        prediction_text(local),
        f"{method_label(local.provenance)} · {COMMON_WORDS}",
        waterfall(local, feature_values=values, titled=False),
        key_values(local, values),
        summary(services, local, values, "common scale"),
        model=model,
        base_note=base_note(services, local),
    )


def base_note(services: PortalServices, local: LocalExplanation) -> str:
    """Where the pane's base value comes from: the background rows every method here averages over."""
    total = services.total_rows()
    return base_value_note(local, min(BACKGROUND_ROWS, total), total)


def summary(services: PortalServices, local: LocalExplanation, values: dict, context: str) -> str:
    """The pane's plain-language summary, naming the project's target and class and the scale shown."""
    facts = services.facts()
    outcome = outcome_words(facts.target, facts.positive, local.explained_class)
    return summarise(local, values, outcome=outcome, context=context)


def _first_class(services: PortalServices) -> str | None:
    classes = services.class_names()
    return classes[0] if classes else None


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.ROW_PICKER, "options"),
        Input(ids.ROW_PICKER, "search_value"),
        Input(ids.COHORT, "data"),
        State(ids.ROW_PICKER, "value"),
        prevent_initial_call=True,
    )
    def _search(text, cohort, selected):
        rows = applied(services, cohort)
        return search_rows(services.row_ids() if rows is None else rows.row_ids.tolist(), text, selected)

    @app.callback(
        ANALYST,
        Output(ids.URL, "search"),
        Input(ids.ROW_PICKER, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _remember_row(row_id, search):
        return merge_query(search, {"id": row_id or ""})  # the cohort and any other key stay

    @app.callback(
        ANALYST,
        Output(ids.waterfall_pane(MATCH), "children"),
        Output(ids.waterfall_pane(MATCH), "className"),
        Input(ids.ROW_PICKER, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        State(ids.waterfall_pane(MATCH), "id"),
        State(ids.waterfall_pane(MATCH), "className"),
    )
    def _waterfall(row_id, ready, class_name, scale, pane_id, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update
        pane = waterfall_pane(services, pane_id["model"], row_id, ready, class_name, scale)
        return pane, drawn_class(drawn, scale)

    shared_range.register(app, "local")
