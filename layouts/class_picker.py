"""The class chooser of a multi-class project: which class the explanations on a page are about.

A plain ``dcc.Dropdown`` so it works from the keyboard (Tab to it, type to filter, arrows, Enter).
It is always in the page, hidden when the project has no classes to choose (binary or regression),
so the callbacks that take its value fire on every project. The choice is remembered for the
browser session, so /global and /local show the same class; a class a link names (``?class=``) wins over the
remembered one.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids


def class_picker(class_names: Sequence[str], value: str | None = None) -> html.Div:
    """A labelled dropdown of ``class_names``, ``value`` chosen (a link's: not overridden by the session's
    remembered choice) or the first; hidden when there are none."""
    linked = value in class_names
    hidden = {} if class_names else {"display": "none"}
    return html.Div(
        [
            dbc.Label("Explain class", html_for=ids.CLASS_PICKER, className="fw-semibold mb-0"),
            dcc.Dropdown(
                id=ids.CLASS_PICKER,
                options=[{"label": name, "value": name} for name in class_names],
                value=value if linked else class_names[0] if class_names else None,
                clearable=False,
                searchable=True,
                persistence=not linked,
                persistence_type="session",
                className="class-dropdown",
            ),
        ],
        className="class-picker",
        style=hidden,
    )
