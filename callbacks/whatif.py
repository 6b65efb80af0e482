"""The what-if card on /local: edit the chosen row, every model re-predicts and re-explains it at once.

Whatever the inputs send is checked here before the project sees it, since a request need not come from the
page: a row the data lacks and a value (or feature name) past ``MAX_TEXT`` characters are one line under the
card, never an error page.
"""

from __future__ import annotations

import dash
from dash import ALL, Input, Output, State

from layouts import ids
from layouts.panes import graph, model_row
from layouts.whatif import result_card
from portal.analyses import MAX_TEXT, NO_ROW_TO_CHANGE, WhatIfError, shown
from portal.figures import model_colors, what_if_bars
from portal.web import PortalServices

TOO_LONG = "A what-if value of '{feature}' is {n:,} characters long; a value holds at most {cap:,}: use the data's own."


def reset_values(services: PortalServices, row_id: str | None, names: list[str]) -> list:
    """The row's own value for each input (in the inputs' order)."""
    values = services.row_values(str(row_id)) if row_id else {}
    return [values.get(name) for name in names]


def what_if_view(
    services: PortalServices,
    row_id: str | None,
    names: list[str],
    values: list,
    scale: str | None,
    class_name: str | None = None,
):
    """(error text, one card per model with its paired bars) for the row as edited by ``values``."""
    if not row_id:
        return "", ""
    original = services.row_values(str(row_id)) if len(str(row_id)) <= MAX_TEXT else {}
    refused = _refused(row_id, original, names, values)
    if refused:
        return refused, ""
    edits = {name: value for name, value in zip(names, values) if not _same(value, original.get(name))}
    try:
        results = services.what_if(str(row_id), edits, scale or "native", class_name)
    except WhatIfError as error:
        return str(error), dash.no_update
    edited = {**original, **edits}
    changed = [n for n in names if n in edits]
    colors = model_colors(services.model_names)
    cards = [
        result_card(
            name,
            colors[name],
            graph(
                what_if_bars(
                    before,
                    after,
                    color=colors[name],
                    changed=changed,
                    values_before=original,
                    values_after=edited,
                ),
                "whatif-graph",
                model=name,
            ),
        )
        for name, (before, after) in results.items()
    ]
    return "", model_row(cards)


def _refused(row_id: object, original: dict, names: list, values: list) -> str:
    """One line for what no project should be asked: a row the data lacks (``original`` empty), a value or a
    feature name past ``MAX_TEXT`` characters; "" when the edit may go on."""
    if not original:
        return NO_ROW_TO_CHANGE.format(row=shown(row_id))
    for name, value in zip(names, values):
        longest = max(len(str(name)), len(str(value)))
        if longest > MAX_TEXT:
            return TOO_LONG.format(feature=shown(name), n=longest, cap=MAX_TEXT)
    return ""


def _same(value: object, original: object) -> bool:
    if value in (None, "") and original is None:
        return True
    try:
        return float(value) == float(original)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        return value == original


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.whatif_input(ALL), "value"),
        Input(ids.ROW_PICKER, "value"),
        Input(ids.WHATIF_RESET, "n_clicks"),
        State(ids.whatif_input(ALL), "id"),
    )
    def _reset(row_id, _clicks, input_ids):
        return reset_values(services, row_id, [i["feature"] for i in input_ids])

    @app.callback(
        Output(ids.WHATIF_ERROR, "children"),
        Output(ids.WHATIF_RESULTS, "children"),
        Input(ids.whatif_input(ALL), "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.CLASS_PICKER, "value"),
        State(ids.ROW_PICKER, "value"),
        State(ids.whatif_input(ALL), "id"),
    )
    def _what_if(values, scale, class_name, row_id, input_ids):
        return what_if_view(services, row_id, [i["feature"] for i in input_ids], values, scale, class_name)
