"""``python -m portal export (--config F | --demo NAME) --model NAME --out FILE.csv``: one model's contributions.

Only this model (with an average's members) is opened and computed; its job and cache key are those of the
whole project. Everything but the final summary line goes to stderr, so stdout stays clean for scripts.
"""

from __future__ import annotations

import argparse
import sys
from contextlib import redirect_stdout
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING

from portal.cli._progress import run_all
from portal.cli._shared import EXIT_FAILED, EXIT_OK, EXPORT_FAILED, interrupted, opened, project_config
from portal.config import ConfigError, ModelSpec, ProjectConfig

if TYPE_CHECKING:
    from portal.reports import ExportSummary
    from portal.results import Explanation

EXPORT_DONE = (
    "exported {summary.rows} rows x {summary.columns} columns of '{model}' to {summary.path} in {summary.seconds:.1f} s"
)


def run(args: argparse.Namespace) -> int:
    return export(project_config(args, required=True), model=args.model, out=args.out)


def export(config: ProjectConfig, *, model: str, out: Path) -> int:
    """Compute the model's explanation if it is not in the cache yet, then write it as CSV."""
    specs = _export_target(config, model, out)
    with redirect_stdout(sys.stderr), opened(replace(config, models=specs)) as project:  # log lines, progress
        try:
            done = run_all(project, out=sys.stderr, common=False)  # the export is in the model's own scale
            result = next(r for r in done if r.model_name == model)
        except KeyboardInterrupt:
            return interrupted()
    if result.state != "done":
        print(EXPORT_FAILED.format(model=model, state=result.state, error=result.error or "-"), file=sys.stderr)
        return EXIT_FAILED
    summary = _write_export(project.explanation(model), out, id_name=config.data.id)
    print(EXPORT_DONE.format(model=model, summary=summary))
    return EXIT_OK


def _export_target(config: ProjectConfig, model: str, out: Path) -> tuple[ModelSpec, ...]:
    """The model's spec (after its members' when it is an average), checked with the output folder first."""
    spec = next((m for m in config.models if m.name == model), None)
    if spec is None:
        known = ", ".join(f"'{m.name}'" for m in config.models)
        raise ConfigError("--model", f"'{model}' is not a model of this project", f"use one of {known}")
    if not out.parent.is_dir():
        raise ConfigError("--out", f"no folder {out.parent}", "create it first or write elsewhere")
    return (*(m for m in config.models if m.name in spec.members), spec)


def _write_export(explanation: Explanation, out: Path, *, id_name: str | None) -> ExportSummary:
    from portal.reports import DEFAULT_ID_NAME, write_explanation_csv

    try:
        return write_explanation_csv(explanation, out, id_name=id_name or DEFAULT_ID_NAME)
    except OSError as error:
        raise ConfigError("--out", f"cannot write {out} ({error.strerror})", "write elsewhere") from None
    except ValueError as error:  # a column name the table would repeat
        raise ConfigError("--out", str(error)) from None
