"""``python -m portal monitor (--config F | --demo NAME) --out monitor.json``: the models over time, for pipelines.

Computes every model's explanation if needed, writes the monitoring report and prints its alerts. Like
``audit``, everything but the summary and the alerts goes to stderr.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import redirect_stdout
from pathlib import Path

from portal.analyses import MonitoringError
from portal.cli._progress import run_all
from portal.cli._shared import EXIT_ALERT, EXIT_FAILED, EXIT_OK, EXPORT_FAILED, interrupted, opened, project_config
from portal.config import ConfigError, ProjectConfig
from portal.project import not_monitored

SUMMARY = "monitored {models} models over {windows} {kind}s to {out}: {alerts} alert(s)"


def run(args: argparse.Namespace) -> int:
    return monitor(project_config(args, required=True), out=args.out)


def monitor(config: ProjectConfig, *, out: Path) -> int:
    """Compute every model's own explanation if needed, then write the report and say its alerts.

    Exit 0 (no alert), 3 (an alert), 1 (an explanation failed), 2 (a mistake in the project or options),
    130 (Ctrl+C).
    """
    from portal.reports import build_monitor, write_monitor

    _check_options(config, out)
    with redirect_stdout(sys.stderr), opened(config) as project:
        try:
            failed = [r for r in run_all(project, out=sys.stderr, common=False) if r.state != "done"]
            for r in failed:
                print(EXPORT_FAILED.format(model=r.model_name, state=r.state, error=r.error or "-"))
            if failed:
                return EXIT_FAILED
            report = build_monitor(project.monitoring(), project.facts())
        except KeyboardInterrupt:
            return interrupted()
        except MonitoringError as error:
            raise ConfigError("[monitoring]", str(error)) from None
    try:
        write_monitor(report, out)
    except OSError as error:
        raise ConfigError("--out", f"cannot write {out} ({error.strerror})", "write elsewhere") from None
    return _report(report, out)


def _check_options(config: ProjectConfig, out: Path) -> None:
    if config.monitoring is None:
        raise not_monitored()
    if not out.parent.is_dir():
        raise ConfigError("--out", f"no folder {out.parent}", "create it first or write elsewhere")


def _report(report: dict, out: Path) -> int:
    """The summary line, then one ``alert: ...`` line per distinct reason; exit 3 when there is an alert.

    A data drift alert is raised for every model (the JSON lists each), but its reason names no model: the
    same line four times would only bury the others, so each reason is printed once."""
    alerts = report["alerts"]
    summary = SUMMARY.format(
        models=len(report["models"]),
        windows=len(report["windows"]),
        kind=report["settings"]["window"],
        out=out,
        alerts=len(alerts),
    )
    print(summary)
    for reason in dict.fromkeys(alert["reason"] for alert in alerts):
        print(f"alert: {reason}")
    return EXIT_ALERT if alerts else EXIT_OK
