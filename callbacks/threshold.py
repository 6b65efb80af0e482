"""Keeps a threshold slider and the number box beside it in step, both ways (see :mod:`layouts.threshold`).

The box commits on Enter and on blur (``debounce=True``), once; its value moves the slider, and everything that
follows the threshold listens to the slider alone, so a typed value and a dragged one take the same path to the
charts, the verdicts and the URL. A value out of 0 to 1 is clamped, an empty or unreadable one ignored, each with a
one-line note (the browser itself reports a number outside the box's 0-1 range as no number).
"""

from __future__ import annotations

import dash
from dash import Input, Output, State, ctx

from portal.web import VIEWER, Registrar, merge_query

NO_CHANGE = dash.no_update


def synced(trigger: str, box: str, slider_value: object, box_value: object) -> tuple:
    """(slider value, box value, note) after ``trigger`` changed: the slider copies a typed value (clamped to
    0-1, rounded to 4 decimals), the box copies a dragged one; the box's own value is left alone so the reader's
    caret stays where it was."""
    if trigger != box:
        return NO_CHANGE, slider_value, ""
    if isinstance(box_value, bool) or not isinstance(box_value, int | float) or box_value != box_value:
        kept = f"{slider_value:g}" if isinstance(slider_value, int | float) else "as it was"
        return NO_CHANGE, NO_CHANGE, f"Type a probability from 0 to 1 (for example 0.6); the threshold stays {kept}."
    value = round(float(box_value), 4)
    clamped = min(1.0, max(0.0, value))
    if clamped != value:
        return clamped, clamped, f"{value:g} is outside 0 to 1: the threshold is {clamped:g}."
    return clamped, NO_CHANGE, ""


def threshold_query(threshold: object, search: str | None) -> str:
    """``search`` with ``threshold`` (a probability, 0 to 1) set, every other key kept."""
    if isinstance(threshold, bool) or not isinstance(threshold, int | float):
        return NO_CHANGE
    return merge_query(search, {"threshold": f"{round(float(threshold), 4):g}"})


def register_pair(app: Registrar, slider: str, box: str, note: str) -> None:
    """Wire one slider and its box (one circular callback: Dash allows a callback to set its own input)."""

    @app.callback(
        VIEWER,
        Output(slider, "value"),
        Output(box, "value"),
        Output(note, "children"),
        Input(slider, "value"),
        Input(box, "value"),
        prevent_initial_call=True,
    )
    def _sync(slider_value, box_value):
        return synced(str(ctx.triggered_id), box, slider_value, box_value)


def register_url(app: Registrar, slider: str, url: str) -> None:
    """The URL's ``?threshold=`` follows the slider, every other key kept."""

    @app.callback(
        VIEWER,
        Output(url, "search", allow_duplicate=True),
        Input(slider, "value"),
        State(url, "search"),
        prevent_initial_call=True,
    )
    def _share(threshold, search):
        return threshold_query(threshold, search)
