"""Reports: files for people and pipelines, written from result values.

- :func:`write_explanation_csv` (``python -m portal export``): one line per row, each feature's contribution,
  ``base_value``, ``model_output`` and ``output_scale``, so that base + contributions = output to 1e-6; streamed
  in blocks and replaced atomically.
- :func:`build_audit` and :func:`write_audit` (``python -m portal audit``): per model and protected attribute,
  group metrics with intervals, disparities, breaches and the proxy table, in the shape of
  ``schemas/audit.schema.json`` (the tests validate every file they write against it).
- :func:`build_monitor` and :func:`write_monitor` (``python -m portal monitor``): per model and time window,
  attribution shares, rank agreement, shift tests, data drift and errors, and the alerts, in the shape of
  ``schemas/monitor.schema.json``.
- :func:`write_static_figures` (``python -m portal figures``): shap's own plots (bar, beeswarm, waterfall, force,
  dependence, decision) drawn with matplotlib from the stored values, one file each, captioned with the model, the
  scale, the method and "n of N rows"; :func:`choose_rows` picks the rows and :func:`figure_data` readies a model.
- :func:`figures_to_svg`, :func:`html_to_pdf` and :func:`pdf_page_images`: the report's static rendering in one
  Chromium (plotly figures to inline SVG, byte-identical across runs; HTML to PDF; PDF pages to PNG), raising
  :class:`RenderUnavailable` with one line when the machine lacks a piece.
- :func:`write_report` (``python -m portal report`` and the overview's "Download report"): every model side by side
  in one reproducible, self-contained HTML or PDF file (:mod:`portal.reports.report`).
"""

from portal.reports._audit import build_audit, write_audit
from portal.reports._export import DEFAULT_ID_NAME, ExportSummary, write_explanation_csv
from portal.reports._monitor import build_monitor, write_monitor
from portal.reports._render import RenderUnavailable, figures_to_svg, html_to_pdf, pdf_page_images
from portal.reports._static_write import (
    FORMATS,
    FiguresWritten,
    choose_rows,
    figure_data,
    scale_words,
    write_static_figures,
)
from portal.reports.report import (
    SECTIONS,
    ExplanationFailed,
    ReportWritten,
    check_rows,
    check_sections,
    write_report,
)

__all__ = [
    "SECTIONS",
    "ExplanationFailed",
    "ReportWritten",
    "check_rows",
    "check_sections",
    "write_report",
    "DEFAULT_ID_NAME",
    "FORMATS",
    "ExportSummary",
    "FiguresWritten",
    "RenderUnavailable",
    "build_audit",
    "build_monitor",
    "choose_rows",
    "figure_data",
    "figures_to_svg",
    "html_to_pdf",
    "pdf_page_images",
    "scale_words",
    "write_audit",
    "write_explanation_csv",
    "write_monitor",
    "write_static_figures",
]
