"""Decision plots: cumulative contributions from the base value (bottom) to the prediction (top).

Features run up the y axis, the most important at the top; each line starts at its explanation's base value
and adds one contribution per feature, so it ends at the prediction (the features beyond ``max_features``
are merged into one "other n features" step at the bottom, so the sum stays whole).

- :func:`decision_models`: one row, one line per model in its colour and dash, features ordered by their
  |contribution| summed over the models, so where the models part ways is where their lines split. Lines in
  different scales are never drawn on one axis: the figure then says so and draws nothing.
- :func:`decision_rows`: up to 50 rows of one model, lines coloured by prediction, misclassified rows
  (where labels are known) dashed red.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.colors import sample_colorscale

from portal.figures._style import (
    MUTED,
    WARNING,
    escaped,
    house_figure,
    in_template,
    merged,
    model_styles,
    placeholder,
    scale_and_class,
)
from portal.figures._waterfall import OTHER
from portal.results import LocalExplanation

MAX_ROWS = 50
MODELS_CAPTION = (
    "Each line adds one feature's contribution, bottom up; features ordered by |contribution| over the models."
)
BASE = "base value"
SCALES_DIFFER = (
    "The models are in different scales ({scales}): one decision plot would compare unlike numbers.<br>"
    "Choose the common scale to compare them here."
)


def decision_order(locals_: Sequence[LocalExplanation], max_features: int = 12) -> tuple[list[int], list[int]]:
    """Feature positions by |contribution| summed over ``locals_``, least important first (the y axis bottom up):
    the ``max_features`` shown, and the rest merged into one step."""
    total = np.abs(np.stack([np.asarray(loc.values, dtype=float) for loc in locals_])).sum(axis=0)
    order = np.argsort(-total, kind="stable")
    return order[:max_features][::-1].tolist(), order[max_features:].tolist()


def decision_path(local: LocalExplanation, shown: Sequence[int], rest: Sequence[int]) -> np.ndarray:
    """The line's x from the base value, through the merged rest (when any), up the shown features."""
    values = np.asarray(local.values, dtype=float)
    steps = ([float(values[rest].sum())] if len(rest) else []) + [float(values[i]) for i in shown]
    return local.base_value + np.concatenate([[0.0], np.cumsum(steps)])


def _ticks(local: LocalExplanation, shown: Sequence[int], rest: Sequence[int], feature_values: Mapping) -> list[str]:
    names = [local.feature_names[i] for i in shown]
    labelled = [f"{n} = {_short(feature_values[n])}" if n in feature_values else n for n in names]
    labelled = [escaped(label) for label in labelled]  # the user's names and values: plotly reads markup in ticks
    return [BASE, *([OTHER.format(n=len(rest))] if len(rest) else []), *labelled]


def _short(value: object) -> str:
    text = f"{value:.4g}" if isinstance(value, float) else str(value)
    return text if len(text) <= 18 else text[:17] + "…"


def _framed(traces: list[dict], ticks: list[str], local: LocalExplanation, caption: str, **layout) -> go.Figure:
    """The finished figure: the features up the y axis, the scale on the x axis, ``caption`` on top."""
    scale = escaped(scale_and_class(local.output_scale, local.explained_class))
    frame = {
        "yaxis": {
            "tickvals": list(range(len(ticks))),
            "ticktext": ticks,
            "showgrid": True,
            "range": [-0.4, len(ticks) - 0.6],
        },
        "xaxis": {"title": {"text": f"model output ({scale})"}},
        "margin": {"t": 40 if not caption else 64 if "<br>" in caption else 45},
    }
    return house_figure(traces, merged(frame, layout), "", caption, height=150 + 30 * len(ticks))


