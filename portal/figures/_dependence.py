"""A feature's dependence in every model side by side, on the same rows and the same axes.

For a cohort, each panel draws the cohort's rows over everyone's, faded grey behind (no hover, no colouring),
so the reader sees where the cohort sits on the model's curve.

An EBM's shape function is that model's curve: it is drawn as "EBM shape function" on the EBM's own panel only.
Over another model's panel in the same scale it is a dashed reference line in the EBM's colour, named
"EBM shape (reference)" in the legend, so it never reads as that model's own curve.

A numeric feature holding only 0 and 1 (a flag such as senior_citizen) is drawn as two categories, "0" and "1",
with a box each, not as two thin columns on a continuous axis.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.express as px
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from portal.analyses import FeatureDependence, ShapeFunction
from portal.figures._ranges import clamp, robust_range, union
from portal.figures._style import PERCENT, escaped, finish, model_colors, placeholder, scale_label

SHAPE_COLOUR = "#000000"
SHAPE_NAME, REFERENCE_NAME = "EBM shape function", "EBM shape (reference)"
BACKGROUND = "#CED4DA"
#: Colours for the levels of a categorical colouring feature (Plotly's "Safe" qualitative palette).
LEVEL_COLOURS = px.colors.qualitative.Safe


def dependence_panels(
    panels: Sequence[FeatureDependence],
    *,
    colors: Mapping[str, str] | None = None,
    shape: ShapeFunction | None = None,
    everyone: Sequence[FeatureDependence] = (),
    cohort: str = "",
) -> go.Figure:
    """One panel per model: the feature's value against its contribution (box per category for categories).

    Panels share the y axis when every model is in the same scale, so heights compare; otherwise each panel
    keeps its own axis and the subtitle says the scales differ. ``shape`` (an EBM's shape function) is drawn on
    the EBM's panel, and as a labelled reference line over the other panels in its scale. Categories keep the
    order the panels give (their ``levels`` and ``colour_levels``). With ``cohort`` (its text) the ``panels``
    are the cohort's and ``everyone``'s points (the same models over all rows) are drawn behind them in grey.
    """
    if not panels:
        return placeholder("No model's explanation is ready yet.")
    colors = {escaped(m): c for m, c in (colors or model_colors(p.model_name for p in panels)).items()}
    panels, everyone = [_shown(p) for p in panels], [_shown(p) for p in everyone]
    shape = None if shape is None else _shown_shape(shape)
    if all(_binary(p) for p in (*panels, *everyone)):
        panels, everyone = [_as_categories(p) for p in panels], [_as_categories(p) for p in everyone]
        shape = None if shape is None else _shape_at_levels(shape)
    scales = {p.output_scale for p in panels}
    same_scale = len(scales) == 1
    first = panels[0]
    fig = make_subplots(
        rows=1,
        cols=len(panels),
        shared_yaxes=same_scale,
        horizontal_spacing=0.04 if same_scale else 0.07,
        subplot_titles=[f"{p.model_name} ({scale_label(p.output_scale)})" for p in panels],
    )
    shape_drawn: set[str] = set()
    behind = {p.model_name: p for p in everyone} if cohort else {}
    for column, panel in enumerate(panels, start=1):
        if panel.model_name in behind:
            fig.add_trace(_behind(behind[panel.model_name], show_legend=column == 1), row=1, col=column)
        for trace in _points(
            panel, colors[panel.model_name], first_panel=column == 1, last_panel=column == len(panels)
        ):
            fig.add_trace(trace, row=1, col=column)
        if shape is not None and shape.output_scale == panel.output_scale:
            own = panel.model_name == shape.model_name
            line = _shape_line(shape, colors.get(shape.model_name, SHAPE_COLOUR), own=own, drawn=shape_drawn)
            fig.add_trace(line, row=1, col=column)
        levels = behind[panel.model_name].levels if panel.model_name in behind else panel.levels  # all of them
        order = {"categoryorder": "array", "categoryarray": list(levels)} if levels else {}
        fig.update_xaxes(title=first.feature, row=1, col=column, **order)
    fig.update_yaxes(
        title=f"contribution of {first.feature}" + (f" ({scale_label(scales.pop())})" if same_scale else "")
    )
    beyond = _robust_y(fig, panels, colors) if same_scale and not first.categorical else 0
    sample = f"{first.n_shown:,} of {first.n_total:,} rows (seeded sample, the same rows in every panel)"
    if behind:
        sample = f"cohort <b>{escaped(cohort)}</b>: {sample} · grey: everyone"
    colour = f" · colour: {first.colour_feature}" if first.colour_feature else ""
    if first.colour_feature and first.categorical:  # a box summarises many rows: it has no one colour to take
        colour = f" · boxes per category are not coloured by {first.colour_feature}"
    warning = "" if same_scale else " · ⚠ scales differ: compare shapes, not heights"
    plural = "s" if beyond != 1 else ""
    warning += f" · {beyond:,} point{plural} beyond the axis, marked ▴ ▾ at its edge" if beyond else ""
    # categories' labels may stand slanted in a narrow panel ("Month-to-month" at 1,000 px): the legend goes lower
    low = first.categorical and max((len(level) for level in first.levels), default=0) > 6
    fig.update_layout(showlegend=True, legend={"orientation": "h", "y": -0.34 if low else -0.22}, boxmode="group")
    return finish(fig, f"How each model uses {first.feature}", sample + colour + warning, height=470 if low else 430)


def _shown(panel: FeatureDependence) -> FeatureDependence:
    """The panel with the user's text escaped (model, features, categories), where every label of this figure is
    made from: plotly reads markup in titles, ticks, legends and hovers, so '<b>x</b>' must show as written."""
    colour_values = panel.colour_values
    if colour_values is not None and not pd.api.types.is_numeric_dtype(np.asarray(colour_values)):
        colour_values = _escaped_all(colour_values)
    return replace(
        panel,
        model_name=escaped(panel.model_name),
        feature=escaped(panel.feature),
        colour_feature=None if panel.colour_feature is None else escaped(panel.colour_feature),
        values=_escaped_all(panel.values) if panel.categorical else panel.values,
        colour_values=colour_values,
        levels=tuple(escaped(v) for v in panel.levels),
        colour_levels=tuple(escaped(v) for v in panel.colour_levels),
    )


def _shown_shape(shape: ShapeFunction) -> ShapeFunction:
    grid = shape.grid if np.issubdtype(np.asarray(shape.grid).dtype, np.number) else _escaped_all(shape.grid)
    return replace(shape, feature=escaped(shape.feature), model_name=escaped(shape.model_name), grid=grid)


def _escaped_all(values) -> np.ndarray:
    """Each value as escaped text; a missing one stays missing (None or NaN), as the figure draws it."""
    return np.asarray(
        [v if v is None or (isinstance(v, float) and v != v) else escaped(str(v)) for v in values], dtype=object
    )


def _binary(panel: FeatureDependence) -> bool:
    """A numeric feature whose values are only 0 and 1 (a flag): two categories, not a continuous axis."""
    if panel.categorical:
        return False
    values = np.asarray(panel.values, dtype=float)
    known = values[np.isfinite(values)]
    return bool(known.size) and bool(np.isin(known, (0.0, 1.0)).all())


def _as_categories(panel: FeatureDependence) -> FeatureDependence:
    """A 0/1 panel drawn as the categories "0" and "1" (boxes, in that order; "missing" after)."""
    values = np.asarray(panel.values, dtype=float)
    labels = np.where(np.isfinite(values), np.where(values == 1.0, "1", "0"), "missing").astype(object)
    levels = tuple(level for level in ("0", "1", "missing") if level in set(labels))
    return replace(panel, values=labels, categorical=True, levels=levels)


def _shape_at_levels(shape: ShapeFunction) -> ShapeFunction:
    """An EBM's shape of a 0/1 feature read at 0 and 1, as two category marks."""
    grid = np.asarray(shape.grid)
    if not np.issubdtype(grid.dtype, np.number):
        return shape
    scores = np.interp([0.0, 1.0], grid.astype(float), np.asarray(shape.scores, dtype=float))
    return replace(shape, grid=np.array(["0", "1"], dtype=object), scores=scores)


def _robust_y(fig: go.Figure, panels: Sequence[FeatureDependence], colors: Mapping[str, str]) -> int:
    """One extreme contribution must not flatten every panel: when some point lies beyond the panels' shared
    1st-99th percentile range, the y axis spans that range and those points sit at its edge as triangles (hover:
    the real value). Returns how many points were moved (0: the axis is left to plotly)."""
    bounds = union(robust_range(np.asarray(p.contributions, dtype=float)) for p in panels)
    moved = 0
    for column, panel in enumerate(panels, start=1):
        y = np.asarray(panel.contributions, dtype=float)
        at_edge, beyond = clamp(y, bounds)
        if not beyond.any():
            continue
        moved += int(beyond.sum())
        edge = go.Scatter(
            x=np.asarray(panel.values)[beyond],
            y=at_edge[beyond],
            customdata=y[beyond],
            mode="markers",
            marker={
                "color": colors[panel.model_name],
                "size": 8,
                "line": {"color": "#212529", "width": 1},
                "symbol": np.where(y[beyond] > bounds[1], "triangle-up", "triangle-down").tolist(),
            },
            cliponaxis=False,
            showlegend=False,
            hovertemplate="contribution %{customdata:.4g} (beyond the axis)"
            f"<extra>{_hover(panel.model_name)}</extra>",
        )
        fig.add_trace(edge, row=1, col=column)
    if moved:
        fig.update_yaxes(range=list(bounds), autorange=False)
    return moved


def _points(panel: FeatureDependence, colour: str, *, first_panel: bool, last_panel: bool) -> list:
    """The panel's traces: boxes per category, or points coloured by a number (a colour bar on the last panel)
    or by a category (one trace per level, named once in the legend)."""
    feature, model = _hover(panel.feature), _hover(panel.model_name)
    hover = f"{feature} = %{{x:.4g}}<br>contribution %{{y:.3g}}<extra>{model}</extra>"
    if panel.categorical:
        return [
            go.Box(
                x=panel.values.astype(str),
                y=panel.contributions,
                marker_color=colour,
                boxpoints=False,
                name=panel.model_name,
                showlegend=False,
                hovertemplate=f"{feature} = %{{x}}<br>contribution %{{y:.3g}}<extra>{model}</extra>",
            )
        ]
    marker: dict[str, object] = {"size": 5, "opacity": 0.6, "color": colour}
    if panel.colour_values is None:
        return [_scatter(panel.values, panel.contributions, marker, panel.model_name, hover, show=False)]
    numbers = _as_numbers(panel.colour_values)
    if numbers is not None:
        marker.update(
            color=numbers,
            colorscale="Viridis",
            showscale=last_panel,
            colorbar={"title": {"text": panel.colour_feature}},
        )
        return [_scatter(panel.values, panel.contributions, marker, panel.model_name, hover, show=False)]
    levels = panel.colour_levels or sorted({str(v) for v in panel.colour_values})
    labels = np.asarray([str(v) for v in panel.colour_values])
    return [
        _scatter(
            panel.values[labels == level],
            panel.contributions[labels == level],
            {**marker, "color": LEVEL_COLOURS[i % len(LEVEL_COLOURS)]},
            f"{panel.colour_feature} = {level}",
            hover,
            show=first_panel,
        )
        for i, level in enumerate(levels)
    ]


def _behind(panel: FeatureDependence, *, show_legend: bool) -> go.BaseTraceType:
    """Everyone's points (or boxes, for categories) in grey: context behind the cohort's."""
    common = {"name": "everyone", "legendgroup": "everyone", "showlegend": show_legend, "hoverinfo": "skip"}
    if panel.categorical:
        return go.Box(
            x=panel.values.astype(str), y=panel.contributions, marker_color=BACKGROUND, boxpoints=False, **common
        )
    marker = {"size": 4, "opacity": 0.5, "color": BACKGROUND}
    return go.Scattergl(x=panel.values, y=np.round(panel.contributions, 5), mode="markers", marker=marker, **common)


def _scatter(x, y, marker: dict, name: str, hover: str, *, show: bool) -> go.Scattergl:
    return go.Scattergl(
        x=x, y=y, mode="markers", marker=marker, name=name, legendgroup=name, showlegend=show, hovertemplate=hover
    )


def _hover(text: str) -> str:
    """Text already escaped (see :func:`_shown`) inside a hovertemplate: its '%' must not start a placeholder."""
    return text.replace("%", PERCENT)


def _as_numbers(values: np.ndarray) -> np.ndarray | None:
    """The colouring values as numbers, or None when they are categories."""
    try:
        return np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _shape_line(shape: ShapeFunction, reference_colour: str, *, own: bool, drawn: set[str]) -> go.BaseTraceType:
    """The shape function as the EBM's own curve (``own``: on its panel) or as a dashed reference line in the
    EBM's colour over another model's points; each kind is named once in the legend (``drawn`` keeps track)."""
    name = SHAPE_NAME if own else REFERENCE_NAME
    colour = SHAPE_COLOUR if own else reference_colour
    show_legend = name not in drawn
    drawn.add(name)
    mode = "lines" if np.issubdtype(np.asarray(shape.grid).dtype, np.number) else "markers"
    owner = _hover(shape.model_name) or "the EBM"
    return go.Scatter(
        x=shape.grid,
        y=shape.scores,
        mode=mode,
        line={"color": colour, "width": 2, "dash": "solid" if own else "dash"},
        marker={"color": colour, "symbol": "line-ew-open", "size": 18},
        name=name,
        showlegend=show_legend,
        hovertemplate=f"{'shape' if own else 'reference: shape'} of {owner}: %{{y:.3g}}<extra></extra>",
        legendgroup=name,
        opacity=0.9,
    )
