"""``main``: parse the options, run the command they name, and turn a ConfigError into one line and exit 2."""

from __future__ import annotations

import sys
from collections.abc import Sequence

from portal.cli import audit, cache, demo, export, figures, monitor, precompute, report, score, serve, users
from portal.cli._parser import build_parser
from portal.cli._shared import EXIT_CONFIG_ERROR
from portal.config import ConfigError

COMMANDS = {
    "demo": demo,
    "serve": serve,
    "precompute": precompute,
    "export": export,
    "audit": audit,
    "monitor": monitor,
    "score": score,
    "figures": figures,
    "report": report,
    "cache": cache,
    "users": users,
}


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m portal`` with ``argv`` (default: the process's arguments) and return its exit code."""
    args = build_parser().parse_args(argv)
    try:
        return COMMANDS[args.command].run(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR
