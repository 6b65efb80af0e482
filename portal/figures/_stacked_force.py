"""The stacked force plot: many rows' force plots turned upright and set side by side, as in shap.

Each row is one column. Its prediction is the black line; the pushes toward a higher output (red) are stacked
below it and end at it, the pushes toward a lower output (blue) start at it and rise above it, so the red and the
blue heights of a column differ by exactly ``prediction - base value``. The ``max_features`` most important
features of the rows drawn keep their own layer (the most important next to the line, as in the one-row force
plot); the others are merged per side into one "other" layer, so the browser draws at most ``2 (max_features + 1)``
filled bands whatever the number of features. Layers are filled areas (one path each), not bars: a thousand
columns draw at once.

Each layer is a trace whose ``y`` is its upper edge and whose ``meta`` says its side and feature: a layer's pushes
are its ``y`` less the trace before's. The prediction line carries the rows' ids and their top reasons
(``customdata``), and the page reads a click's row id from it: with hover mode "x" a click anywhere in a column
lands on the line.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from portal.analyses import BY_PREDICTION, BY_SIMILARITY, feature_order, prediction_order, similarity_order
from portal.figures._beeswarm import sample_rows
from portal.figures._style import INK, MUTED, class_label, escaped, finish, method_label, scale_and_class
from portal.figures._waterfall import _number, _value
from portal.results import Explanation

SAMPLE_SIZE = 1_000
REASONS = 3  # the top reasons the hover gives for a row
UP, DOWN, BOTTOM, LINE = "up", "down", "bottom", "prediction"
ORDER_WORDS = {BY_SIMILARITY: "by similarity of their explanations", BY_PREDICTION: "by prediction"}
#: A red push fills a little lighter than the one-row force plot's, so the white seams between layers show.
FILL = {UP: "rgba(232, 17, 79, 0.85)", DOWN: "rgba(30, 136, 229, 0.85)"}


def stacked_order(
    explanation: Explanation,
    by: str = BY_SIMILARITY,
    *,
    features: pd.DataFrame | None = None,
    sample_size: int = SAMPLE_SIZE,
    seed: int = 0,
) -> np.ndarray:
    """The positions of the rows to draw, in drawing order: a seeded sample of at most ``sample_size`` rows, ordered
    ``by`` similarity, prediction, or a feature's value (its contribution when ``features`` lacks it)."""
    rows = sample_rows(explanation.n_rows, sample_size, seed)
    if by == BY_PREDICTION:
        return rows[prediction_order(explanation.outputs[rows])]
    if by in explanation.feature_names:
        if features is not None and by in features:
            values = features[by].reindex(pd.Index(explanation.row_ids[rows].astype(str)))
        else:
            values = pd.Series(explanation.values[rows, explanation.feature_names.index(by)])
        return rows[feature_order(values.reset_index(drop=True), explanation.outputs[rows])]
    return rows[similarity_order(explanation.values[rows])]


def order_words(by: str) -> str:
    """'by similarity of their explanations', 'by prediction', 'by tenure'."""
    return ORDER_WORDS.get(by, f"by {by}")


def stacked_force(
    explanation: Explanation,
    rows: Sequence[int] | np.ndarray,
    *,
    by: str = BY_SIMILARITY,
    features: pd.DataFrame | None = None,
    max_features: int = 8,
    titled: bool = True,
    ordered_by: str = "",
) -> go.Figure:
    """The rows at positions ``rows`` (in that order, from :func:`stacked_order`), one column each. ``features`` (the
    data's columns by row id) gives the hover's "feature = value"; ``ordered_by`` names another model whose order
    the rows follow (side by side; :func:`narrow` suits a pane next to another). ``layout.meta`` keeps the rows'
    ids, the base values, the order and the extent drawn (``span``), so panes in one scale can share a y range."""
    rows = np.asarray(rows, dtype=int)
    values = np.asarray(explanation.values[rows], dtype=float)
    outputs = np.asarray(explanation.outputs[rows], dtype=float)
    bases = np.asarray(explanation.base_values[rows], dtype=float)
    ids = explanation.row_ids[rows].astype(str)
    top = np.argsort(-np.abs(values).mean(axis=0), kind="stable")[:max_features] if len(rows) else np.array([], int)
    layers = _layers(explanation, values, top)
    fig = go.Figure(_traces(layers, outputs))
    fig.add_trace(_line(outputs, ids, _reasons(explanation, values, ids, features), bases))
    if len(rows) and np.ptp(bases) < 1e-12:
        fig.add_hline(y=float(bases[0]), line={"color": MUTED, "dash": "dot", "width": 1})
        fig.add_annotation(
            **{"x": 1, "xref": "paper", "xanchor": "right", "y": float(bases[0]), "yanchor": "bottom"},
            text=f"base value {_number(float(bases[0]))}",
            showarrow=False,
            font={"color": INK, "size": 11},
            bgcolor="rgba(255, 255, 255, 0.85)",
        )
    words = escaped(order_words(by) + (f" (as {ordered_by})" if ordered_by else ""))  # a feature's, a model's name
    span = [0.5, len(rows) + 0.5]
    fig.update_xaxes(  # the hover's label on the axis reads "column 18"
        title=f"rows, ordered {words}", showticklabels=False, showgrid=False, range=span, tickprefix="column "
    )
    scale = scale_and_class(explanation.output_scale, explanation.explained_class)
    fig.update_yaxes(title=f"model output ({escaped(scale)})", zeroline=False)
    fig.update_layout(
        hovermode="x",
        showlegend=False,
        meta={
            "rows": ids.tolist(),
            "base_values": bases.tolist(),
            "by": by,
            "scale": explanation.output_scale,
            "span": _span(fig),
        },
    )
    subtitle = _subtitle(explanation, len(rows), titled)
    return finish(fig, escaped(explanation.model_name) if titled else "", subtitle, height=440)


