"""The report for the record: every model side by side in one reproducible HTML or PDF file.

:func:`write_report` (``python -m portal report``, and the overview's "Download report" button) waits for every
model's own explanation, builds the sections the project can fill (:data:`SECTIONS`, in order: cover, models,
performance, global, disagreements, fairness, monitoring, appendix; a section the project cannot fill is skipped
with one line saying why), draws every chart in one batch as static SVG with the pages' own figure builders, and
writes one self-contained file: CSS and figures inline, no script, no external URL, never the data table (only the
rows it explains). The document is a tree of frozen values (``_document`` and one module per section) laid out by
the Jinja2 templates in ``templates/``.

The file names its hash of inputs (the configuration as loaded, the data's fingerprint, every model's fingerprint
and method, the library, engine and template versions, the sections and rows chosen): the same inputs give a
byte-identical file apart from the line saying when it was generated.
"""

from portal.reports.report._sections import SECTIONS, TITLES, check_rows, check_sections
from portal.reports.report._write import FORMATS, ExplanationFailed, ReportWritten, write_report

__all__ = [
    "FORMATS",
    "SECTIONS",
    "TITLES",
    "ExplanationFailed",
    "ReportWritten",
    "check_rows",
    "check_sections",
    "write_report",
]
