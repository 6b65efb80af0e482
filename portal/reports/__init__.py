"""portal.reports."""

from portal.reports._audit import build_audit, write_audit
from portal.reports._export import DEFAULT_ID_NAME, ExportSummary, write_explanation_csv

__all__ = [
    "DEFAULT_ID_NAME",
    "ExportSummary",
    "build_audit",
    "write_audit",
    "write_explanation_csv",
]
