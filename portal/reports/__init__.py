"""Reports: files for people and pipelines, written from result values.

- :func:`write_explanation_csv` (``python -m portal export``): one line per row, each feature's contribution,
  ``base_value``, ``model_output`` and ``output_scale``, so that base + contributions = output to 1e-6; streamed
  in blocks and replaced atomically.
- :func:`build_audit` and :func:`write_audit` (``python -m portal audit``): per model and protected attribute,
  group metrics with intervals, disparities, breaches and the proxy table, in the shape of
  ``schemas/audit.schema.json`` (the tests validate every file they write against it).
"""

from portal.reports._audit import build_audit, write_audit
from portal.reports._export import DEFAULT_ID_NAME, ExportSummary, write_explanation_csv

__all__ = [
    "DEFAULT_ID_NAME",
    "ExportSummary",
    "build_audit",
    "write_audit",
    "write_explanation_csv",
]
