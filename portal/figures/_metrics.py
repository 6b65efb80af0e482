"""Held-out metrics of every model side by side: one column per model, headed in its colour (the text variant,
so the white name on it reads at 4.5:1 or more)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from portal.figures._style import FONT, INK, escaped, finish, model_colors, text_color
from portal.results import ModelMetrics

#: Metrics where a smaller number is better; the best value of each row is drawn bold.
LOWER_IS_BETTER = frozenset(
    {"brier", "brier score", "log loss", "rmse", "mae", "mse", "ece", "calibration error", "mape"}
)
TEST_ROWS = "rows in test set"
HEADER_CHARACTERS = 10  # a longer model name may wrap its column header


def metrics_table(metrics: Sequence[ModelMetrics], *, colors: Mapping[str, str] | None = None) -> go.Figure:
    """A table: metrics down the side, models across, the best value of each metric in bold."""
    colors = colors or model_colors(m.model_name for m in metrics)
    names = list(dict.fromkeys(name for m in metrics for name in m.values))
    columns = [[escaped(name) for name in names] + [TEST_ROWS]]  # a project may name its own metrics
    columns += [[_cell(m, name, _best(metrics, name)) for name in names] + [f"{m.n_test:,}"] for m in metrics]
    header_fill = ["#F1F3F5"] + [text_color(colors[m.model_name]) for m in metrics]
    fig = go.Figure(
        go.Table(
            columnwidth=[1.3] + [1] * len(metrics),
            header={
                "values": ["<b>metric</b>"] + [f"<b>{escaped(m.model_name)}</b>" for m in metrics],
                "fill_color": header_fill,
                "font": {"color": [INK] + ["white"] * len(metrics), "size": 14, "family": FONT},
                "align": ["left"] + ["center"] * len(metrics),
                "height": 34,
            },
            cells={
                "values": columns,
                "align": ["left"] + ["center"] * len(metrics),
                "height": 30,
                "fill_color": "white",
                "line_color": "#DEE2E6",
                "font": {"size": 14, "family": FONT},
            },
        )
    )
    task = metrics[0].task if metrics else ""
    # a long model name wraps its header onto a second line in a narrow card (1000 px): room for it, so that the
    # last row is not cut off
    wrapped = 22 if any(len(m.model_name) > HEADER_CHARACTERS for m in metrics) else 0
    height = 130 + 30 * (len(names) + 1) + wrapped
    return finish(fig, "Held-out metrics", f"{task}; best value per metric in bold", height=height)


def _best(metrics: Sequence[ModelMetrics], name: str) -> float | None:
    values = [m.values[name] for m in metrics if name in m.values]
    if len(values) < 2:
        return None
    return min(values) if name.lower() in LOWER_IS_BETTER else max(values)


def _cell(m: ModelMetrics, name: str, best: float | None) -> str:
    if name not in m.values:
        return "–"
    value = m.values[name]
    text = f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:.3f}"
    return f"<b>{text}</b>" if value == best else text
