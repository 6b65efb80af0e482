"""``python -m portal report (--config F | --demo NAME) --out report.html|report.pdf [--sections a,b] [--rows ID,...]
[--interactive]``.

Computes every model's own explanation if needed (progress on stderr), then writes the report: one self-contained
HTML file, or a PDF printed from it (the format follows the file's extension). Each section the project cannot fill
is one line on stderr saying why; stdout holds one summary line.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from portal.cli._progress import explained_all
from portal.cli._shared import EXIT_FAILED, EXIT_OK, check_rows, interrupted, opened, project_config
from portal.config import ConfigError, ProjectConfig

EXTENSIONS = {".html": "html", ".htm": "html", ".pdf": "pdf"}
SUMMARY = (
    "wrote {out}: {sections} sections ({skipped} skipped), {figures} figures, {size}, inputs {hash} in {seconds:.1f} s"
)
SKIPPED = "skipped {name}: {reason}"
STEP = "report: {message}"
ROWS_UNUSED = "the rows are explained in the disagreements section, which --sections leaves out"


def run(args: argparse.Namespace) -> int:
    config = project_config(args, required=True)
    return report(
        config,
        out=args.out,
        sections=_listed(args.sections),
        rows=_listed(args.rows),
        interactive=getattr(args, "interactive", False),
    )


def report(
    config: ProjectConfig,
    *,
    out: Path,
    sections: tuple[str, ...] | None = None,
    rows: tuple[str, ...] | None = None,
    interactive: bool = False,
) -> int:
    """Compute every model's own explanation if needed, then write the report. Exit 0 (written, skipped sections
    said), 1 (an explanation failed: nothing written), 2 (a mistake in the project or options), 130 (Ctrl+C)."""
    from portal.reports import check_sections, write_report

    started = time.perf_counter()
    fmt = _check_out(out)
    if interactive and fmt != "html":
        raise ConfigError("--interactive", "a PDF cannot run the interactive figures", "write .html, or leave it out")
    chosen = check_sections(sections, "--sections")
    if rows is not None:
        if "disagreements" not in chosen:
            raise ConfigError("--rows", ROWS_UNUSED, "add disagreements to --sections, or leave --rows out")
        check_rows(config, rows)
    with redirect_stdout(sys.stderr), opened(config) as project:
        try:
            if not explained_all(project):
                return EXIT_FAILED
            written = write_report(
                project, out, fmt=fmt, sections=chosen, rows=rows, progress=_progress(), interactive=interactive
            )
        except KeyboardInterrupt:
            return interrupted()
        for name, reason in written.skipped:
            print(SKIPPED.format(name=name, reason=reason))
    print(_summary(written, time.perf_counter() - started))
    return EXIT_OK


def _listed(text: str | None) -> tuple[str, ...] | None:
    """``a,b, c`` as ('a', 'b', 'c'); None when the option was not given (an empty one is checked later)."""
    return None if text is None else tuple(part.strip() for part in text.split(",") if part.strip())


def _check_out(out: Path) -> str:
    """The format the file's extension names; a ConfigError for another extension or a folder that cannot take it."""
    fmt = EXTENSIONS.get(out.suffix.lower())
    if fmt is None:
        raise ConfigError("--out", f"{out.name} is neither .html nor .pdf", "name a file report.html or report.pdf")
    if out.is_dir():
        raise ConfigError("--out", f"{out} is a folder", "name a file in it, e.g. report.html")
    if not out.parent.is_dir():
        raise ConfigError("--out", f"no folder {out.parent}", "create it first or write elsewhere")
    if not os.access(out.parent, os.W_OK) or (out.exists() and not os.access(out, os.W_OK)):
        raise ConfigError("--out", f"cannot write {out} (permission denied)", "write elsewhere")
    return fmt


def _progress():
    """Each step once, on stderr (stdout is redirected there while the report is made)."""
    said = set()

    def say(_fraction: float, message: str) -> None:
        if message not in said:
            said.add(message)
            print(STEP.format(message=message), flush=True)

    return say


def _summary(written, seconds: float) -> str:
    size = written.size_bytes
    words = f"{size / 1024**2:.1f} MB" if size >= 1024**2 else f"{size / 1024:.0f} kB"
    return SUMMARY.format(
        out=written.path,
        sections=len(written.sections),
        skipped=len(written.skipped),
        figures=written.figures,
        size=words,
        hash=written.inputs_hash,
        seconds=seconds,
    )
