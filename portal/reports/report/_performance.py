"""Performance curves side by side: ROC, precision-recall and calibration (classification), or predicted against
actual and the residuals (regression), every model on the same held-out rows, drawn by the page's own builders."""

from __future__ import annotations

from dataclasses import dataclass

from portal.figures import (
    calibration_figure,
    precision_recall_figure,
    predicted_actual_figure,
    residuals_figure,
    roc_figure,
)
from portal.reports.report._document import Chart
from portal.reports.report._inputs import ReportInputs

CLASSIFICATION = (
    ("roc", roc_figure, "ROC curve of every model"),
    ("pr", precision_recall_figure, "precision against recall of every model"),
    ("calibration", calibration_figure, "mean predicted probability against the observed share, per model"),
)
REGRESSION = (
    ("predicted-actual", predicted_actual_figure, "each model's prediction against the actual value"),
    ("residuals", residuals_figure, "each model's residuals against its prediction"),
)


@dataclass(frozen=True)
class Performance:
    name = "performance"
    charts: tuple[Chart, ...]
    note: str


def build(inputs: ReportInputs) -> Performance:
    project, f = inputs.project, inputs.facts
    rows = f"{f.held_out_rows:,} of {f.rows:,} rows (held out, the same for every model)"
    if f.is_classification:
        classes = project.class_names()
        chosen = classes[0] if classes else None
        curves = project.classification_curves(chosen)
        against = f"class {chosen} against the rest" if chosen else f"positive class {f.positive}"
        caption = f"Scale: probability for every model · {against} · {rows}"
        charts = tuple(
            Chart(f"performance/{key}", draw(curves, inputs.colors), alt, caption) for key, draw, alt in CLASSIFICATION
        )
    else:
        diagnostics = project.regression_diagnostics()
        caption = f"Scale: the target's units ({f.target}) for every model · {rows}"
        charts = tuple(
            Chart(f"performance/{key}", draw(diagnostics, inputs.colors), alt, caption) for key, draw, alt in REGRESSION
        )
    return Performance(charts, f"Every curve is computed on the held-out rows: {rows}.")
