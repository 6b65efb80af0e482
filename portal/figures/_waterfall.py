"""One model's explanation of one row as a waterfall: from the base value to the prediction.

The largest contributions get their own bar (labelled ``feature = value`` when the row's values are
given); the rest are summed into one "other N features" bar, so the bars always add up to
``output - base_value``. Title and axis name the output scale.
"""

from __future__ import annotations

import math
from collections.abc import Mapping

import numpy as np
import plotly.graph_objects as go

from portal.figures._beeswarm import NARROW
from portal.figures._style import (
    INK,
    MUTED,
    PUSH_DOWN,
    PUSH_UP,
    class_label,
    escaped,
    house_figure,
    merged,
    scale_and_class,
)
from portal.results import LOG_ODDS, LocalExplanation

OTHER = "other {n} features"
BASE, PREDICTION = "base value", "prediction"


def waterfall(
    local: LocalExplanation,
    *,
    feature_values: Mapping[str, object] | None = None,
    max_features: int = 10,
    titled: bool = True,
    x_range: tuple[float, float] | None = None,
) -> go.Figure:
    """Horizontal waterfall from the base value (bottom) to the prediction (top), largest push on top.

    ``titled=False`` leaves the title out, for a pane that already names the model and the prediction.
    The x axis spans ``x_range`` (several panes' shared range) or the bars' own; ``layout.meta`` keeps the
    own range and the scale, for the page's shared-axis switch.
    """
    labels, deltas = _bars(local, feature_values or {}, max_features)
    own = x_range_of(local, max_features)
    layout = {
        "shapes": [_vline(local.base_value, "dot"), _vline(local.output, "dash")],
        "xaxis": {
            "title": {"text": f"model output ({escaped(scale_and_class(local.output_scale, local.explained_class))})"},
            "range": list(x_range or own),
            "autorange": False,
            "automargin": True,
        },
        "yaxis": {
            "showgrid": False,
            "categoryorder": "array",
            "categoryarray": [BASE, *labels, PREDICTION],
            "automargin": True,
        },
        "showlegend": False,
        "meta": {"own": list(own), "scale": local.output_scale},
    }
    parts = (local.model_name, f"row {local.row_id}", class_label(local.explained_class))
    title = escaped(" · ".join(p for p in parts if p)) if titled else ""
    subtitle = escaped(prediction_text(local)) if titled else ""
    traces = [_steps(local, labels, deltas), _ends(local)]
    return house_figure(
        traces, layout if titled else merged(layout, NARROW), title, subtitle, 130 + 38 * (len(deltas) + 2)
    )


def _vline(x: float, dash: str) -> dict:
    """A vertical line across the plot at ``x`` (what ``add_vline`` draws)."""
    line = {"dash": dash, "color": MUTED, "width": 1}
    return {"type": "line", "x0": x, "x1": x, "xref": "x", "y0": 0, "y1": 1, "yref": "y domain", "line": line}


def _steps(local: LocalExplanation, labels: list[str], deltas: list[float]) -> dict:
    return {
        "type": "waterfall",
        "orientation": "h",
        "measure": ["relative"] * len(deltas),
        "y": labels,
        "x": deltas,
        "base": local.base_value,
        "text": [_signed(d) for d in deltas],
        "textposition": "outside",
        "textfont": {"size": 11},
        "cliponaxis": False,
        "increasing": {"marker": {"color": PUSH_UP}},
        "decreasing": {"marker": {"color": PUSH_DOWN}},
        "connector": {"line": {"color": "#ADB5BD", "width": 1, "dash": "dot"}},
        "hovertemplate": "%{y}<br>contribution %{customdata:+.4g}<extra></extra>",
        "customdata": deltas,
    }


def _ends(local: LocalExplanation) -> dict:
    """Markers for the base value and the prediction, on rows of their own."""
    return {
        "type": "scatter",
        "y": [BASE, PREDICTION],
        "x": [local.base_value, local.output],
        "mode": "markers+text",
        "marker": {"symbol": "diamond", "size": 11, "color": INK},
        "cliponaxis": False,
        "text": [_number(local.base_value), _number(local.output)],
        "textposition": "middle right",
        "textfont": {"color": INK},
        "hovertemplate": "%{y} %{x:.4g}<extra></extra>",
    }


