"""Force plots of one row: each model's pushes as one horizontal bar, models stacked one above another.

As in SHAP's force plot, the pushes toward a higher output (red) end at the prediction from the left and
the pushes toward a lower output (blue) start at it going right, so each bar spans base value to prediction
once the two sides cancel. Each segment is a bar of ``x`` = its signed contribution drawn from ``base``
(a negative ``x`` draws leftwards), so the ``x`` of a model's segments sum to ``prediction - base value``.
The largest ``max_features`` keep their own segment, labelled "feature = value" inside it (text that does
not fit is hidden, never overprinted); the rest are merged, per side, into "other n features".

Models in one scale share one x axis; in different scales (each model's own: probability beside log-odds)
each gets an axis of its own and the subtitle says so (the house rule: never one axis for two scales).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from portal.figures._style import INK, MUTED, PERCENT, PUSH_DOWN, PUSH_UP, escaped, finish, scale_and_class, text_color
from portal.figures._waterfall import OTHER, _label, _number
from portal.results import LocalExplanation

SCALES_DIFFER = "The models are in different scales ({scales}): each has its own x axis; compare within a bar."
SHARED = "One x axis ({scale}): red pushes toward a higher output, blue toward a lower one."
ROW_HEIGHT = 120


@dataclass(frozen=True)
class Segment:
    """One push of a force bar: drawn from ``start`` over ``push`` (signed) with its label."""

    label: str
    push: float
    start: float


def force_segments(
    local: LocalExplanation, feature_values: Mapping[str, object] | None = None, max_features: int = 6
) -> list[Segment]:
    """The bar's segments left to right: the red ones (smallest first, the largest next to the prediction),
    then the blue ones (the largest next to the prediction)."""
    values = np.asarray(local.values, dtype=float)
    order = np.argsort(-np.abs(values), kind="stable")
    top, rest = order[:max_features], order[max_features:]
    pushes = [(_label(local.feature_names[i], feature_values or {}), float(values[i])) for i in top]
    for sign in (1.0, -1.0):
        merged = [i for i in rest if np.sign(values[i]) == sign]
        if merged:
            pushes.append((OTHER.format(n=len(merged)), float(values[merged].sum())))
    up = sorted((p for p in pushes if p[1] > 0), key=lambda p: p[1])  # smallest first: the largest ends at the output
    down = sorted((p for p in pushes if p[1] < 0), key=lambda p: p[1])  # largest first: it starts at the output
    left = local.output - sum(p for _, p in up)
    segments, x = [], left
    for label, push in up:
        segments.append(Segment(label, push, x))
        x += push
    for label, push in down:
        segments.append(Segment(label, push, x - push))  # drawn leftwards from its right end
        x -= push
    return segments


def force_span(local: LocalExplanation, segments: Sequence[Segment]) -> tuple[float, float]:
    """The bar's extent with the base value and the prediction, padded for their labels."""
    ends = [local.base_value, local.output, *(s.start for s in segments), *(s.start + s.push for s in segments)]
    low, high = min(ends), max(ends)
    pad = 0.08 * (high - low or 1.0)
    return (low - pad, high + pad)


def force_plot(
    locals_: Sequence[LocalExplanation],
    *,
    feature_values: Mapping[str, object] | None = None,
    colors: Mapping[str, str] | None = None,
    max_features: int = 6,
) -> go.Figure:
    """One force bar per model (the first on top). One shared x axis when every model is in one scale, else an
    axis per model and a subtitle saying the scales differ. ``layout.meta`` keeps the scales and whether the
    axis is shared."""
    scales = list(dict.fromkeys(loc.output_scale for loc in locals_))
    shared = len(scales) == 1
    n = len(locals_)
    fig = make_subplots(rows=n, cols=1, shared_xaxes=shared, vertical_spacing=0.28 / max(n, 1) if not shared else 0.06)
    spans = []
    for i, local in enumerate(locals_, start=1):
        segments = force_segments(local, feature_values, max_features)
        spans.append(force_span(local, segments))
        color = (colors or {}).get(local.model_name, INK)
        for trace in (_segments_trace(local, segments), _ends_trace(local, color)):
            fig.add_trace(trace, row=i, col=1)
        fig.update_yaxes(showticklabels=False, showgrid=False, range=[-0.9, 1.25], fixedrange=True, row=i, col=1)
        fig.update_xaxes(title=_axis_title(local) if not shared or i == n else None, row=i, col=1)
        fig.add_annotation(
            text=f"<b>{escaped(local.model_name)}</b>",
            font={"color": text_color(color)},
            x=0,
            xref=f"x{'' if i == 1 else i} domain",
            xanchor="left",
            y=0.9,
            yref=f"y{'' if i == 1 else i}",
            yanchor="bottom",
            showarrow=False,
        )
    if shared and spans:
        union = [min(s[0] for s in spans), max(s[1] for s in spans)]
        fig.update_xaxes(range=union, autorange=False)
    else:
        for i, span in enumerate(spans, start=1):
            fig.update_xaxes(range=list(span), autorange=False, row=i, col=1)
    fig.update_layout(
        barmode="overlay",
        showlegend=False,
        uniformtext={"minsize": 10, "mode": "hide"},
        meta={"scales": scales, "shared": shared},
    )
    note = SHARED.format(scale=scales[0]) if shared else SCALES_DIFFER.format(scales=", ".join(scales))
    return finish(fig, "", note, height=60 + ROW_HEIGHT * n + (0 if shared else 30 * n))


def _segments_trace(local: LocalExplanation, segments: Sequence[Segment]) -> go.Bar:
    pushes, model = [s.push for s in segments], escaped(local.model_name)  # the user's text: plotly reads markup
    return go.Bar(
        orientation="h",
        y=[0.0] * len(segments),
        x=pushes,
        base=[s.start for s in segments],
        width=0.7,
        marker={"color": [PUSH_UP if p > 0 else PUSH_DOWN for p in pushes], "line": {"color": "white", "width": 1}},
        text=[escaped(s.label).replace(" = ", "<br>= ", 1) for s in segments],  # the user's names and values
        textposition="inside",
        insidetextanchor="middle",
        textfont={"color": "white", "size": 11},
        customdata=[[escaped(s.label), s.push] for s in segments],
        hovertemplate=f"{model.replace('%', PERCENT)}<br>%{{customdata[0]}}<br>push %{{customdata[1]:+.4g}}"
        "<extra></extra>",
        name=model,
    )


def _ends_trace(local: LocalExplanation, color: str) -> go.Scatter:
    """The base value (a hollow diamond under the bar) and the prediction (a bold tick over it), labelled."""
    return go.Scatter(
        x=[local.base_value, local.output],
        y=[-0.55, 0.55],
        mode="markers+text",
        marker={"symbol": ["diamond-open", "line-ns"], "size": [11, 18], "color": [MUTED, color], "line": {"width": 3}},
        text=[f"base value {_number(local.base_value)}", f"<b>prediction {_number(local.output)}</b>"],
        textposition=["bottom center", "top center"],
        textfont={"color": INK, "size": 12},
        cliponaxis=False,
        hovertemplate="%{text}<extra></extra>",
        name="ends",
    )


def _axis_title(local: LocalExplanation) -> str:
    return f"model output ({escaped(scale_and_class(local.output_scale, local.explained_class))})"
