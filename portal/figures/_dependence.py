"""A feature's dependence in every model side by side, on the same rows and the same axes."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from portal.dependence import FeatureDependence, ShapeFunction
from portal.figures._style import MUTED, finish, model_colors, placeholder, scale_label

SHAPE_COLOUR = "#000000"


def dependence_panels(
    panels: Sequence[FeatureDependence],
    *,
    colors: Mapping[str, str] | None = None,
    shape: ShapeFunction | None = None,
) -> go.Figure:
    """One panel per model: the feature's value against its contribution (box per category for categories).

    Panels share the y axis when every model is in the same scale, so heights compare; otherwise each panel
    keeps its own axis and the subtitle says the scales differ. ``shape`` (an EBM's shape function) is drawn
    over every panel in the same scale.
    """
    if not panels:
        return placeholder("No model's explanation is ready yet.")
    colors = colors or model_colors(p.model_name for p in panels)
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
    for column, panel in enumerate(panels, start=1):
        fig.add_trace(_points(panel, colors[panel.model_name], colour_bar=column == len(panels)), row=1, col=column)
        if shape is not None and shape.output_scale == panel.output_scale:
            fig.add_trace(_shape_line(shape, show_legend=column == 1), row=1, col=column)
        fig.update_xaxes(title=first.feature, row=1, col=column)
    fig.update_yaxes(
        title=f"contribution of {first.feature}" + (f" ({scale_label(scales.pop())})" if same_scale else "")
    )
    sample = f"{first.n_shown:,} of {first.n_total:,} rows (seeded sample, the same rows in every panel)"
    colour = f" · colour: {first.colour_feature}" if first.colour_feature else ""
    warning = "" if same_scale else " · ⚠ scales differ: compare shapes, not heights"
    fig.update_layout(showlegend=shape is not None, legend={"orientation": "h", "y": -0.2})
    return finish(fig, f"How each model uses {first.feature}", sample + colour + warning, height=430)


def _points(panel: FeatureDependence, colour: str, *, colour_bar: bool) -> go.BaseTraceType:
    if panel.categorical:
        return go.Box(
            x=panel.values.astype(str),
            y=panel.contributions,
            marker_color=colour,
            boxpoints=False,
            name=panel.model_name,
            showlegend=False,
            hovertemplate=f"{panel.feature} = %{{x}}<br>contribution %{{y:.3g}}<extra>{panel.model_name}</extra>",
        )
    marker: dict[str, object] = {"size": 5, "opacity": 0.6, "color": colour}
    if panel.colour_values is not None:
        marker.update(_colour_marker(panel, colour_bar))
    return go.Scattergl(
        x=panel.values,
        y=panel.contributions,
        mode="markers",
        marker=marker,
        name=panel.model_name,
        showlegend=False,
        hovertemplate=f"{panel.feature} = %{{x:.4g}}<br>contribution %{{y:.3g}}<extra>{panel.model_name}</extra>",
    )


def _colour_marker(panel: FeatureDependence, colour_bar: bool) -> dict[str, object]:
    values = panel.colour_values
    try:
        numbers = np.asarray(values, dtype=np.float64)
    except (TypeError, ValueError):
        levels = sorted({str(v) for v in values})
        numbers = np.asarray([levels.index(str(v)) for v in values], dtype=np.float64)
    return {
        "color": numbers,
        "colorscale": "Viridis",
        "showscale": colour_bar,
        "colorbar": {"title": {"text": panel.colour_feature}},
    }


def _shape_line(shape: ShapeFunction, *, show_legend: bool) -> go.BaseTraceType:
    kind = go.Scatter
    mode = "lines" if np.issubdtype(np.asarray(shape.grid).dtype, np.number) else "markers"
    return kind(
        x=shape.grid,
        y=shape.scores,
        mode=mode,
        line={"color": SHAPE_COLOUR, "width": 2},
        marker={"color": SHAPE_COLOUR, "symbol": "line-ew-open", "size": 18},
        name="EBM shape function",
        showlegend=show_legend,
        hovertemplate="EBM shape: %{y:.3g}<extra></extra>",
        legendgroup="shape",
        opacity=0.9,
        textfont={"color": MUTED},
    )