def prediction_text(local: LocalExplanation) -> str:
    """One line a reader can quote: 'Prediction 0.72 (probability), base value 0.27'.

    Of one class of a multi-class model: 'Prediction 0.72 (probability, class: setosa), base value 0.33'.
    """
    scale = scale_and_class(local.output_scale, local.explained_class)
    if local.output_scale == LOG_ODDS:
        scale += f", ≈ {1 / (1 + math.exp(-local.output)):.2f} probability"
    return f"Prediction {_number(local.output)} ({scale}), base value {_number(local.base_value)}"


def base_value_note(local: LocalExplanation, background_rows: int | None = None, of_rows: int | None = None) -> str:
    """Why base values differ between panes: each is its model's own mean prediction over its background rows.

    'Base value 0.27 = the model's mean prediction over its background rows (200 of 7,043), in probability;
    models differ because each averages its own predictions (and may use its own background rows).'
    """
    counted = f" ({background_rows:,} of {of_rows:,})" if background_rows and of_rows else ""
    scale = scale_and_class(local.output_scale, local.explained_class)
    return (
        f"Base value {_number(local.base_value)} = the model's mean prediction over its background rows{counted}, "
        f"in {scale}; models differ because each averages its own predictions (and may use its own background rows)."
    )


def key_values(local: LocalExplanation, feature_values: Mapping[str, object], k: int = 4) -> list[str]:
    """'feature = value' for the row's ``k`` most influential features in this model."""
    top = np.argsort(-np.abs(local.values), kind="stable")[:k]
    return [_label(local.feature_names[i], feature_values) for i in top]


def _bars(local: LocalExplanation, feature_values: Mapping[str, object], max_features: int):
    """Labels and contributions, bottom to top: the 'other' bar, then smallest to largest."""
    order = np.argsort(-np.abs(local.values), kind="stable")
    top, rest = order[:max_features], order[max_features:]
    labels = [_tick(local.feature_names[i], feature_values) for i in top[::-1]]
    deltas = [float(local.values[i]) for i in top[::-1]]
    if len(rest):
        labels.insert(0, OTHER.format(n=len(rest)))
        deltas.insert(0, float(local.values[rest].sum()))
    return labels, deltas


def _label(feature: str, feature_values: Mapping[str, object]) -> str:
    """'tenure = 2' (or just the feature's name when its value is not known)."""
    return f"{feature} = {_value(feature_values[feature])}" if feature in feature_values else feature


def _tick(feature: str, feature_values: Mapping[str, object]) -> str:
    """The axis label: the feature's name, and its value on a second, muted line (narrow panes)."""
    if feature not in feature_values:
        return escaped(feature)
    value = escaped(_value(feature_values[feature]))  # the user's name and value: plotly would read their markup
    return f"{escaped(feature)}<br><span style='color:{MUTED}'>= {value}</span>"


def _value(value: object) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 20 else text[:19] + "…"


def x_range_of(local: LocalExplanation, max_features: int = 10) -> tuple[float, float]:
    """The waterfall's own x range: its bars' path from base value to prediction, with room on both sides
    for the bars' outside labels. Panes in one scale share the union of theirs."""
    deltas = _bars(local, {}, max_features)[1]
    path = local.base_value + np.concatenate([[0.0], np.cumsum(deltas)])
    low, high = min(path.min(), local.output), max(path.max(), local.output)
    pad = 0.45 * (high - low or 1.0)
    return (float(low - pad), float(high + pad))


def _signed(x: float) -> str:
    """Short signed text for a bar: two significant digits (the hover shows four)."""
    return f"{x:+.2g}" if abs(x) < 1_000 else f"{x:+,.0f}"


def _number(x: float) -> str:
    return f"{x:,.0f}" if abs(x) >= 1_000 else f"{x:.2f}"
