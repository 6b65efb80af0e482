"""The scale chooser of /global and /local: every model in the common scale, or each in its own.

Real radio inputs drawn as a button group, so it works from the keyboard (Tab to it, arrow keys to
choose). One id on both pages, remembered for the browser session, so /global and /local show the same
scale; a scale a link names (``?scale=``) wins over the remembered one. It is always in the page, hidden
when the project has no common scale to offer (regression: the target's units are shared already), so the
callbacks that take its value fire on every project.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from portal.analyses import COMMON, NATIVE


def scale_toggle(shown: bool, common_label: str, native_label: str, value: str | None = None) -> html.Div:
    """The two choices, the common scale first and chosen (or ``value``, a link's); only the native one when
    not ``shown``."""
    linked = shown and value in (COMMON, NATIVE)
    return html.Div(
        [
            html.Span("Scale", className="fw-semibold", id=f"{ids.SCALE_TOGGLE}-label"),
            dbc.RadioItems(
                id=ids.SCALE_TOGGLE,
                value=value if linked else COMMON if shown else NATIVE,
                inline=True,
                options=[{"label": common_label, "value": COMMON}, {"label": native_label, "value": NATIVE}],
                className="btn-group",
                inputClassName="btn-check",
                labelClassName="btn btn-outline-primary btn-sm",
                labelCheckedClassName="active",
                persistence=not linked,
                persistence_type="session",
            ),
        ],
        className="scale-toggle",
        role="radiogroup",
        **{"aria-labelledby": f"{ids.SCALE_TOGGLE}-label"},
        style={} if shown else {"display": "none"},
    )


#: The per-pane switch's one option: this pane on an axis of its own (off: the panes' shared axis).
OWN_AXIS = "own"


def own_axis_switch(switch_type: str, model: str) -> dbc.Checklist:
    """A small switch in a model's pane: off (the default), the pane shares the page's axis; on, its own."""
    return dbc.Checklist(
        id={"type": switch_type, "model": model},
        options=[{"label": "own axis", "value": OWN_AXIS}],
        value=[],
        switch=True,
        className="own-axis-switch small",
    )


def axis_note(note_type: str, model: str) -> html.P:
    """Under a pane's chart: how many points lie beyond its axis (filled in the browser)."""
    return html.P(id={"type": note_type, "model": model}, className="axis-note figure-note mb-0")


def axes_note(note_id: str) -> html.P:
    """One line on the page: whether the panes share an axis, and why not when they do not (browser-filled)."""
    return html.P(id=note_id, className="axes-note figure-note", **{"aria-live": "polite"})
