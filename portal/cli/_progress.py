"""Running every explanation job of a project with progress on a terminal, then one summary row per job.

``precompute`` prints the summary as its table; ``export`` and ``audit`` draw the progress on stderr and read
the rows' states. It uses the same jobs as the server, so an interrupted run resumes from its committed
chunks and a server started afterwards finds everything done. It lives in the CLI, not in
:mod:`portal.project`, because what it adds to the project's own ``progress``/``job_state`` is terminal
drawing (bars redrawn in place on a tty, lines otherwise) and the table's text.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from dataclasses import dataclass, replace
from typing import TextIO

from portal.cli._shared import EXPORT_FAILED
from portal.project import Project
from portal.results import JobProgress

BAR_WIDTH = 24
COMMON_LABEL = "{name} (common)"  # a model's common-scale job (probability, on a sample): portal.project


@dataclass(frozen=True)
class ModelSummary:
    model_name: str
    state: str
    rows: int
    seconds: float | None
    method: str
    output_scale: str
    error: str = ""

    @property
    def rows_per_second(self) -> float | None:
        return self.rows / self.seconds if self.seconds else None


def run_all(
    project: Project, *, out: TextIO = sys.stdout, every: float = 0.5, common: bool = True
) -> tuple[ModelSummary, ...]:
    """Start every job, draw progress until all have ended, then summarise each model; with ``common``,
    also each common-scale job (one line each, labelled "NAME (common)")."""
    project.start_explanations(common=common)
    draw = _redrawing(out) if out.isatty() else _line_by_line(out)
    extra = tuple(project.common.jobs) if common else ()
    while True:
        progress = [project.progress(name) for name in project.model_names]
        progress += [_common_progress(project, name) for name in extra]
        draw(progress)
        if all(p.state in ("done", "failed", "cancelled") for p in progress):
            break
        time.sleep(every)
    rows = [_summary(project, name) for name in project.model_names]
    return tuple(rows + [_common_summary(project, name) for name in extra])


def _common_progress(project: Project, name: str) -> JobProgress:
    progress = project.runner.progress(project.common.jobs[name].job)
    return replace(progress, model_name=COMMON_LABEL.format(name=name))


def _common_summary(project: Project, name: str) -> ModelSummary:
    """A common-scale job: the sample's rows, in probability, by the common method (often approximate)."""
    common = project.common.jobs[name]
    progress, state = _common_progress(project, name), project.runner.job_state(common.job)
    explainer = common.explainer
    rows, seconds = common.job.n_rows, state.get("seconds")
    return ModelSummary(
        progress.model_name, progress.state, rows, seconds, explainer.method, explainer.output_scale, progress.error
    )


def _summary(project: Project, name: str) -> ModelSummary:
    """An average's seconds are those of combining its members' finished values (see portal.project)."""
    progress = project.progress(name)
    average = project.models.averages.get(name)
    entry = average or project.models.entries[name]
    state = average.job_state() if average else project.runner.job_state(entry.job)
    return ModelSummary(
        name,
        progress.state,
        project.total_rows(),
        state.get("seconds"),
        entry.method,
        entry.output_scale,
        progress.error,
    )


def bar(progress: JobProgress) -> str:
    filled = int(round(BAR_WIDTH * progress.fraction))
    return f"[{'#' * filled}{'.' * (BAR_WIDTH - filled)}] {progress.done}/{progress.total} chunks {progress.state}"


def _redrawing(out: TextIO) -> Callable[[list[JobProgress]], None]:
    drawn = [0]

    def draw(progress: list[JobProgress]) -> None:
        width = max(len(p.model_name) for p in progress)
        if drawn[0]:
            out.write(f"\x1b[{drawn[0]}F")  # back to the first bar
        for p in progress:
            out.write(f"\x1b[2K{p.model_name:<{width}}  {bar(p)}\n")
        out.flush()
        drawn[0] = len(progress)

    return draw


def _line_by_line(out: TextIO) -> Callable[[list[JobProgress]], None]:
    last: dict[str, tuple[int, str]] = {}

    def draw(progress: list[JobProgress]) -> None:
        for p in progress:
            if last.get(p.model_name) != (p.done, p.state):
                out.write(f"{p.model_name}: {bar(p)}\n")
                last[p.model_name] = (p.done, p.state)
        out.flush()

    return draw


def format_summary(rows: tuple[ModelSummary, ...]) -> str:
    width = max([20, *(len(r.model_name) for r in rows)])
    header = f"{'model':<{width}} {'state':<9} {'rows':>9} {'seconds':>9} {'rows/s':>10}  method / scale"
    lines = [header, "-" * len(header)]
    for r in rows:
        seconds = f"{r.seconds:9.1f}" if r.seconds is not None else f"{'cached':>9}"
        speed = _speed(r.rows_per_second)
        name = f"{r.model_name:<{width}}"
        lines.append(f"{name} {r.state:<9} {r.rows:>9,} {seconds} {speed}  {r.method} / {r.output_scale}")
        if r.error:
            lines.append(f"    error: {r.error}")
    return "\n".join(lines)


def _speed(rows_per_second: float | None) -> str:
    if not rows_per_second:
        return f"{'-':>10}"
    return f"{rows_per_second:10,.1f}" if rows_per_second < 100 else f"{rows_per_second:10,.0f}"


def explained_all(project: Project) -> bool:
    """Run every model's own explanation (progress on stderr); say each one that did not finish, in one line each.
    The commands that need every explanation (audit, figures, report) stop with exit 1 when this is False."""
    failed = [r for r in run_all(project, out=sys.stderr, common=False) if r.state != "done"]
    for r in failed:
        print(EXPORT_FAILED.format(model=r.model_name, state=r.state, error=r.error or "-"))
    return not failed
