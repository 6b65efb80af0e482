"""``python -m portal audit``: compute what the audit needs, write it, report its breaches (exit 3 on one)."""

from __future__ import annotations

import sys
from pathlib import Path

from portal.cli._shared import EXIT_BREACH, EXPORT_FAILED
from portal.config import ConfigError, ProjectConfig
from portal.project import open_project


def audit(config: ProjectConfig, *, out: Path, threshold: float | None = None) -> int:
    """Compute every model's own explanation if needed, then write the audit and report its breaches.

    Like ``export``, everything but the summary and the breaches goes to stderr. Exit 0 (no breach), 3 (a
    breach), 1 (an explanation failed: its proxies would be missing), 2 (a mistake in the project or options).
    """
    from contextlib import redirect_stdout

    from portal.cli._progress import run_all
    from portal.project import FairnessError
    from portal.reports import build_audit, write_audit

    if not out.parent.is_dir():
        raise ConfigError("--out", f"no folder {out.parent}", "create it first or write elsewhere")
    if threshold is not None and not 0 <= threshold <= 1:
        raise ConfigError("--threshold", f"{threshold!r} is not a probability", "use a number from 0 to 1, e.g. 0.5")
    with redirect_stdout(sys.stderr):
        project = open_project(config)
        try:
            failed = [r for r in run_all(project, out=sys.stderr, common=False) if r.state != "done"]
            if failed:
                for r in failed:
                    print(EXPORT_FAILED.format(model=r.model_name, state=r.state, error=r.error or "-"))
                return 1
            report = build_audit(project, threshold=threshold)
        except KeyboardInterrupt:
            print("interrupted: finished chunks are kept; run the same command again to resume")
            return 130
        except (FairnessError, ValueError) as error:
            raise ConfigError("[fairness]", str(error)) from None
        finally:
            project.runner.shutdown()
    write_audit(report, out)
    breaches = report["breaches"]
    models, attributes = len(report["models"]), len(report["attributes"])
    print(f"audited {models} models x {attributes} protected attributes to {out}: {len(breaches)} breach(es)")
    for breach in breaches:
        print(f"breach: {breach['sentence']}")
    return EXIT_BREACH if breaches else 0
