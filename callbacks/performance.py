"""Performance page: held-out curves per model, the confusion at a threshold, regression errors by segment.

For a multi-class project the curves are one class against the rest, following the page's class chooser.
For a cohort, every figure is drawn on the cohort's held-out rows, with everyone's curves dotted and everyone's
numbers beside the cohort's in the legends.
"""

from __future__ import annotations

from dash import Input, Output

from callbacks.cohort import applied
from callbacks.global_link import read_view
from callbacks.threshold import register_pair, register_url
from layouts import ids
from layouts.performance import CLASSIFICATION_GRAPHS, REGRESSION_GRAPHS, performance_page
from portal.analyses import CohortError
from portal.figures import (
    calibration_figure,
    confusion_figure,
    escaped,
    lift_figure,
    model_colors,
    placeholder,
    precision_recall_figure,
    predicted_actual_figure,
    residuals_figure,
    roc_figure,
    segment_error_figure,
)
from portal.web import VIEWER, PortalServices, Registrar


def page(services: PortalServices, query: dict):
    task = services.facts().task
    if task != "classification":
        cohort = (query.get("cohort") or [""])[-1]  # a wrong one: everyone, as the cohort bar says
        figures = dict(zip(("predicted-actual", "residuals"), regression_figures(services, cohort)))
        return performance_page(task, figures, services.segment_columns())
    linked_class = read_view(services, query).class_name
    threshold = _threshold((query.get("threshold") or [""])[-1])
    return performance_page(task, {}, class_names=services.class_names(), class_name=linked_class, threshold=threshold)


def _threshold(text: str) -> float:
    """The link's ``?threshold=`` as a probability (0 to 1), or 0.5 when it is missing or not one."""
    try:
        value = float(text)
    except ValueError:
        return 0.5
    return round(value, 4) if 0 <= value <= 1 else 0.5


def curves(services: PortalServices, class_name: str | None, cohort: str | None = None) -> tuple:
    """The ROC, precision-recall, calibration and lift figures for ``class_name`` (binary: the positive class);
    for a ``cohort``, its held-out rows' curves with everyone's dotted (or why it has none)."""
    chosen = _class(services, class_name)
    everyone = services.classification_curves(chosen)
    found, behind, rows = everyone, (), applied(services, cohort)
    if rows is not None:
        try:
            found, behind = services.classification_curves(chosen, rows.text), everyone
        except CohortError as error:
            return tuple(_no_figure(error) for _ in range(4))
    colors = model_colors(services.model_names)
    figures = (
        roc_figure(found, colors, behind),
        precision_recall_figure(found, colors, behind),
        calibration_figure(found, colors, behind),
        lift_figure(found, colors, behind),
    )
    if chosen:
        for figure in figures:
            figure.update_layout(title_text=f"{figure.layout.title.text} · class: {escaped(chosen)} against the rest")
    return figures


def confusion(
    services: PortalServices, threshold: float | None, class_name: str | None = None, cohort: str | None = None
):
    """The counts at ``threshold``; for a ``cohort``, its held-out rows' with everyone's rates in the legend."""
    threshold = 0.5 if threshold is None else float(threshold)
    chosen, colors, rows = _class(services, class_name), model_colors(services.model_names), applied(services, cohort)
    everyone = services.confusions(threshold, chosen)
    if rows is None:
        return confusion_figure(everyone, colors)
    try:
        return confusion_figure(services.confusions(threshold, chosen, rows.text), colors, everyone)
    except CohortError as error:
        return _no_figure(error)


def regression_figures(services: PortalServices, cohort: str | None = None) -> tuple:
    """Predicted against actual and residuals, on the ``cohort``'s held-out rows when one is applied."""
    rows, colors = applied(services, cohort), model_colors(services.model_names)
    try:
        diagnostics = services.regression_diagnostics(None, rows.text if rows else None)
    except CohortError as error:
        return _no_figure(error), _no_figure(error)
    figures = (predicted_actual_figure(diagnostics, colors), residuals_figure(diagnostics, colors))
    return tuple(_of_cohort(f, rows) for f in figures)


def segment_errors(services: PortalServices, segment: str | None, cohort: str | None = None):
    rows, colors = applied(services, cohort), model_colors(services.model_names)
    try:
        diagnostics = services.regression_diagnostics(segment, rows.text if rows else None)
    except CohortError as error:
        return _no_figure(error)
    return _of_cohort(segment_error_figure(diagnostics, segment or "", colors), rows)


def _of_cohort(figure, rows):
    """A figure of the cohort's rows says so in its subtitle."""
    if rows is not None and figure.layout.title.subtitle.text:
        figure.layout.title.subtitle.text = f"cohort: {figure.layout.title.subtitle.text}"
    return figure


def _no_figure(error: CohortError):
    """An empty figure saying why the cohort has none (its message, split to fit a half-width card)."""
    return placeholder(f"No figure for this cohort: {escaped(str(error))}".replace("; ", ";<br>"))  # quotes the user


def _class(services: PortalServices, class_name: str | None) -> str | None:
    classes = services.class_names()
    if not classes:
        return None
    return class_name if class_name in classes else classes[0]


def register(app: Registrar, services: PortalServices) -> None:
    register_pair(app, ids.THRESHOLD_SLIDER, ids.THRESHOLD_BOX, ids.THRESHOLD_NOTE)
    register_url(app, ids.THRESHOLD_SLIDER, ids.URL)

    @app.callback(
        VIEWER,
        *[Output(ids.performance_graph(name), "figure") for name in CLASSIFICATION_GRAPHS],
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.COHORT, "data"),
    )
    def _curves(class_name, cohort):
        return curves(services, class_name, cohort)

    @app.callback(
        VIEWER,
        Output(ids.CONFUSION_GRAPH, "figure"),
        Input(ids.THRESHOLD_SLIDER, "value"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.COHORT, "data"),
    )
    def _confusion(threshold, class_name, cohort):
        return confusion(services, threshold, class_name, cohort)

    @app.callback(
        VIEWER,
        *[Output(ids.performance_graph(name), "figure", allow_duplicate=True) for name in REGRESSION_GRAPHS],
        Input(ids.COHORT, "data"),
        prevent_initial_call=True,
    )
    def _regression(cohort):
        return regression_figures(services, cohort)

    @app.callback(
        VIEWER, Output(ids.SEGMENT_GRAPH, "figure"), Input(ids.SEGMENT_PICKER, "value"), Input(ids.COHORT, "data")
    )
    def _segments(segment, cohort):
        return segment_errors(services, segment, cohort)
