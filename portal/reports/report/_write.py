"""``write_report``: wait for the explanations, build the sections, draw every chart in one batch, write one file.

The file is HTML (figures as inline SVG, CSS inline, no script) or PDF printed from the same HTML. It is written
next to ``out`` and moved into place, so a reader never sees half a file.
"""

from __future__ import annotations

import os
import tempfile
import time
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portal.config import ConfigError
from portal.figures import fit_caption
from portal.reports.report import (
    _appendix,
    _cover,
    _disagreements,
    _fairness,
    _global,
    _models,
    _monitoring,
    _performance,
)
from portal.reports.report._document import Skipped, charts_of
from portal.reports.report._html import TocEntry, render_html
from portal.reports.report._inputs import ReportInputs, gather
from portal.reports.report._live import live_figures, plotly_bundle
from portal.reports.report._sections import SECTIONS, TITLES, check_rows, check_sections

FORMATS = ("html", "pdf")
FIGURE_WIDTH = 900
Progress = Callable[[float, str], None]
ENDED = ("done", "failed", "cancelled")


#: Each section's builder (the appendix is built last, from the others).
BUILDERS: dict[str, Callable[[ReportInputs], object]] = {
    "cover": _cover.build,
    "models": _models.build,
    "performance": _performance.build,
    "global": _global.build,
    "disagreements": _disagreements.build,
    "fairness": _fairness.build,
    "monitoring": _monitoring.build,
}


class ExplanationFailed(RuntimeError):
    """An explanation the report needs ended without finishing; the message names the model and its error."""


@dataclass(frozen=True)
class ReportWritten:
    """What :func:`write_report` wrote: the file, the sections in it, those skipped (name, why), its size in bytes,
    the hash of inputs it names, how many figures it draws, and the data rows it explains (the only rows it shows)."""

    path: Path
    sections: tuple[str, ...]
    skipped: tuple[tuple[str, str], ...]
    size_bytes: int
    inputs_hash: str
    figures: int = 0
    rows: tuple[str, ...] = ()  # the data rows the report explains: the only rows it shows


def write_report(
    project: Any,
    out: Path,
    *,
    fmt: str = "html",
    sections: Sequence[str] | None = None,
    rows: Sequence[str] | None = None,
    progress: Progress | None = None,
    interactive: bool = False,
) -> ReportWritten:
    """Write the report of ``project`` to ``out`` as ``fmt`` ("html" or "pdf").

    ``sections`` chooses among :data:`SECTIONS` (default: all, in their order); ``rows`` adds row ids to explain in
    the disagreements section. ``progress(fraction, message)`` hears each step. ``interactive`` (HTML only) adds
    plotly.js and each figure's JSON, drawn over the static SVG where the page's script runs. A mistake in the
    options is a ConfigError; an explanation that fails is :class:`ExplanationFailed`; nothing is written then.
    """
    say = progress or (lambda _fraction, _message: None)
    if fmt not in FORMATS:
        raise ConfigError("format", f"'{fmt}' is not a report format", f"use one of {', '.join(FORMATS)}")
    if interactive and fmt != "html":
        raise ConfigError("interactive", "a PDF cannot run the interactive figures", "write .html, or leave it out")
    chosen, rows = check_sections(sections), check_rows(project.row_ids(), rows)
    wait_for_explanations(project, say)
    generated_at = datetime.now(UTC).isoformat(timespec="seconds")
    inputs = gather(project, sections=chosen, rows=rows, generated_at=generated_at)
    built = build_sections(inputs, chosen, say)
    charts = charts_of([s for s in built if not isinstance(s, Skipped)])
    say(0.75, f"drawing {len(charts)} figures")
    svgs = _draw(charts, lambda done, total: say(0.75 + 0.2 * done / total, f"drew {done} of {total} figures"))
    say(0.95, f"writing {out}")
    html = render_html(
        built,
        svgs=svgs,
        toc=[TocEntry(s.name, TITLES[s.name], getattr(s, "reason", "")) for s in built],
        title=inputs.facts.title,
        inputs_hash=inputs.inputs_hash,
        colors=inputs.colors,
        live=live_figures(charts) if interactive else {},
        plotly_js=plotly_bundle() if interactive else "",
    )
    _write(html, Path(out), fmt)
    skipped = tuple((s.name, s.reason) for s in built if isinstance(s, Skipped))
    names = tuple(s.name for s in built if not isinstance(s, Skipped))
    shown = tuple(dict.fromkeys(r for s in built for r in getattr(s, "row_ids", ())))
    size = Path(out).stat().st_size
    return ReportWritten(Path(out), names, skipped, size, inputs.inputs_hash, len(charts), shown)