def decision_models(
    locals_: Sequence[LocalExplanation],
    *,
    colors: Mapping[str, str],
    feature_values: Mapping[str, object] | None = None,
    max_features: int = 12,
) -> go.Figure:
    """One line per model for one row, in its colour and dash, the prediction marked at the top."""
    scales = sorted({loc.output_scale for loc in locals_})
    if not locals_:
        return placeholder("The decision plot appears when a model's explanation of the row is ready.")
    if len(scales) > 1:
        return placeholder(SCALES_DIFFER.format(scales=", ".join(scales)), height=200)
    shown, rest = decision_order(locals_, max_features)
    styles = model_styles(colors)
    traces = []
    for local in locals_:
        path = decision_path(local, shown, rest)
        style = styles.get(local.model_name) or model_styles([local.model_name])[local.model_name]
        traces.append(
            {
                "type": "scatter",
                "x": path,
                "y": np.arange(len(path)),
                "mode": "lines+markers",
                "name": escaped(local.model_name),
                "line": {"color": colors.get(local.model_name, style.color), "dash": style.dash, "width": 2.5},
                "marker": {"symbol": style.symbol, "size": [6] * (len(path) - 1) + [12]},
                "hovertemplate": f"{in_template(local.model_name)}<br>%{{x:.4g}}<extra></extra>",
            }
        )
    ticks = _ticks(locals_[0], shown, rest, feature_values or {})
    legend = {"orientation": "h", "y": 1.0, "yanchor": "bottom", "x": 0, "xanchor": "left"}
    return _framed(traces, ticks, locals_[0], "", legend=legend)


def decision_rows(
    locals_: Sequence[LocalExplanation],
    *,
    misclassified: Sequence[bool] | None = None,
    max_features: int = 12,
    of_rows: str = "",
) -> go.Figure:
    """Up to :data:`MAX_ROWS` rows of one model, each line coloured by its prediction; ``misclassified`` rows
    (True) drawn dashed red on top. ``of_rows`` says which rows these are ("the first 50 of 812 rows")."""
    locals_ = list(locals_)[:MAX_ROWS]
    if not locals_:
        return placeholder("No rows to draw: the model's explanation holds none of these rows yet.")
    wrong = list(misclassified or [False] * len(locals_))[: len(locals_)]
    shown, rest = decision_order(locals_, max_features)
    outputs = np.array([loc.output for loc in locals_])
    low, high = float(outputs.min()), float(outputs.max())
    colours = _colours(outputs, low, high)
    traces = []
    for local, colour, bad in sorted(zip(locals_, colours, wrong), key=lambda t: t[2]):  # misclassified on top
        path, row = decision_path(local, shown, rest), escaped(local.row_id)  # the user's id: plotly reads markup
        traces.append(
            {
                "type": "scatter",
                "x": path,
                "y": np.arange(len(path)),
                "mode": "lines",
                "name": f"row {row}" + (" (misclassified)" if bad else ""),
                "line": {
                    "color": WARNING if bad else colour,
                    "dash": "dash" if bad else "solid",
                    "width": 2 if bad else 1.3,
                },
                "opacity": 1.0 if bad else 0.75,
                "showlegend": False,
                "meta": "misclassified" if bad else "row",
                "hovertemplate": f"row {in_template(local.row_id)}{' · misclassified' if bad else ''}<br>%{{x:.4g}}"
                "<extra></extra>",
            }
        )
    traces.append(_colour_bar(low, high))
    words = f"{sum(wrong)} misclassified (dashed red)" if misclassified is not None else "labels not known"
    caption = f"{escaped(locals_[0].model_name)}: {of_rows or f'{len(locals_)} rows'}<br>{words}; colour = prediction."
    return _framed(traces, _ticks(locals_[0], shown, rest, {}), locals_[0], caption)


SCALE = "Viridis"


def _colours(outputs: np.ndarray, low: float, high: float) -> list[str]:
    t = (outputs - low) / (high - low) if high > low else np.full(len(outputs), 0.5)
    return sample_colorscale(SCALE, t.tolist())


def _colour_bar(low: float, high: float) -> dict:
    """An invisible trace that carries the colour bar: prediction, low to high."""
    return {
        "type": "scatter",
        "x": [None],
        "y": [None],
        "mode": "markers",
        "showlegend": False,
        "hoverinfo": "skip",
        "marker": {
            "color": [low, high],
            "cmin": low,
            "cmax": high,
            "colorscale": SCALE,
            "showscale": True,
            "colorbar": {"title": {"text": "prediction", "side": "right"}, "thickness": 12, "len": 0.8},
        },
        "line": {"color": MUTED},
    }
