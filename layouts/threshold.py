"""The decision threshold as a slider with its own labelled number box, shared by /fairness and /performance.

Dash 4's slider carries a built-in number box that commits only when focus leaves it, so a reader who typed 0.6 and
pressed Enter saw the slider move while the charts, verdicts and URL stayed at the old value. The slider's own box is
switched off (``allow_direct_input=False``) and replaced by a ``dcc.Input`` with ``debounce=True``, which commits on
Enter and on blur, once; :mod:`callbacks.threshold` keeps the two in step and explains a value it cannot take.
"""

from __future__ import annotations

import dash_bootstrap_components as dbc
from dash import dcc, html


def threshold_control(
    slider_id: str, box_id: str, note_id: str, label: str, value: float, **slider: object
) -> html.Div:
    """``label`` over a 0-to-1 slider with a number box beside it and a one-line note under them (empty unless the
    typed value was refused or clamped). ``slider`` passes extra options to the slider (``updatemode``, ...)."""
    track = dcc.Slider(
        id=slider_id,
        min=0.0,
        max=1.0,
        step=0.01,
        value=value,
        marks={v / 10: f"{v / 10:.1f}" for v in range(0, 11, 2)},
        allow_direct_input=False,  # one box only: the one beside the slider, which commits on Enter
        **slider,
    )
    box = dcc.Input(
        id=box_id,
        type="number",
        min=0,
        max=1,
        step=0.01,
        value=value,
        debounce=True,
        inputMode="decimal",
        className="form-control threshold-box",
    )
    return html.Div(
        [
            dbc.Label(label, html_for=slider_id, className="fw-semibold"),
            dbc.Row(
                [
                    dbc.Col(track, className="threshold-track"),
                    dbc.Col(
                        [dbc.Label("Threshold (probability, 0 to 1)", html_for=box_id, className="small mb-0"), box],
                        width="auto",
                    ),
                ],
                className="g-2 align-items-end",
            ),
            html.Div(id=note_id, className="figure-note text-danger", role="status"),
        ],
        className="threshold-control",
    )
