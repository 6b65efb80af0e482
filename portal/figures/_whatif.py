"""What-if: one model's contributions for the row as it was and as edited, side by side."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from portal.figures._style import MUTED, bar_pattern, escaped, house_figure, pattern_of, scale_label
from portal.results import LocalExplanation

TOP_FEATURES = 8
#: Labels longer than this many characters put the value on a second line, so a pane a third of a 1000 px window
#: wide keeps its bars (the names were cut at the left edge: "nent_method = Mailed check").
WRAP_AT = 20


def what_if_bars(
    before: LocalExplanation,
    after: LocalExplanation,
    *,
    color: str,
    changed: Sequence[str] = (),
    values_before: Mapping[str, object] | None = None,
    values_after: Mapping[str, object] | None = None,
) -> go.Figure:
    """Paired bars per feature (original in grey, edited in the model's colour and bar pattern, as in the charts
    that compare models), biggest either way first.

    Changed features are always shown and labelled "old → new", so the reader sees the edit and its effect.
    """
    names = list(before.feature_names)
    size = np.maximum(np.abs(before.values), np.abs(after.values))
    order = [i for i in np.argsort(-size, kind="stable") if names[i] not in changed]
    shown = [names.index(c) for c in changed if c in names] + order
    shown = shown[: max(TOP_FEATURES, len(changed))][::-1]
    labels = [_label(names[i], changed, values_before or {}, values_after or {}) for i in shown]
    unit = scale_label(after.output_scale)
    bars = [
        {
            "type": "bar",
            "y": labels,
            "x": before.values[shown],
            "orientation": "h",
            "name": "as it is",
            "marker": {"color": MUTED},
            "opacity": 0.55,
            "hovertemplate": "%{y}<br>as it is: %{x:+.3g} " + unit + "<extra></extra>",
        },
        {
            "type": "bar",
            "y": labels,
            "x": after.values[shown],
            "orientation": "h",
            "name": "edited",
            "marker": {"color": color, "pattern": bar_pattern(pattern_of(color))},
            "hovertemplate": "%{y}<br>edited: %{x:+.3g} " + unit + "<extra></extra>",
        },
    ]
    title = f"{before.output:.3g} → {after.output:.3g} ({unit})"
    subtitle = (
        f"base value {after.base_value:.3g}; changed: {escaped(', '.join(changed)) or 'nothing yet'}"
        "<br>top bar: edited · grey, below: as it is"
    )
    layout = {
        # No legend (it overprinted the axis title in a narrow pane): the subtitle says which bar is which, by place.
        "barmode": "group",
        "bargap": 0.25,
        "showlegend": False,
        "xaxis": {
            "title": {"text": f"contribution<br>({unit})"},
            "zeroline": True,
            "zerolinecolor": MUTED,
            "tickangle": 0,
            "nticks": 5,
        },
        "yaxis": {"tickfont": {"size": 12}},
        # The toolbar stands upright at the right edge, beside the title rather than over it.
        "title": {"font": {"size": 15}},
        "modebar": {"orientation": "v"},
        "margin": {"t": 95, "r": 34},
    }
    return house_figure(bars, layout, title, subtitle, height=170 + 34 * len(shown))


def _label(name: str, changed: Sequence[str], before: Mapping[str, object], after: Mapping[str, object]) -> str:
    """'tenure = 2', or '<b>tenure: 2 → 30</b>' for an edit; the user's name and values escaped (plotly reads
    markup in ticks), the lengths measured on what is shown."""
    shown = escaped(name)
    if name in changed:
        edit = f"{_show(before.get(name))} → {_show(after.get(name))}"
        return f"<b>{shown}:{'<br>' if len(name) + len(edit) > WRAP_AT else ' '}{escaped(edit)}</b>"
    if name not in before:
        return shown
    value = _show(before.get(name))
    return f"{shown}<br>= {escaped(value)}" if len(name) + len(value) + 3 > WRAP_AT else f"{shown} = {escaped(value)}"


def _show(value: object) -> str:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    return f"{value:.4g}" if isinstance(value, float) else str(value)
