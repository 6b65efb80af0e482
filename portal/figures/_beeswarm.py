"""One model's beeswarm: every sampled row's contribution per feature, features by importance.

The browser gets a seeded sample of at most ``sample_size`` rows, drawn with WebGL, and the subtitle
says how many of how many rows it shows. Points spread vertically in proportion to how crowded their
neighbourhood is, so dense regions look wide, as in SHAP's own beeswarm. For a cohort, everyone's rows are
drawn behind in grey (a smaller sample, no hover), so the reader sees where the cohort sits in the crowd.

Given the data's ``features`` (indexed by row id), points are coloured by their feature's value as in SHAP
(:mod:`portal.figures._feature_colours`: low blue to high red, missing grey, a "feature value" colour bar) and
the hover gives the row, the value and the contribution; the model's colour then belongs to the pane's frame
and title. Without ``features`` every point takes the model's ``color``.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import plotly.graph_objects as go

from portal.figures._feature_colours import BAR_ROOM, COLORSCALE, COLOUR_BAR, MISSING, feature_levels, level_colours
from portal.figures._ranges import clamp, robust_range
from portal.figures._style import (
    PALETTE,
    caption_lines,
    class_label,
    escaped,
    finish,
    method_label,
    scale_and_class,
)
from portal.results import Explanation

SAMPLE_SIZE = 2_000
#: With everyone drawn behind a cohort: fewer points of each, so the figure stays under 1 MB.
COHORT_SAMPLE, BACKGROUND_SAMPLE = 1_200, 800
BACKGROUND = "#CED4DA"
PANE_CHARACTERS = 38  # of the caption, beside the toolbar, in a pane at a 1,000 px window
LINE_HEIGHT = 17  # px of a caption line
SPREAD = 0.38  # half-height of a feature's band, in category units


def beeswarm(
    explanation: Explanation,
    *,
    sample_size: int = SAMPLE_SIZE,
    seed: int = 0,
    max_features: int = 12,
    color: str = PALETTE[0],
    titled: bool = True,
    total_rows: int | None = None,
    background: Explanation | None = None,
    x_range: tuple[float, float] | None = None,
    features: pd.DataFrame | None = None,
) -> go.Figure:
    """A horizontal beeswarm of the most important features, most important on top.

    ``titled=False`` drops the model name from the title (for a pane headed by it); the "n of N
    rows" line stays. ``total_rows`` above ``explanation.n_rows`` marks an explanation still being
    computed: the line then says how many rows are done so far. ``background`` (everyone, when
    ``explanation`` is a cohort's) is drawn behind in grey.

    The x axis spans ``x_range`` (several panes' shared range), else the drawn values' 1st-99th percentile
    (:func:`robust_range`); points beyond it sit at its edge as triangles whose hover gives the real value.
    ``layout.meta`` keeps the pane's own range and scale, for the page's shared-axis switch. ``features`` (the
    data's original columns indexed by row id, kept on the server) colours the points by value.
    """
    if background is not None:
        sample_size = min(sample_size, COHORT_SAMPLE)
    rows = sample_rows(explanation.n_rows, sample_size, seed)
    order = np.argsort(-explanation.mean_abs(), kind="stable")[:max_features][::-1]
    values = explanation.values[np.ix_(rows, order)]
    rng = np.random.default_rng(seed)
    y = np.concatenate([j + _offsets(values[:, j], rng) for j in range(len(order))])
    fig = go.Figure(_behind(background, order, seed) if background is not None else [])
    shown = values.T.ravel()
    customdata = np.tile(np.asarray([escaped(str(r)) for r in explanation.row_ids[rows]], dtype=object), len(order))
    own = robust_range(shown)
    levels, text = _colouring(explanation, rows, order, values, features)
    fig.add_traces(_points(shown, y, customdata, levels, text, color))
    if np.any(clamp(shown, own)[1]):  # the figure stays as it was when no point lies beyond
        colours = color if levels is None else level_colours(levels)
        fig.add_trace(_beyond(shown, y, customdata, own, colours, text))
    names = [explanation.feature_names[i] for i in order]
    ticks = [escaped(n) for n in names]  # the user's names: plotly would read their markup
    fig.update_yaxes(tickvals=list(range(len(order))), ticktext=ticks, range=[-0.6, len(order) - 0.4], showgrid=False)
    fig.update_xaxes(
        title=f"SHAP value ({escaped(scale_and_class(explanation.output_scale, explanation.explained_class))})",
        zeroline=True,
        zerolinecolor="#ADB5BD",
        range=list(x_range or own),
        autorange=False,
        automargin=True,
    )
    subtitle = _subtitle(explanation, len(rows), total_rows, cohort=background is not None, titled=titled)
    fig = finish(fig, escaped(explanation.model_name) if titled else "", subtitle, height=130 + 34 * len(order))
    fig.update_layout(showlegend=False, meta={"own": list(own), "scale": explanation.output_scale})
    if levels is not None:  # the colour bar lies under the x axis
        fig.update_layout(height=fig.layout.height + BAR_ROOM, margin_b=fig.layout.margin.b + BAR_ROOM)
    if titled:
        return fig
    extra = LINE_HEIGHT * (subtitle.count("<br>") - 1)  # lines past the two every pane has
    return narrow(fig.update_layout(margin_t=62 + extra, height=fig.layout.height + extra))


#: The layout of a figure in a side-by-side pane (about 280 px wide at a 1,000 px window): the x title is centred
#: on a small plot area and ran past the right edge ("SHAP value (probabili"). A wider right margin moves its
#: centre left, a slightly smaller font shortens it. The toolbar stands upright in that margin, off the subtitle.
NARROW = {"margin": {"r": 44}, "modebar": {"orientation": "v"}, "xaxis": {"title": {"font": {"size": 12}}}}


def narrow(fig: go.Figure) -> go.Figure:
    """A figure for a side-by-side pane: :data:`NARROW` laid on it (on every x axis)."""
    return fig.update_layout({key: NARROW[key] for key in ("margin", "modebar")}).update_xaxes(NARROW["xaxis"])


def _colouring(
    explanation: Explanation, rows: np.ndarray, order: np.ndarray, values: np.ndarray, features: pd.DataFrame | None
) -> tuple[np.ndarray | None, np.ndarray | None]:
    """Each drawn point's colour level (0 blue .. 1 red, NaN missing) and value as text, feature after feature
    as the points are drawn; (None, None) without ``features``."""
    if features is None:
        return None, None
    frame = features.reindex(pd.Index(explanation.row_ids[rows].astype(str)))
    names = [explanation.feature_names[i] for i in order]
    found = [feature_levels(frame[n], values[:, j]) if n in frame else _unknown(len(rows)) for j, n in enumerate(names)]
    text = np.asarray([escaped(str(t)) for f in found for t in f[1]], dtype=object)  # categories are the user's
    return np.concatenate([f[0] for f in found]), text


def _unknown(n: int) -> tuple[np.ndarray, np.ndarray]:
    """A feature the data does not hold (it cannot happen for a project's own explanations): grey, 'missing'."""
    return np.full(n, np.nan), np.full(n, "missing", dtype=object)


def _points(
    x: np.ndarray, y: np.ndarray, rows: np.ndarray, levels: np.ndarray | None, text: np.ndarray | None, color: str
) -> list[go.Scattergl]:
    """The sampled points: in the model's ``color``; or coloured by value with a colour bar, the missing values
    in a grey trace of their own. Hover: the row, the value and the contribution."""
    if levels is None:
        marker = {"color": color, "size": 4, "opacity": 0.55}
        return [_scatter(x, y, rows, marker, "row %{customdata}<br>%{x:.4g}<extra></extra>")]
    hover = "row %{customdata[0]}<br>value: %{customdata[1]}<br>SHAP value: %{x:.4g}<extra></extra>"
    known = np.isfinite(levels)
    data = np.column_stack([rows.astype(str), text])
    shades = np.round(levels[known] * 255).astype(np.uint8)  # sent as one byte a point: finer than the scale's stops
    marker = {"color": shades, "colorscale": COLORSCALE, "cmin": 0, "cmax": 255}
    marker |= {"showscale": True, "colorbar": COLOUR_BAR, "size": 4, "opacity": 0.7}
    traces = [_scatter(x[known], y[known], data[known], marker, hover, "by value")]
    if not known.all():
        grey = {"color": MISSING, "size": 4, "opacity": 0.6}
        traces.append(_scatter(x[~known], y[~known], data[~known], grey, hover, "missing"))
    return traces


def _scatter(x: np.ndarray, y: np.ndarray, data: np.ndarray, marker: dict, hover: str, name: str = "") -> go.Scattergl:
    return go.Scattergl(
        x=x.astype(np.float32),  # sent as binary: float32 halves it, 7 digits is finer than a pixel
        y=y.astype(np.float32),
        mode="markers",
        name=name or None,
        customdata=data,
        marker=marker,
        hovertemplate=hover,
    )


def _beyond(
    x: np.ndarray,
    y: np.ndarray,
    rows: np.ndarray,
    bounds: tuple[float, float],
    color: str | list[str],
    text: np.ndarray | None = None,
) -> go.Scatter:
    """The points beyond the axis, drawn at its edge as triangles pointing the way they went (in ``color``, one
    or one per point); the real value is ``customdata[1]`` (hover, and the page's script re-clamps them when the
    axis changes), the feature's value ``customdata[2]``."""
    at_edge, beyond = clamp(x, bounds)
    real = x[beyond]
    said = np.full(len(x), "", dtype=object) if text is None else text
    value = "" if text is None else "<br>value: %{customdata[2]}"
    return go.Scatter(
        x=at_edge[beyond],
        y=y[beyond],
        mode="markers",
        meta="beyond",
        customdata=[[str(r), float(v), str(t)] for r, v, t in zip(rows[beyond], real, said[beyond])],
        marker={
            "color": color if isinstance(color, str) else [c for c, b in zip(color, beyond) if b],
            "size": 7,
            "symbol": np.where(real > bounds[1], "triangle-right", "triangle-left").tolist(),
            "line": {"color": "#212529", "width": 1},
        },
        cliponaxis=False,
        hovertemplate="row %{customdata[0]}" + value + "<br>%{customdata[1]:.4g} (beyond the axis)<extra></extra>",
    )


def beyond_count(figure: go.Figure) -> int:
    """How many points a beeswarm or waterfall draws clamped at its axis's edge."""
    return sum(0 if t.x is None else len(t.x) for t in figure.data if t.meta == "beyond")


def _behind(everyone: Explanation, order: np.ndarray, seed: int) -> go.Scattergl:
    """Everyone's contributions of the same features, a smaller sample in grey: context, not data."""
    rows = sample_rows(everyone.n_rows, BACKGROUND_SAMPLE, seed + 1)
    values = everyone.values[np.ix_(rows, order)]
    rng = np.random.default_rng(seed + 1)
    y = np.concatenate([j + _offsets(values[:, j], rng) for j in range(len(order))])
    return go.Scattergl(
        x=values.T.ravel().astype(np.float32),
        y=y.astype(np.float32),
        mode="markers",
        marker={"color": BACKGROUND, "size": 4, "opacity": 0.6},
        name="everyone",
        hoverinfo="skip",
    )


def sample_rows(n_rows: int, sample_size: int, seed: int) -> np.ndarray:
    """Sorted positions of a seeded sample of at most ``sample_size`` rows (all rows if fewer)."""
    if n_rows <= sample_size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size=sample_size, replace=False))


def _subtitle(explanation: Explanation, drawn: int, total_rows: int | None, *, cohort: bool, titled: bool) -> str:
    """'500 of 7,043 rows (seeded sample)', the class, how far the job got, the cohort and the method."""
    population = explanation.sample_of or explanation.n_rows  # an explanation of a sample counts against the data
    sampled = " (seeded sample)" if drawn < population else ""
    subtitle = f"{drawn:,} of {population:,} rows{sampled}"
    if explanation.explained_class:
        subtitle = f"{escaped(class_label(explanation.explained_class))} · {subtitle}"
    if total_rows and total_rows > explanation.n_rows:
        subtitle += f" · computed so far: {explanation.n_rows:,} of {total_rows:,}"
    if cohort:
        subtitle = f"cohort: {subtitle} · grey: everyone"
    method = escaped(method_label(explanation.provenance))  # an average names its members, the user's models
    if titled:
        return f"{subtitle} · {method}"
    return "<br>".join(_pane_lines(subtitle) + _pane_lines(method))


def _pane_lines(text: str) -> list[str]:
    """A caption's lines in a side-by-side pane, where about 38 characters fit beside the toolbar at a 1,000 px
    window: 'exact: TreeSHAP (path-dependent, fast kernel)' and an ensemble's members ran under it, cut off."""
    return caption_lines(text, PANE_CHARACTERS)


def _offsets(x: np.ndarray, rng: np.random.Generator, bins: int = 40) -> np.ndarray:
    """Vertical jitter whose width follows the local density of ``x``."""
    counts, edges = np.histogram(x, bins=bins)
    where = np.clip(np.searchsorted(edges, x, side="right") - 1, 0, bins - 1)
    density = counts[where] / max(counts.max(), 1)
    return rng.uniform(-1.0, 1.0, size=len(x)) * SPREAD * np.sqrt(density)
