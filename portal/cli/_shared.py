"""What every command shares: exit codes, the messages more than one command prints, and the project given.

Commands import from here (and from ``_progress`` and ``_server``), never from one another.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Iterator
from contextlib import contextmanager

from portal.config import ConfigError, ProjectConfig, load_config
from portal.data import demo_config
from portal.project import Project, open_project

EXIT_OK = 0
EXIT_FAILED = 1  # an explanation failed
EXIT_CONFIG_ERROR = 2  # a mistake in the project or the options (as argparse's own usage errors)
EXIT_BREACH = 3  # audit: a model breaches a configured fairness rule
EXIT_ALERT = 3  # monitor: a change over time crossed a [monitoring.alerts] threshold
EXIT_INTERRUPTED = 130  # Ctrl+C (128 + SIGINT); finished chunks are kept

DEFAULT_DEMO = "churn"
EXPORT_FAILED = "error: the explanation of '{model}' {state}: {error}"
INTERRUPTED = "interrupted: finished chunks are kept; run the same command again to resume"


def check_rows(config: ProjectConfig, rows: tuple[str, ...]) -> None:
    """Each ``--rows`` id is a row of the data (read alone, before any model is trained or loaded)."""
    from portal.project import project_data
    from portal.reports import check_rows as known_rows

    if not rows:
        raise ConfigError("--rows", "no row ids given", "pass ids separated by commas, e.g. --rows C00001,C00002")
    known_rows(project_data(config).ids, rows, "--rows")


def project_config(args: argparse.Namespace, *, required: bool = False) -> ProjectConfig | None:
    """The project of ``--demo NAME`` or ``--config FILE``; without either, None or (``required``) a ConfigError."""
    if args.demo:
        return demo_config(args.demo)
    if args.config:
        return load_config(args.config)
    if required:
        raise ConfigError("--config", "no project given", "pass --config FILE or --demo churn")
    return None


@contextmanager
def opened(config: ProjectConfig) -> Iterator[Project]:
    """The project, its runner shut down however the block ends (done, failed or interrupted)."""
    project = open_project(config)
    try:
        yield project
    finally:
        project.runner.shutdown()


def interrupted() -> int:
    """Say on stderr that the run can resume, and give Ctrl+C's exit code."""
    print(INTERRUPTED, file=sys.stderr)
    return EXIT_INTERRUPTED