def _span(fig: go.Figure) -> list[float]:
    """The lowest and highest edge drawn (the red stack's bottom, the blue stack's top), padded by 4%."""
    edges = [np.asarray(t.y, dtype=float) for t in fig.data if t.y is not None and len(t.y)]
    if not edges:
        return [0.0, 1.0]
    low, high = float(min(e.min() for e in edges)), float(max(e.max() for e in edges))
    pad = 0.04 * (high - low or 1.0)
    return [low - pad, high + pad]


def _layers(explanation: Explanation, values: np.ndarray, top: np.ndarray) -> list[tuple[str, str, np.ndarray]]:
    """(side, feature, pushes >= 0) for every layer in drawing order: red from the bottom (the merged rest first,
    the most important last, next to the line), then blue from the line upward (the most important first)."""
    rest = np.setdiff1d(np.arange(values.shape[1]), top)
    names = [explanation.feature_names[i] for i in top]
    other = f"other {len(rest)} features"
    up = [(UP, other, np.clip(values[:, rest], 0, None).sum(axis=1))] if len(rest) else []
    up += [(UP, n, np.clip(values[:, i], 0, None)) for n, i in reversed(list(zip(names, top)))]
    down = [(DOWN, n, -np.clip(values[:, i], None, 0)) for n, i in zip(names, top)]
    down += [(DOWN, other, -np.clip(values[:, rest], None, 0).sum(axis=1))] if len(rest) else []
    return up + down


def _traces(layers: list[tuple[str, str, np.ndarray]], outputs: np.ndarray) -> list[go.Scatter]:
    """The red stack's bottom edge, then each layer's upper edge filled down to the edge before it."""
    red = sum((pushes for side, _, pushes in layers if side == UP), np.zeros_like(outputs))
    edge = outputs - red
    traces = [_edge(edge, {"side": BOTTOM, "feature": ""}, None)]
    for side, feature, pushes in layers:
        edge = edge + pushes
        traces.append(_edge(edge, {"side": side, "feature": feature}, FILL[side]))
    return traces


def _edge(y: np.ndarray, meta: dict, fill: str | None) -> go.Scatter:
    return go.Scatter(
        x0=1,  # columns count from 1
        dx=1,
        y=y,  # float64: a column's pushes read back to 1e-9
        mode="lines",
        line={"color": "white", "width": 0.3 if fill else 0},
        fill="tonexty" if fill else None,
        fillcolor=fill,
        meta=meta,
        name=f"{escaped(meta['feature'])}, pushing {meta['side']} (upper edge)" if fill else "bottom of the red stack",
        hoverinfo="skip",
    )


def _line(outputs: np.ndarray, ids: np.ndarray, reasons: list[str], bases: np.ndarray) -> go.Scatter:
    """The prediction line; its hover names the row, its prediction and base value, and its top reasons. A click
    reads the row's id as it is from ``customdata[0]``; the hover shows it escaped (``customdata[3]``)."""
    shown = [escaped(i) for i in ids]  # the user's ids: plotly reads their markup
    data = np.column_stack([ids, [_number(b) for b in bases], reasons, shown]) if len(ids) else None
    return go.Scatter(
        x0=1,  # columns count from 1
        dx=1,
        y=outputs,
        mode="lines",
        line={"color": INK, "width": 1.5},
        meta={"side": LINE, "feature": ""},
        name="prediction",
        customdata=data,
        hovertemplate="<b>row %{customdata[3]}</b><br>prediction %{y:.4g} (base value %{customdata[1]})"
        "<br>%{customdata[2]}<extra></extra>",
    )


def _reasons(explanation: Explanation, values: np.ndarray, ids: np.ndarray, features: pd.DataFrame | None) -> list[str]:
    """Each row's :data:`REASONS` largest pushes, '▲ tenure = 2 (+0.12)', one a line."""
    if len(ids) == 0:
        return []
    top = np.argsort(-np.abs(values), axis=1, kind="stable")[:, :REASONS]
    labels = _labels(explanation.feature_names, np.unique(top), ids, features)
    return [
        "<br>".join(f"{'▲' if values[k, i] > 0 else '▼'} {labels[i][k]} ({values[k, i]:+.3g})" for i in picked)
        for k, picked in enumerate(top)
    ]


def _labels(names: Sequence[str], used: np.ndarray, ids: np.ndarray, features: pd.DataFrame | None) -> dict:
    """For each feature used, each row's 'feature = value' (its name alone where the value is unknown), escaped: the
    user's names and values, which plotly would read as markup in the hover."""
    frame = None if features is None else features.reindex(pd.Index(ids))
    labels = {}
    for i in used:
        name, shown = names[i], escaped(names[i])
        if frame is None or name not in frame.columns:
            labels[i] = [shown] * len(ids)
        else:
            labels[i] = [f"{shown} = {escaped(_value(v))}" if pd.notna(v) else shown for v in frame[name].tolist()]
    return labels


def _subtitle(explanation: Explanation, drawn: int, titled: bool) -> str:
    """'1,000 of 7,043 rows (seeded sample)', the class and the method."""
    population = explanation.sample_of or explanation.n_rows
    subtitle = f"{drawn:,} of {population:,} rows{' (seeded sample)' if drawn < population else ''}"
    if explanation.explained_class:
        subtitle = f"{escaped(class_label(explanation.explained_class))} · {subtitle}"
    return subtitle + f"{' · ' if titled else '<br>'}{escaped(method_label(explanation.provenance))}"
