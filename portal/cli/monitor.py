"""``python -m portal monitor (--config F | --demo NAME) --out monitor.json``: the models over time, for pipelines.

Computes every model's explanation if needed, writes the monitoring report and prints its alerts. Like
``audit``, everything but the summary and the alerts goes to stderr. A classification project's file also has the
report in the common scale (probability, on the seeded sample), so its common-scale jobs run too; if one of them
fails, the file is written without that section (said on stderr): the alerts come from the own scale anyway.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import redirect_stdout
from pathlib import Path

from portal.analyses import COMMON, MonitoringError
from portal.cli._progress import run_all
from portal.cli._shared import EXIT_ALERT, EXIT_FAILED, EXIT_OK, EXPORT_FAILED, interrupted, opened, project_config
from portal.config import ConfigError, ProjectConfig
from portal.project import not_monitored

SUMMARY = "monitored {models} models over {windows} {kind}s to {out}: {alerts} alert(s)"
NO_COMMON_SECTION = "no common-scale section: {error}"


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
            common = project.facts().is_classification
            ran = run_all(project, out=sys.stderr, common=common)
            for r in (r for r in ran if r.state != "done"):
                print(EXPORT_FAILED.format(model=r.model_name, state=r.state, error=r.error or "-"))
            if any(r.state != "done" for r in ran[: len(project.model_names)]):
                return EXIT_FAILED
            report = build_monitor(project.monitoring(), project.facts(), common=_common(project) if common else None)
        except KeyboardInterrupt:
            return interrupted()
        except MonitoringError as error:
            raise ConfigError("[monitoring]", str(error)) from None
    try:
        write_monitor(report, out)
    except OSError as error:
        raise ConfigError("--out", f"cannot write {out} ({error.strerror})", "write elsewhere") from None
    return _report(report, out)


def _common(project):
    """The report in the common scale, or None (said on stderr) when a common-scale job did not end well."""
    try:
        return project.monitoring(COMMON)
    except MonitoringError as error:
        print(NO_COMMON_SECTION.format(error=error))
        return None


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
