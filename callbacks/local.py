"""Local page: a server-side searchable row picker and one waterfall per model for the chosen row."""

from __future__ import annotations

from collections.abc import Sequence
from itertools import islice
from urllib.parse import urlencode

import dash
import numpy as np
from dash import MATCH, Input, Output, State

from callbacks._ready import not_ready, ready_explanation
from layouts import ids
from layouts.local import local_page, waterfall_body
from layouts.panes import missing_row
from portal.figures import key_values, method_label, model_colors, prediction_text, waterfall
from portal.services import PortalServices

MAX_OPTIONS = 50


def page(services: PortalServices, query: dict):
    """Build ``/local``; ``?id=...`` preselects a row, else the first row is shown."""
    row_ids = services.row_ids()
    row_id = (query.get("id") or [None])[0] or (row_ids[0] if row_ids else None)
    options = search_rows(row_ids, "", row_id)
    return local_page(services.model_names, model_colors(services.model_names), row_id, options, MAX_OPTIONS)


def search_rows(row_ids: Sequence[str], text: str | None, selected: str | None, limit: int = MAX_OPTIONS) -> list[str]:
    """At most ``limit`` ids containing ``text`` (any case), keeping the selected id listed."""
    needle = (text or "").strip().lower()
    matches = list(islice((r for r in row_ids if needle in r.lower()), limit))
    if selected and selected not in matches:
        matches = [selected, *matches[: limit - 1]]
    return matches


def waterfall_pane(services: PortalServices, model: str, row_id: str | None, ready: list[str] | None):
    """The model's waterfall for the row with its prediction line, or why it cannot be shown."""
    explanation = ready_explanation(services, model, ready)
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
    )


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.ROW_PICKER, "options"),
        Input(ids.ROW_PICKER, "search_value"),
        State(ids.ROW_PICKER, "value"),
        prevent_initial_call=True,
    )
    def _search(text, selected):
        return search_rows(services.row_ids(), text, selected)

    @app.callback(Output(ids.URL, "search"), Input(ids.ROW_PICKER, "value"), prevent_initial_call=True)
    def _remember_row(row_id):
        return "?" + urlencode({"id": row_id}) if row_id else ""

    @app.callback(
        Output(ids.waterfall_pane(MATCH), "children"),
        Input(ids.ROW_PICKER, "value"),
        Input(ids.READY_MODELS, "data"),
        State(ids.waterfall_pane(MATCH), "id"),
    )
    def _waterfall(row_id, ready, pane_id):
        return waterfall_pane(services, pane_id["model"], row_id, ready)
