"""Performance page: held-out curves per model, the confusion at a threshold, regression errors by segment.

For a multi-class project the curves are one class against the rest, following the page's class chooser.
"""

from __future__ import annotations

import dash
from dash import Input, Output

from layouts import ids
from layouts.performance import CLASSIFICATION_GRAPHS, performance_page
from portal.figures import (
    calibration_figure,
    confusion_figure,
    lift_figure,
    model_colors,
    precision_recall_figure,
    predicted_actual_figure,
    residuals_figure,
    roc_figure,
    segment_error_figure,
)
from portal.services import PortalServices


def page(services: PortalServices, _query: dict):
    task = str(services.project_summary().get("Task", "classification"))
    if task != "classification":
        colors = model_colors(services.model_names)
        diagnostics = services.regression_diagnostics()
        figures = {
            "predicted-actual": predicted_actual_figure(diagnostics, colors),
            "residuals": residuals_figure(diagnostics, colors),
        }
        return performance_page(task, figures, services.segment_columns())
    return performance_page(task, {}, class_names=services.class_names())


def curves(services: PortalServices, class_name: str | None) -> tuple:
    """The ROC, precision-recall, calibration and lift figures for ``class_name`` (binary: the positive class)."""
    chosen = _class(services, class_name)
    found = services.classification_curves(chosen)
    colors = model_colors(services.model_names)
    figures = (
        roc_figure(found, colors),
        precision_recall_figure(found, colors),
        calibration_figure(found, colors),
        lift_figure(found, colors),
    )
    if chosen:
        for figure in figures:
            figure.update_layout(title_text=f"{figure.layout.title.text} · class: {chosen} against the rest")
    return figures


def confusion(services: PortalServices, threshold: float | None, class_name: str | None = None):
    threshold = 0.5 if threshold is None else float(threshold)
    confusions = services.confusions(threshold, _class(services, class_name))
    return confusion_figure(confusions, model_colors(services.model_names))


def segment_errors(services: PortalServices, segment: str | None):
    colors = model_colors(services.model_names)
    return segment_error_figure(services.regression_diagnostics(segment), segment or "", colors)


def _class(services: PortalServices, class_name: str | None) -> str | None:
    classes = services.class_names()
    if not classes:
        return None
    return class_name if class_name in classes else classes[0]


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        *[Output(ids.performance_graph(name), "figure") for name in CLASSIFICATION_GRAPHS],
        Input(ids.CLASS_PICKER, "value"),
    )
    def _curves(class_name):
        return curves(services, class_name)

    @app.callback(
        Output(ids.CONFUSION_GRAPH, "figure"), Input(ids.THRESHOLD_SLIDER, "value"), Input(ids.CLASS_PICKER, "value")
    )
    def _confusion(threshold, class_name):
        return confusion(services, threshold, class_name)

    @app.callback(Output(ids.SEGMENT_GRAPH, "figure"), Input(ids.SEGMENT_PICKER, "value"))
    def _segments(segment):
        return segment_errors(services, segment)
