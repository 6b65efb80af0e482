"""``python -m portal audit (--config F | --demo NAME) --out audit.json [--threshold T]``: the fairness audit.

Computes what the audit needs, writes it, and reports its breaches. Like ``export``, everything but the
summary and the breaches goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import redirect_stdout
from pathlib import Path

from portal.cli._progress import explained_all
from portal.cli._shared import EXIT_BREACH, EXIT_FAILED, EXIT_OK, interrupted, opened, project_config
from portal.config import ConfigError, ProjectConfig
from portal.fairness import FairnessError


def run(args: argparse.Namespace) -> int:
    return audit(project_config(args, required=True), out=args.out, threshold=args.threshold)


def audit(config: ProjectConfig, *, out: Path, threshold: float | None = None) -> int:
    """Compute every model's own explanation if needed, then write the audit and report its breaches.

    Exit 0 (no breach), 3 (a breach), 1 (an explanation failed: its proxies would be missing), 2 (a mistake
    in the project or options), 130 (Ctrl+C).
    """
    from portal.reports import build_audit, write_audit

    _check_options(out, threshold)
    with redirect_stdout(sys.stderr), opened(config) as project:
        try:
            if not explained_all(project):
                return EXIT_FAILED
            report = build_audit(project, threshold=threshold)
        except KeyboardInterrupt:
            return interrupted()
        except (FairnessError, ValueError) as error:
            raise ConfigError("[fairness]", str(error)) from None
    write_audit(report, out)
    return _report(report, out)


def _check_options(out: Path, threshold: float | None) -> None:
    if not out.parent.is_dir():
        raise ConfigError("--out", f"no folder {out.parent}", "create it first or write elsewhere")
    if threshold is not None and not 0 <= threshold <= 1:
        raise ConfigError("--threshold", f"{threshold!r} is not a probability", "use a number from 0 to 1, e.g. 0.5")


def _report(report: dict, out: Path) -> int:
    """The summary line, then one ``breach: ...`` line per breach; exit 3 when there is one."""
    breaches = report["breaches"]
    models, attributes = len(report["models"]), len(report["attributes"])
    print(f"audited {models} models x {attributes} protected attributes to {out}: {len(breaches)} breach(es)")
    for breach in breaches:
        print(f"breach: {breach['sentence']}")
    return EXIT_BREACH if breaches else EXIT_OK
