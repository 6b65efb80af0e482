"""Held-out performance of every model on one set of axes: ROC, precision-recall, calibration, lift, confusion;
predicted against actual, residuals and error by segment for regression.

For a cohort, the curves are the cohort's held-out rows and ``everyone``'s curves (all held-out rows) are drawn
dotted in the same colours, with everyone's number beside the cohort's in each legend entry."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence

import plotly.graph_objects as go

from portal.analyses import ClassificationCurves, Confusion, RegressionDiagnostics
from portal.figures._style import MUTED, ModelStyle, bar_pattern, escaped, finish, model_colors, placeholder, styles_for

DIAGONAL = {"color": MUTED, "dash": "dot", "width": 1}
#: Markers on a long curve: at most this many of its points carry its model's symbol, so the line stays readable.
CURVE_MARKERS = 12


Curves = Sequence[ClassificationCurves]


def roc_figure(curves: Curves, colors: Mapping[str, str] | None = None, everyone: Curves = ()) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.roc_fpr, c.roc_tpr),
        title="ROC curve",
        x="false positive rate",
        y="true positive rate",
        diagonal="chance",
        score=("AUC", lambda c: c.roc_auc),
        everyone=everyone,
    )


def precision_recall_figure(
    curves: Curves, colors: Mapping[str, str] | None = None, everyone: Curves = ()
) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.pr_recall, c.pr_precision),
        title="Precision-recall",
        x="recall",
        y="precision",
        score=("AP", lambda c: c.average_precision),
        everyone=everyone,
    )


def calibration_figure(curves: Curves, colors: Mapping[str, str] | None = None, everyone: Curves = ()) -> go.Figure:
    return _curves(
        curves,
        colors,
        lambda c: (c.calibration_predicted, c.calibration_observed),
        title="Calibration (reliability)",
        x="mean predicted probability (10 bins)",
        y="observed share of positives",
        diagonal="perfectly calibrated",
        markers=True,
        score=("Brier", lambda c: c.brier),
        everyone=everyone,
    )


def lift_figure(curves: Curves, colors: Mapping[str, str] | None = None, everyone: Curves = ()) -> go.Figure:
    fig = _curves(
        curves,
        colors,
        lambda c: (c.lift_fraction, c.lift),
        title="Lift",
        x="share of rows targeted, highest predicted first",
        y="lift over the base rate",
        everyone=everyone,
    )
    fig.add_hline(y=1.0, line=DIAGONAL)
    fig.update_xaxes(tickformat=".0%")
    return fig


def confusion_figure(
    confusions: Mapping[str, Confusion],
    colors: Mapping[str, str] | None = None,
    everyone: Mapping[str, Confusion] | None = None,
) -> go.Figure:
    """Grouped bars of the four counts per model at the threshold, with precision and recall in the legend
    (and, for a cohort's counts, everyone's precision and recall beside them)."""
    if not confusions:
        return placeholder("No model to show.")
    styles = styles_for(colors or model_colors(confusions))
    kinds = ["true positive", "false positive", "false negative", "true negative"]
    fig = go.Figure()
    for name, c in confusions.items():
        counts = [c.true_positive, c.false_positive, c.false_negative, c.true_negative]
        fig.add_bar(
            x=kinds,
            y=counts,
            name=f"{escaped(name)} (precision {c.precision:.2f}, recall {c.recall:.2f}"
            f"{_everyone_rates(everyone, name)})",
            marker={"color": styles[name].color, "pattern": bar_pattern(styles[name].pattern)},
            text=counts,
            textposition="outside",
        )
    threshold = next(iter(confusions.values())).threshold
    fig.update_layout(barmode="group", showlegend=True, legend={"orientation": "h", "y": -0.15})
    fig.update_yaxes(title="held-out rows")
    subtitle = "positive when predicted probability ≥ threshold"
    if everyone:
        subtitle = f"cohort: {_total(next(iter(confusions.values()))):,} held-out rows · {subtitle}"
    return finish(fig, f"Confusion at threshold {threshold:.2f}", subtitle, height=460)


def _everyone_rates(everyone: Mapping[str, Confusion] | None, name: str) -> str:
    if not everyone or name not in everyone:
        return ""
    return f"; everyone {everyone[name].precision:.2f}, {everyone[name].recall:.2f}"


def _total(c: Confusion) -> int:
    return c.true_positive + c.false_positive + c.true_negative + c.false_negative


def predicted_actual_figure(
    diagnostics: Sequence[RegressionDiagnostics], colors: Mapping[str, str] | None = None, unit: str = ""
) -> go.Figure:
    if not diagnostics:
        return placeholder("No model to show.")
    styles = styles_for(colors or model_colors(d.model_name for d in diagnostics))
    fig = go.Figure()
    low = min(float(min(d.actual.min(), d.predicted.min())) for d in diagnostics)
    high = max(float(max(d.actual.max(), d.predicted.max())) for d in diagnostics)
    fig.add_scatter(x=[low, high], y=[low, high], mode="lines", line=DIAGONAL, name="perfect", hoverinfo="skip")
    for d in diagnostics:
        fig.add_scattergl(
            x=d.actual,
            y=d.predicted,
            mode="markers",
            name=escaped(d.model_name),
            marker=_points(styles[d.model_name]),
        )
    suffix = f" ({escaped(unit)})" if unit else ""  # the project's words
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
    styles = styles_for(colors or model_colors(d.model_name for d in diagnostics))
    fig = go.Figure()
    for d in diagnostics:
        fig.add_scattergl(
            x=d.predicted,
            y=d.residuals,
            mode="markers",
            name=escaped(d.model_name),
            marker=_points(styles[d.model_name]),
        )
    fig.add_hline(y=0.0, line=DIAGONAL)
    suffix = f" ({escaped(unit)})" if unit else ""  # the project's words
    fig.update_xaxes(title="predicted" + suffix)
    fig.update_yaxes(title="actual − predicted" + suffix)
    first = diagnostics[0]
    return finish(fig, "Residuals", f"{len(first.actual):,} of {first.n:,} held-out rows (seeded sample)")


def segment_error_figure(
    diagnostics: Sequence[RegressionDiagnostics], segment: str, colors: Mapping[str, str] | None = None, unit: str = ""
) -> go.Figure:
    if not diagnostics or segment not in diagnostics[0].error_by_segment:
        return placeholder("Choose a segment column.")
    styles = styles_for(colors or model_colors(d.model_name for d in diagnostics))
    fig = go.Figure()
    for d in diagnostics:
        levels, style = d.error_by_segment[segment], styles[d.model_name]
        marker = {"color": style.color, "pattern": bar_pattern(style.pattern)}
        shown = [escaped(str(level)) for level in levels]  # the user's categories: plotly reads markup in ticks
        fig.add_bar(x=shown, y=list(levels.values()), name=escaped(d.model_name), marker=marker)
    fig.update_layout(barmode="group")
    fig.update_xaxes(title=escaped(segment), type="category")
    fig.update_yaxes(title="mean absolute error" + (f" ({escaped(unit)})" if unit else ""))
    return finish(fig, f"Error by {escaped(segment)}", "held-out rows")


def _curves(
    curves: Curves,
    colors: Mapping[str, str] | None,
    points: Callable[[ClassificationCurves], tuple],
    *,
    title: str,
    x: str,
    y: str,
    diagonal: str = "",
    markers: bool = False,
    score: tuple[str, Callable[[ClassificationCurves], float]] | None = None,
    everyone: Curves = (),
) -> go.Figure:
    """One line per model (``points`` gives its x and y), named with its ``score``; ``everyone``'s dotted."""
    if not curves:
        return placeholder("No model to show.")
    styles = styles_for(colors or model_colors(c.model_name for c in curves))
    behind = {c.model_name: c for c in everyone}
    fig = go.Figure()
    if diagonal:
        fig.add_scatter(x=[0, 1], y=[0, 1], mode="lines", line=DIAGONAL, name=diagonal, hoverinfo="skip")
    for c in curves:
        xs, ys, style = *points(c), styles[c.model_name]
        fig.add_scatter(
            x=xs,
            y=ys,
            mode="lines+markers",
            name=_name(c, behind.get(c.model_name), score),
            line={"color": style.color, "width": 2, "dash": style.dash},
            marker={
                "symbol": style.symbol,
                "size": 8 if markers else 7,
                "maxdisplayed": 0 if markers else CURVE_MARKERS,
            },
        )
        if c.model_name in behind:
            xs, ys = points(behind[c.model_name])
            line = {"color": style.color, "width": 1.5, "dash": "dot"}
            fig.add_scatter(x=xs, y=ys, mode="lines", line=line, opacity=0.7, showlegend=False, hoverinfo="skip")
    subtitle = f"{curves[0].n:,} held-out rows"
    if behind:
        dotted = {"color": MUTED, "width": 1.5, "dash": "dot"}
        fig.add_scatter(x=[None], y=[None], mode="lines", line=dotted, name="dotted: everyone", hoverinfo="skip")
        subtitle = f"cohort: {curves[0].n:,} of {everyone[0].n:,} held-out rows · dotted: everyone"
    fig.update_xaxes(title=x)
    fig.update_yaxes(title=y)
    fig.update_layout(legend={"orientation": "h", "y": -0.25})
    return finish(fig, title, subtitle, height=400)


def _points(style: ModelStyle) -> dict:
    """A model's points in a scatter: its colour and symbol, small and translucent so the crowd shows."""
    return {"color": style.color, "symbol": style.symbol, "size": 5, "opacity": 0.5}


def _name(c: ClassificationCurves, everyone: ClassificationCurves | None, score) -> str:
    """'RF (AUC 0.812)', or for a cohort 'RF (AUC 0.812; everyone 0.842)'; the user's model name escaped."""
    if score is None:
        return escaped(c.model_name)
    label, value = score
    beside = f"; everyone {value(everyone):.3f}" if everyone is not None else ""
    return f"{escaped(c.model_name)} ({label} {value(c):.3f}{beside})"
