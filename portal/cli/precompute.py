"""``python -m portal precompute (--config F | --demo NAME)``: compute every explanation now, then summarise.

Progress goes to stdout as it happens (bars on a terminal, lines otherwise); the summary table ends the
output. Exit code 1 if any model failed, 130 on Ctrl+C (an interrupted run resumes from its committed chunks).
"""

from __future__ import annotations

import argparse

from portal.cli._progress import format_summary, run_all
from portal.cli._shared import EXIT_FAILED, EXIT_OK, interrupted, opened, project_config
from portal.config import ProjectConfig


def run(args: argparse.Namespace) -> int:
    return precompute(project_config(args, required=True))


def precompute(config: ProjectConfig) -> int:
    with opened(config) as project:
        try:
            summary = run_all(project)
        except KeyboardInterrupt:
            return interrupted()
    print(format_summary(summary))
    return EXIT_FAILED if any(row.state != "done" for row in summary) else EXIT_OK
