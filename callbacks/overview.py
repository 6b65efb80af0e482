"""Overview page: the project's facts, the held-out metrics, and "Download report".

The report is written by a Dash background callback (a process of its own on one machine, a Celery worker with
Redis: :mod:`portal.web`), with a progress bar and a cancel button, like Compute on /interactions. It asks the
services for the same file as ``python -m portal report``, written in a private temporary folder, and hands it to
the browser once, through dcc.Download; a machine that cannot draw it, or an explanation that failed, is one line.
"""

from __future__ import annotations

import re
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from dash import Input, Output, State, dcc

from layouts import ids
from layouts.overview import (
    HIDDEN,
    SHOWN,
    MethodRow,
    methods_table,
    overview_page,
    report_failed,
    report_written,
)
from portal.analyses import CommonMethod
from portal.config import ConfigError
from portal.figures import method_label, metrics_table, model_colors, model_text_colors, scale_label
from portal.jobs import end_with_parent
from portal.reports import ExplanationFailed, RenderUnavailable
from portal.results import Provenance
from portal.web import ANALYST, PortalServices, Registrar

POLL_MS = 500
FORMATS = ("html", "pdf")

#: Under a common-scale method that is the model's own: why the two columns say the same.
ITS_OWN = "its own values: already in probability"


def page(services: PortalServices, _query: dict):
    """Build ``/`` from the project summary, the metrics and how each model is explained."""
    colors = model_colors(services.model_names)
    figure = metrics_table(services.metrics(), colors=colors)
    names, own = services.model_names, services.methods()
    common = services.common_methods() or (None,) * len(names)  # regression: no common column
    text = model_text_colors(names)  # the names are written in their colour: the 4.5:1 variant
    rows = [
        MethodRow(name, text[name], method_label(provenance), scale_label(scale), *_common_cell(c, provenance))
        for name, provenance, scale, c in zip(names, own, services.output_scales(), common)
    ]
    return overview_page(services.facts(), figure, methods_table(rows))


def _common_cell(common: CommonMethod | None, own: Provenance) -> tuple[str | None, str]:
    """The common-scale method's label and the quieter line under it (the way to exact values, or why it is
    the model's own method); the reason when the model has no probability scale."""
    if common is None:
        return None, ""
    if common.provenance is None:
        return common.reason, ""
    notes = ([ITS_OWN] if common.provenance == own else []) + ([common.hint] if common.hint else [])
    return method_label(common.provenance), " · ".join(notes)


def report_file_name(title: str, fmt: str) -> str:
    """'telco-customer-churn-report.pdf' from the project's title."""
    slug = re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-")[:60] or "portal"
    return f"{slug}-report.{fmt}"


def write_report(services: PortalServices, report: Callable[[tuple[float, str]], None], fmt: str | None):
    """(dcc.Download's data, the outcome line): the project's report as ``fmt``, or no file and one line saying why.

    ``report`` gets ``(percent done, words)`` at each step: Dash's ``set_progress``.
    """
    fmt = fmt if fmt in FORMATS else FORMATS[0]
    started = time.monotonic()
    with tempfile.TemporaryDirectory(prefix="portal-report-") as folder:
        out = Path(folder) / report_file_name(services.title, fmt)
        try:
            written = services.write_report(out, fmt=fmt, progress=lambda f, words: report((100.0 * f, words)))
        except (RenderUnavailable, ExplanationFailed, ConfigError) as error:
            return None, report_failed(_line(error))
        except Exception as error:  # anything else still ends as one line on the page, not a silent stop
            return None, report_failed(f"{type(error).__name__}: {_line(error)}")
        data = dcc.send_file(str(out))
    seconds = time.monotonic() - started
    return data, report_written(out.name, written.size_bytes, written.figures, seconds, written.skipped)


def _line(error: BaseException) -> str:
    return (str(error).strip().splitlines() or [type(error).__name__])[0]


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.REPORT_DOWNLOAD, "data"),
        Output(ids.REPORT_NOTE, "children"),
        Input(ids.REPORT_BUTTON, "n_clicks"),
        State(ids.REPORT_FORMAT, "value"),
        background=True,
        interval=POLL_MS,
        progress=[Output(ids.REPORT_BAR, "value"), Output(ids.REPORT_STATUS, "children")],
        progress_default=[0, ""],
        running=[
            (Output(ids.REPORT_BUTTON, "disabled"), True, False),
            (Output(ids.REPORT_CANCEL, "disabled"), False, True),
            (Output(ids.REPORT_RUNNING, "style"), SHOWN, HIDDEN),
            (Output(ids.REPORT_NOTE, "style"), HIDDEN, SHOWN),
        ],
        cancel=[Input(ids.REPORT_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def _write(set_progress, _clicks, fmt):
        end_with_parent()  # a process of its own: it must not outlive the server (or the Celery worker)
        return write_report(services, set_progress, fmt)