def build_sections(inputs: ReportInputs, chosen: Sequence[str], say: Progress) -> list[object]:
    """Each chosen section, or a :class:`Skipped` saying why the project cannot fill it; the appendix last."""
    built: list[object] = []
    for i, name in enumerate(n for n in chosen if n != "appendix"):
        say(0.5 + 0.25 * i / len(chosen), f"building {name}")
        built.append(_build(name, inputs))
    if "appendix" in chosen:
        built.append(_appendix.build(inputs, built))
    return built


def _build(name: str, inputs: ReportInputs) -> object:
    reason = SECTIONS[name](inputs)
    if reason:
        return Skipped(name, TITLES[name], reason)
    try:
        return BUILDERS[name](inputs)
    except ValueError as error:  # e.g. FairnessError, MonitoringError: one line with the fix
        return Skipped(name, TITLES[name], str(error))


def wait_for_explanations(project: Any, say: Progress, every: float = 0.5) -> None:
    """Start every model's own explanation (finished ones are found in the cache) and wait for them all."""
    project.start_explanations(common=False)
    while True:
        states = [project.progress(name) for name in project.model_names]
        if all(p.state in ENDED for p in states):
            break
        done, total = sum(p.done for p in states), sum(p.total for p in states) or 1
        say(0.5 * done / total, f"explaining: {done} of {total} chunks")
        time.sleep(every)
    failed = [p for p in states if p.state != "done"]
    if failed:
        said = (f"the explanation of '{p.model_name}' {p.state}: {p.error or '-'}" for p in failed)
        raise ExplanationFailed("; ".join(said))


def _draw(charts, progress: Callable[[int, int], None]) -> dict[str, str]:
    """Every chart's SVG, drawn in one batch (one browser start for the whole report); ``progress(done, total)``."""
    if not charts:
        return {}
    with _rendering() as render:
        drawn = render.figures_to_svg(
            [fit_caption(c.figure, FIGURE_WIDTH) for c in charts], width=FIGURE_WIDTH, progress=progress
        )
    return {c.key: svg for c, svg in zip(charts, drawn)}


@contextmanager
def _rendering():
    """The render module; what it cannot do on this machine (no Chromium, no kaleido) is a one-line ConfigError
    naming what to install, as a mistake in the setup, not a traceback."""
    from portal.reports import _render

    try:
        yield _render
    except _render.RenderUnavailable as error:
        raise ConfigError("report", str(error)) from None


def _write(html: str, out: Path, fmt: str) -> None:
    """Write next to ``out`` and move into place; a folder that cannot take the file is a ConfigError."""
    try:
        handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".part")
    except OSError as error:
        raise ConfigError("out", f"cannot write in {out.parent} ({error.strerror})", "write elsewhere") from None
    os.close(handle)
    part = Path(temporary)
    try:
        if fmt == "pdf":
            with _rendering() as render:
                render.html_to_pdf(html, part)
        else:
            part.write_text(html, encoding="utf-8")
        part.chmod(0o644)  # mkstemp's 0600 would keep the report from anyone else reading it
        os.replace(part, out)
    finally:
        part.unlink(missing_ok=True)
