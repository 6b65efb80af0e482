"""``main``: parse the options, run the command they name, and end every way a run can end in one line.

A ConfigError (a mistake in the project, its data or the options) is one line and exit 2; Ctrl+C is one
line and exit 130 wherever it lands (loading, training, computing); anything else is a bug of ours, still one
line (exit 1), with the traceback only when ``PORTAL_DEBUG`` is set: a user or a terminal never sees a traceback.
"""

from __future__ import annotations

import os
import sys
from collections.abc import Sequence

from portal.cli import audit, cache, demo, export, figures, monitor, precompute, report, score, serve, users
from portal.cli._parser import build_parser
from portal.cli._shared import EXIT_CONFIG_ERROR, EXIT_FAILED, interrupted
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
UNEXPECTED = (
    "error: unexpected {kind}: {reason}. This is a bug of the portal, not your mistake: "
    "run again with PORTAL_DEBUG=1 for the details and report them"
)


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``python -m portal`` with ``argv`` (default: the process's arguments) and return its exit code."""
    try:
        args = build_parser().parse_args(argv)
        return COMMANDS[args.command].run(args)
    except ConfigError as error:
        print("error: " + " ".join(str(error).splitlines()), file=sys.stderr)  # one line, whatever it quotes
        return EXIT_CONFIG_ERROR
    except KeyboardInterrupt:
        return interrupted()
    except Exception as error:  # the last guard: one line, never a traceback, unless asked for
        if _caused_by_ctrl_c(error):  # Ctrl+C inside an import that re-raised it as its own error (numba does)
            return interrupted()
        if os.environ.get("PORTAL_DEBUG"):
            raise
        reason = " ".join(str(error).split()) or "no message"
        print(UNEXPECTED.format(kind=type(error).__name__, reason=reason), file=sys.stderr)
        return EXIT_FAILED


def _caused_by_ctrl_c(error: BaseException) -> bool:
    seen: set[int] = set()
    while error is not None and id(error) not in seen:
        if isinstance(error, KeyboardInterrupt):
            return True
        seen.add(id(error))
        error = error.__cause__ or error.__context__
    return False
