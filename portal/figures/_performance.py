"""Held-out performance of every model on one set of axes: ROC, precision-recall, calibration, lift, confusion;
predicted against actual, residuals and error by segment for regression."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import plotly.graph_objects as go

from portal.figures._style import MUTED, finish, model_colors, placeholder
from portal.performance import ClassificationCurves, Confusion, RegressionDiagnostics

DIAGONAL = {"color": MUTED, "dash": "dot", "width": 1}


def roc_figure(curves: Sequence[ClassificationCurves], colors: Mapping[str, str] | None = None) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.roc_fpr, c.roc_tpr, f"{c.model_name} (AUC {c.roc_auc:.3f})"),
        title="ROC curve",
        x="false positive rate",
        y="true positive rate",
        diagonal="chance",
    )


def precision_recall_figure(
    curves: Sequence[ClassificationCurves], colors: Mapping[str, str] | None = None
) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.pr_recall, c.pr_precision, f"{c.model_name} (AP {c.average_precision:.3f})"),
        title="Precision-recall",
        x="recall",
        y="precision",
    )


def calibration_figure(curves: Sequence[ClassificationCurves], colors: Mapping[str, str] | None = None) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.calibration_predicted, c.calibration_observed, f"{c.model_name} (Brier {c.brier:.3f})"),
        title="Calibration (reliability)",
        x="mean predicted probability (10 bins)",
        y="observed share of positives",
        diagonal="perfectly calibrated",
        markers=True,
    )


def lift_figure(curves: Sequence[ClassificationCurves], colors: Mapping[str, str] | None = None) -> go.Figure:
    fig = _curves(
        curves,
        colors,
        lambda c: (c.lift_fraction, c.lift, c.model_name),
        title="Lift",
        x="share of rows targeted, highest predicted first",
        y="lift over the base rate",
    )
    fig.add_hline(y=1.0, line=DIAGONAL)
    fig.update_xaxes(tickformat=".0%")
    return fig


def confusion_figure(confusions: Mapping[str, Confusion], colors: Mapping[str, str] | None = None) -> go.Figure:
    """Grouped bars of the four counts per model at the threshold, with precision and recall in the legend."""
    if not confusions:
        return placeholder("No model to show.")
    colors = colors or model_colors(confusions)
    kinds = ["true positive", "false positive", "false negative", "true negative"]
    fig = go.Figure()
    for name, c in confusions.items():
        counts = [c.true_positive, c.false_positive, c.false_negative, c.true_negative]
        fig.add_bar(
            x=kinds,
            y=counts,
            name=f"{name} (precision {c.precision:.2f}, recall {c.recall:.2f})",
            marker_color=colors[name],
            text=counts,
            textposition="outside",
        )
    threshold = next(iter(confusions.values())).threshold
    fig.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.15})
    fig.update_yaxes(title="held-out rows")
    subtitle = "positive when predicted probability ≥ threshold"
    return finish(fig, f"Confusion at threshold {threshold:.2f}", subtitle, height=460)


def predicted_actual_figure(
    diagnostics: Sequence[RegressionDiagnostics], colors: Mapping[str, str] | None = None, unit: str = ""
) -> go.Figure:
    if not diagnostics:
        return placeholder("No model to show.")
    colors = colors or model_colors(d.model_name for d in diagnostics)
    fig = go.Figure()
    low = min(float(min(d.actual.min(), d.predicted.min())) for d in diagnostics)
    high = max(float(max(d.actual.max(), d.predicted.max())) for d in diagnostics)
    fig.add_scatter(x=[low, high], y=[low, high], mode="lines", line=DIAGONAL, name="perfect", hoverinfo="skip")
    for d in diagnostics:
        fig.add_scattergl(
            x=d.actual,
            y=d.predicted,
            mode="markers",
            name=d.model_name,
            marker={"color": colors[d.model_name], "size": 4, "opacity": 0.5},
        )
    suffix = f" ({unit})" if unit else ""
    fig.update_xaxes(title="actual" + suffix)
    fig.update_yaxes(title="predicted" + suffix)
    first = diagnostics[0]
    return finish(
        fig, "Predicted against actual", f"{len(first.actual):,} of {first.n:,} held-out rows (seeded sample)"
    )


def residuals_figure(
    diagnostics: Sequence[RegressionDiagnostics], colors: Mapping[str, str] | None = None, unit: str = ""
) -> go.Figure:
    if not diagnostics:
        return placeholder("No model to show.")
    colors = colors or model_colors(d.model_name for d in diagnostics)
    fig = go.Figure()
    for d in diagnostics:
        fig.add_scattergl(
            x=d.predicted,
            y=d.residuals,
            mode="markers",
            name=d.model_name,
            marker={"color": colors[d.model_name], "size": 4, "opacity": 0.5},
        )
    fig.add_hline(y=0.0, line=DIAGONAL)
    suffix = f" ({unit})" if unit else ""
    fig.update_xaxes(title="predicted" + suffix)
    fig.update_yaxes(title="actual − predicted" + suffix)
    first = diagnostics[0]
    return finish(fig, "Residuals", f"{len(first.actual):,} of {first.n:,} held-out rows (seeded sample)")


def segment_error_figure(
    diagnostics: Sequence[RegressionDiagnostics], segment: str, colors: Mapping[str, str] | None = None, unit: str = ""
) -> go.Figure:
    if not diagnostics or segment not in diagnostics[0].error_by_segment:
        return placeholder("Choose a segment column.")
    colors = colors or model_colors(d.model_name for d in diagnostics)
    fig = go.Figure()
    for d in diagnostics:
        levels = d.error_by_segment[segment]
        fig.add_bar(x=list(levels), y=list(levels.values()), name=d.model_name, marker_color=colors[d.model_name])
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=segment, type="category")
    fig.update_yaxes(title="mean absolute error" + (f" ({unit})" if unit else ""))
    return finish(fig, f"Error by {segment}", "held-out rows")


def _curves(curves, colors, points, *, title: str, x: str, y: str, diagonal: str = "", markers: bool = False):
    if not curves:
        return placeholder("No model to show.")
    colors = colors or model_colors(c.model_name for c in curves)
    fig = go.Figure()
    if diagonal:
        fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=DIAGONAL, name=diagonal, hoverinfo="skip")
    for c in curves:
        xs, ys, name = points(c)
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers" if markers else "lines",
            name=name,
            line={"color": colors[c.model_name], "width": 2},
        )
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return finish(fig, title, f"{curves[0].n:,} held-out rows", height=400)
