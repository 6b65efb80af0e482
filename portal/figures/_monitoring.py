"""Monitoring over time: each feature's share of attribution per window, the mean prediction's change split by
feature, data drift (PSI) and the error per window.

Every builder takes values of a :class:`~portal.analyses.MonitoringReport` (never a model). Windows are the x axis
of the time charts, oldest first, with the reference windows shaded as one band and the chosen window marked by a
dotted line; each model keeps its colour and dash (:func:`model_styles`). Shares and PSI are scale-free; the
mean-change bars and the errors say their scale.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go
from plotly.subplots import make_subplots

from portal.analyses import REFERENCE, MeanChange, ModelOverTime, MonitoringReport, WindowError, baseline_index
from portal.figures._style import (
    MUTED,
    PUSH_DOWN,
    PUSH_UP,
    WARNING,
    escaped,
    finish,
    in_template,
    scale_label,
    styles_for,
)

TOP_FEATURES = 6
TOP_CHANGES = 8
TOP_DRIFT = 15
BAND = {"fillcolor": "#6C757D", "opacity": 0.12, "line_width": 0, "layer": "below"}
MARK = {"color": "#212529", "dash": "dot", "width": 1.5}
REFERENCE_NOTE = "grey band: the reference"
SHARE_AXIS = "share of total mean |SHAP|"


def top_features(report: MonitoringReport, window: str, n: int = TOP_FEATURES) -> list[str]:
    """The ``n`` features with the largest share in the reference or in ``window``, in any model."""
    i = report.windows.index(window)
    weight: dict[str, float] = {}
    for model in report.models:
        for j, feature in enumerate(model.features):
            share = max(model.reference_share[j], np.nan_to_num(model.attribution[i].share[j]))
            weight[feature] = max(weight.get(feature, 0.0), float(share))
    return sorted(weight, key=lambda f: -weight[f])[:n]


def share_over_time(
    report: MonitoringReport, colors: Mapping[str, str], window: str, against: str = REFERENCE
) -> go.Figure:
    """Small multiples, one per top feature: each model's share of attribution per window, as a line; the window
    before ``window`` marked too when it is the baseline (``against`` = previous)."""
    features, styles, labels = top_features(report, window), styles_for(colors), list(report.windows.labels)
    cols = 3
    rows = -(-len(features) // cols)
    titles = [escaped(f) for f in features]  # the user's names: plotly reads markup in titles
    fig = make_subplots(rows, cols, subplot_titles=titles, shared_xaxes=True, shared_yaxes=True)
    counts = report.windows.counts()
    for k, feature in enumerate(features):
        row, col = k // cols + 1, k % cols + 1
        for model in report.models:
            if feature not in model.features:
                continue
            j, style = model.features.index(feature), styles[model.model]
            shares = [a.share[j] for a in model.attribution]
            band = [f"{a.share_low[j]:.0%}–{a.share_high[j]:.0%}" for a in model.attribution]
            fig.add_trace(
                go.Scatter(
                    x=labels,
                    y=shares,
                    mode="lines+markers",
                    name=escaped(model.model),
                    legendgroup=model.model,
                    showlegend=k == 0,
                    line={"color": style.color, "dash": style.dash, "width": 2},
                    marker={"symbol": style.symbol, "size": 5},
                    customdata=[[b, counts[w]] for b, w in zip(band, labels)],
                    hovertemplate=f"{in_template(model.model)} · {in_template(feature)}<br>%{{x}}: %{{y:.1%}}"
                    " (95% interval %{customdata[0]})"
                    "<br>%{customdata[1]:,} rows<extra></extra>",
                ),
                row,
                col,
            )
    before = _mark_windows(fig, report, window, against)
    fig.update_yaxes(tickformat=".0%", rangemode="tozero")
    fig.update_yaxes(title_text=SHARE_AXIS, col=1)
    fig.update_xaxes(type="category", tickangle=-45, tickfont={"size": 10})
    subtitle = f"top {len(features)} of {len(report.drift.features)} features · scale-free · {REFERENCE_NOTE}"
    marked = f"dotted: {window}" + (f", faint: {before}" if before else "")
    fig = finish(fig, "Each feature's share of attribution over time", f"{subtitle} · {marked}", 300 * rows)
    fig.update_layout(legend={"orientation": "h", "y": -0.12 if rows > 1 else -0.3, "x": 0}, margin={"t": 100})
    return fig


def _mark_windows(fig: go.Figure, report: MonitoringReport, window: str, against: str = REFERENCE) -> str:
    """The reference band and the chosen window's line on every pane (categorical x: index ± 0.5), and a faint line
    on the earlier window when it is the baseline; returns that window's label ("" when not marked)."""
    chosen = [i for i, ref in enumerate(report.windows.reference) if ref]
    if chosen:
        fig.add_vrect(x0=chosen[0] - 0.5, x1=chosen[-1] + 0.5, row="all", col="all", **BAND)
    at = report.windows.index(window)
    fig.add_vline(x=at, row="all", col="all", line=MARK)
    earlier = baseline_index(report.windows, window, against)  # the window before, or the same one a year before
    if earlier is None:
        return ""
    fig.add_vline(x=earlier, row="all", col="all", line={**MARK, "color": MUTED, "width": 1})
    return report.windows.labels[earlier]


