"""Monitoring, for a project with ``[monitoring]``: what changed in the last window against the reference, in the
words of /monitoring's summary and in its charts (shares over time, each model's change of mean prediction split
by feature, data drift, error over time), with the window's alerts. Every model in its own scale, every row."""

from __future__ import annotations

from dataclasses import dataclass

from portal.analyses import (
    REFERENCE,
    feature_changes,
    monitoring_summary,
    outcome_words,
    p_words,
    reference_span,
    window_alerts,
    window_change,
)
from portal.figures import (
    drift_figure,
    error_over_time,
    escaped,
    mean_change_figure,
    scale_label,
    share_over_time,
    shared_change_range,
)
from portal.reports.report._document import Chart, Fact
from portal.reports.report._inputs import ReportInputs

TOP_CHANGES = 8
ALL_REFERENCE = "every window of the data lies in the reference period: there is no later window to compare"


@dataclass(frozen=True)
class ShareChange:
    model: str
    feature: str
    before: str
    after: str
    p_value: str
    psi: str


@dataclass(frozen=True)
class Monitoring:
    name = "monitoring"
    window: str
    summary: tuple[str, ...]
    rows: str
    alerts: tuple[str, ...]
    changes: tuple[ShareChange, ...]
    charts: tuple[Chart, ...]
    how: tuple[Fact, ...]


def build(inputs: ReportInputs) -> Monitoring:
    report, f = inputs.project.monitoring(), inputs.facts
    later = [w for w, ref in zip(report.windows.labels, report.windows.reference) if not ref]
    if not later:
        raise ValueError(ALL_REFERENCE)
    window, reference = later[-1], reference_span(report)
    counts = report.windows.counts()
    rows = (
        f"{window}: {counts[window]:,} of {sum(counts.values()):,} rows; the reference ({reference}): "
        f"{len(report.windows.reference_rows):,} rows. Each model in its own scale; shares of attribution are "
        "scale-free."
    )
    summary = monitoring_summary(report, window, REFERENCE, outcome=outcome_words(f.target, f.positive))
    alerts = tuple(dict.fromkeys(a.reason for a in window_alerts(report, window)))
    changes = tuple(_change(c) for c in feature_changes(report, window, REFERENCE)[:TOP_CHANGES])
    how = (Fact("monitoring", f"{report.windows.kind}s against the reference {reference}; {rows}"),)
    return Monitoring(window, summary, rows, alerts, changes, _charts(inputs, report, window, rows), how)


def _charts(inputs: ReportInputs, report, window: str, rows: str) -> tuple[Chart, ...]:
    caption = f"Last window {window} against the reference · {rows}"
    charts = [
        Chart(
            "monitoring/shares",
            share_over_time(report, inputs.colors, window, REFERENCE),
            "each model's share of attribution per feature, window by window",
            f"Scale: share of each model's total mean |SHAP| (scale-free) · {caption}",
        )
    ]
    changes = [window_change(m, window, REFERENCE) for m in report.models]
    shared = len({m.scale for m in report.models}) == 1
    x_range = shared_change_range(changes) if shared else None
    axis = "one x axis for every model" if shared else "each model on its own x axis (their scales differ)"
    for model, change in zip(report.models, changes):
        charts.append(
            Chart(
                f"monitoring/change/{model.model}",
                mean_change_figure(change, model.scale, x_range).update_layout(title_text=escaped(model.model)),
                f"{model.model}: the change of its mean prediction split by feature",
                f"{model.model} · Scale: {scale_label(model.scale)} · {axis} · {caption}",
            )
        )
    charts.append(
        Chart("monitoring/drift", drift_figure(report, window), "data drift per feature (PSI)", f"PSI · {caption}")
    )
    errors = error_over_time(report, inputs.colors, window)
    if errors is not None:
        charts.append(Chart("monitoring/errors", errors, "each model's error window by window", caption))
    return tuple(charts)


def _change(change) -> ShareChange:
    p = p_words(change.p_value).removeprefix("p ").removeprefix("= ")
    psi = "–" if change.psi != change.psi else f"{change.psi:.2f}"
    return ShareChange(change.model, change.feature, f"{change.before:.1%}", f"{change.after:.1%}", p, psi)
