"""``python -m portal score (--config F | --demo NAME) --batch new.csv [--labels labels.csv]``: new rows, explained.

Checks the batch against the project (one ``error:`` line and exit 2 on a mistake, nothing written), appends it
to the project's batch store in the cache, then explains its rows, and only its rows, with every model: the
models are loaded, never retrained, and the earlier rows' explanations are found in the store. Labels that come
later (``--labels``: the id and target columns) are kept for the rows of earlier batches, for the error panels of
monitoring. Progress goes to stderr, the summary line to stdout.

Exit 0 done, 1 an explanation failed (the batch stays appended: ``precompute`` resumes it), 2 a mistake,
130 Ctrl+C (the same: the batch is kept and ``precompute`` resumes).
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from portal.cli._progress import run_all
from portal.cli._shared import EXIT_FAILED, EXIT_OK, EXPORT_FAILED, interrupted, opened, project_config
from portal.config import ConfigError, ProjectConfig
from portal.project import add_batch, add_labels

SCORED = (
    "scored batch {number} of project '{title}': {rows:,} rows{windows}, explained by {models} models in {seconds} s"
)
LABELLED = "labelled {rows:,} rows of batch {batches} of project '{title}'{windows}"
NOTHING = "nothing to score"
NOTHING_FIX = "pass --batch FILE (new rows) or --labels FILE (labels of earlier batches' rows), or both"


def run(args: argparse.Namespace) -> int:
    config = project_config(args, required=True)
    return score(config, batch=args.batch, labels=args.labels, new_categories=args.new_categories)


def score(config: ProjectConfig, *, batch: Path | None, labels: Path | None, new_categories: bool = False) -> int:
    """Append and explain ``batch``, then keep ``labels``; each checked before anything is written."""
    if batch is None and labels is None:
        raise ConfigError("--batch", NOTHING, NOTHING_FIX)
    started = time.perf_counter()
    record = add_batch(config, batch, new_categories=new_categories) if batch is not None else None
    if labels is not None:
        added = add_labels(config, labels)
        batches = ", ".join(map(str, added.batches))
        print(LABELLED.format(rows=added.rows, batches=batches, title=config.title, windows=_windows(added.windows)))
    if record is None:
        return EXIT_OK
    with redirect_stdout(sys.stderr), opened(config) as project:
        try:
            summary = run_all(project, out=sys.stderr, common=False)
        except KeyboardInterrupt:
            return interrupted()
        models = len(project.model_names)
    failed = [row for row in summary if row.state != "done"]
    for row in failed:
        print(EXPORT_FAILED.format(model=row.model_name, state=row.state, error=row.error or "-"), file=sys.stderr)
    if failed:
        return EXIT_FAILED
    seconds, windows = f"{time.perf_counter() - started:.1f}", _windows(record.windows)
    print(
        SCORED.format(
            number=record.number, title=config.title, rows=record.rows, windows=windows, models=models, seconds=seconds
        )
    )
    return EXIT_OK


def _windows(windows: tuple[str, ...]) -> str:
    return f" ({', '.join(windows)})" if windows else ""