def mean_change_figure(change: MeanChange, scale: str, x_range: Sequence[float] | None = None) -> go.Figure:
    """One model's change of mean prediction split by feature: the largest parts as bars, the rest summed."""
    parts = list(change.contributions[:TOP_CHANGES])
    rest = change.contributions[TOP_CHANGES:]
    if rest:
        parts.append((f"other {len(rest)} features", float(sum(v for _, v in rest))))
    if abs(change.base_change) > 1e-12:
        parts.append(("base value", change.base_change))
    names, values = [p[0] for p in parts][::-1], [p[1] for p in parts][::-1]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=[f"{escaped(name)} {value:+.3g}" for name, value in zip(names, values)],  # the number beside its feature
            orientation="h",
            marker={"color": [PUSH_UP if v >= 0 else PUSH_DOWN for v in values]},
            customdata=[escaped(name) for name in names],  # the user's names: plotly reads markup in the hover
            hovertemplate="%{customdata}: %{x:+.4g}<extra></extra>",
        )
    )
    fig.add_vline(x=0, line={"color": MUTED, "width": 1})
    fig.update_xaxes(title_text=f"change ({scale_label(scale)})", range=x_range)
    subtitle = (
        f"{change.before_window} {change.before:.4g} → {change.after_window} {change.after:.4g}"
        f" ({change.change:+.4g}, exact)"
    )
    return finish(fig, "", subtitle, height=100 + 26 * len(parts))


def shared_change_range(changes: Sequence[MeanChange]) -> list[float] | None:
    """One x range for every model's mean-change bars (with room for their labels), or None when there are none."""
    values = [v for c in changes for _, v in c.contributions[:TOP_CHANGES]]
    values += [sum(v for _, v in c.contributions[TOP_CHANGES:]) for c in changes] + [0.0]
    values = [v for v in values if np.isfinite(v)]  # a window a sample misses has no change to draw
    low, high = min(values), max(values)
    pad = 0.08 * (high - low or 1.0)
    return [low - pad, high + pad]


def drift_figure(report: MonitoringReport, window: str) -> go.Figure:
    """PSI of each feature's values in ``window`` against the reference, largest first, with the alert line."""
    i, drift, threshold = report.windows.index(window), report.drift, report.thresholds.psi
    order = np.argsort(-drift.psi[i], kind="stable")[:TOP_DRIFT]
    names = [escaped(drift.features[j]) for j in order][::-1]  # the user's names: plotly reads markup in ticks
    values = [float(drift.psi[i, j]) for j in order][::-1]
    unseen = [float(drift.unseen[i, j]) for j in order][::-1]
    fig = go.Figure(
        go.Bar(
            x=values,
            y=names,
            orientation="h",
            marker={"color": [WARNING if v > threshold else "#6C757D" for v in values]},
            customdata=unseen,
            hovertemplate="%{y}: PSI %{x:.3f}<br>unseen categories: %{customdata:.1%}<extra></extra>",
        )
    )
    fig.add_vline(
        x=threshold,
        line={"color": WARNING, "dash": "dash", "width": 1.5},
        annotation_text=f"alert > {threshold:g}",
        annotation_position="bottom right",
    )
    fig.update_xaxes(title_text="PSI against the reference (scale-free)", rangemode="tozero")
    rows = report.windows.counts()[window]
    subtitle = f"{window} ({rows:,} rows) · top {len(names)} of {len(drift.features)} features · red: above the alert"
    return finish(fig, "Data drift", subtitle, height=110 + 22 * len(names))


def error_over_time(report: MonitoringReport, colors: Mapping[str, str], window: str) -> go.Figure | None:
    """Each model's watched error (MAE for regression, Brier for classification) per window, its reference error
    dashed; None when no model has labels."""
    labelled = [m for m in report.models if m.errors]
    if not labelled:
        return None
    metric = _watched(labelled[0].errors)
    styles, labels, fig = styles_for(colors), list(report.windows.labels), go.Figure()
    for model in labelled:
        style = styles[model.model]
        values = [e.get(metric) if e.rows else None for e in model.errors]
        fig.add_trace(
            go.Scatter(
                x=labels,
                y=values,
                mode="lines+markers",
                name=escaped(model.model),
                line={"color": style.color, "dash": style.dash, "width": 2},
                marker={"symbol": style.symbol, "size": 6},
                customdata=[e.rows for e in model.errors],
                hovertemplate=f"{in_template(model.model)}<br>%{{x}}: {metric} %{{y:.4g}}"
                " on %{customdata:,} labelled rows<extra></extra>",
            )
        )
        _reference_error(fig, model, metric, style.color)
    _mark_windows(fig, report, window)
    fig.update_xaxes(type="category", tickangle=-45)
    fig.update_yaxes(title_text=f"{metric} ({_error_unit(labelled[0], metric)})", rangemode="tozero")
    # two lines: the pane is half the page wide, and one line ran past its right edge at 1000 px
    subtitle = f"held-out labelled rows per window · {REFERENCE_NOTE}<br>dashed: each model's reference {metric}"
    fig = finish(fig, f"Error over time ({metric})", subtitle, height=380).update_layout(margin_t=100)
    fig.update_layout(legend={"orientation": "h", "y": -0.35, "x": 0})
    return fig


def _reference_error(fig: go.Figure, model: ModelOverTime, metric: str, color: str) -> None:
    reference = model.reference_error
    if reference is None or not reference.rows:
        return
    fig.add_hline(y=reference.get(metric), line={"color": color, "dash": "dash", "width": 1}, opacity=0.8)


def _watched(errors: Sequence[WindowError]) -> str:
    names = [n for e in errors for n, _ in e.metrics]
    return "MAE" if "MAE" in names else "Brier"


def _error_unit(model: ModelOverTime, metric: str) -> str:
    return f"{scale_label(model.scale)}" if metric == "MAE" else "probability squared, lower is better"
