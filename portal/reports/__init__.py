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
"""

from portal.reports._audit import build_audit, write_audit
from portal.reports._export import DEFAULT_ID_NAME, ExportSummary, write_explanation_csv
from portal.reports._monitor import build_monitor, write_monitor

__all__ = [
    "DEFAULT_ID_NAME",
    "ExportSummary",
    "build_audit",
    "build_monitor",
    "write_audit",
    "write_explanation_csv",
    "write_monitor",
]
