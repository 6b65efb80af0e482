"""The ``python -m portal`` command line: demo, serve, precompute, export, audit and cache.

Mistakes in a project file or its data print one line naming the field and the fix, and exit with
code 2, never a traceback. The server runs on waitress (a production WSGI server), never in debug mode.
"""

from __future__ import annotations

import argparse
import signal
import sys
import threading
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from portal.cli._parser import build_parser
from portal.cli._shared import DEFAULT_DEMO, EXIT_CONFIG_ERROR, EXPORT_FAILED, project_config
from portal.config import ConfigError, ModelSpec, ProjectConfig, load_config
from portal.data import demo_config
from portal.project import open_project

if TYPE_CHECKING:
    from portal.reports import ExportSummary
    from portal.results import Explanation

EXPORT_DONE = (
    "exported {summary.rows} rows x {summary.columns} columns of '{model}' to {summary.path} in {summary.seconds:.1f} s"
)


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        if args.command == "demo":
            list_demos(args.name or DEFAULT_DEMO)
            return serve(demo_config(args.name or DEFAULT_DEMO), host=args.host, port=args.port)
        if args.command == "serve":
            return serve(load_config(args.config), host=args.host, port=args.port)
        if args.command == "precompute":
            return precompute(project_config(args, required=True))
        if args.command == "export":
            return export(project_config(args, required=True), model=args.model, out=args.out)
        if args.command == "audit":
            from portal.cli.audit import audit

            return audit(project_config(args, required=True), out=args.out, threshold=args.threshold)
        return cache_command(args)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR


def precompute(config: ProjectConfig) -> int:
    from portal.cli._progress import format_summary, run_all

    project = open_project(config)
    try:
        summary = run_all(project)
    except KeyboardInterrupt:
        print("interrupted: finished chunks are kept; run the same command again to resume", file=sys.stderr)
        return 130
    finally:
        project.runner.shutdown()
    print(format_summary(summary))
    return 1 if any(row.state != "done" for row in summary) else 0


def export(config: ProjectConfig, *, model: str, out: Path) -> int:
    """Compute the model's explanation if it is not in the cache yet, then write it as CSV.

    Only this model (with an average's members) is opened and computed; its job and cache key are those of
    the whole project. All but the final summary line goes to stderr, so stdout stays clean for scripts.
    """
    from contextlib import redirect_stdout
    from dataclasses import replace

    from portal.cli._progress import run_all

    specs = _export_target(config, model, out)
    with redirect_stdout(sys.stderr):  # the project's log lines, and the progress
        project = open_project(replace(config, models=specs))
        try:
            done = run_all(project, out=sys.stderr, common=False)  # the export is in the model's own scale
            result = next(r for r in done if r.model_name == model)
        except KeyboardInterrupt:
            print("interrupted: finished chunks are kept; run the same command again to resume")
            return 130
        finally:
            project.runner.shutdown()
    if result.state != "done":
        print(EXPORT_FAILED.format(model=model, state=result.state, error=result.error or "-"), file=sys.stderr)
        return 1
    summary = _write_export(project.explanation(model), out, id_name=config.data.id)
    print(EXPORT_DONE.format(model=model, summary=summary))
    return 0


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


def cache_command(args: argparse.Namespace) -> int:
    from portal.config import default_cache_dir
    from portal.jobs import ResultStore, cache_info, clear_cache, human_bytes

    config = project_config(args)
    store = ResultStore(config.cache_dir if config else default_cache_dir())
    if args.cache_command == "clear":
        removed = clear_cache(store, args.model)
        print(f"removed {removed} cached entries{f' of {args.model!r}' if args.model else ''} from {store.root}")
        return 0
    info = cache_info(store)
    print(f"cache: {info.root}\nsize: {human_bytes(info.total_bytes)}\nfitted model files: {info.n_model_files}")
    print(f"explanations: {len(info.explanations)}")
    for e in info.explanations:
        seconds = f", {e.seconds:.1f} s" if e.seconds is not None else ""
        name = f"{e.model_name} (common)" if e.scale == "common" else e.model_name
        print(f"  {name}: {e.state}, {e.n_rows:,} rows, {human_bytes(e.bytes)}{seconds} [{e.key}]")
    return 0


def list_demos(starting: str) -> None:
    """One line per demo, the one starting marked, and how to start another: ``demo`` alone still starts
    churn (README and scripts rely on it), and the listing says which others exist."""
    from portal.data import demo_titles

    titles = demo_titles()
    width = max(map(len, titles))
    for name, title in titles.items():
        print(f"{'*' if name == starting else ' '} {name:<{width}}  {title}")
    print(f"starting '{starting}'; another with: python -m portal demo NAME")


def serve(config: ProjectConfig, *, host: str, port: int) -> int:
    started = time.perf_counter()
    project = open_project(config)
    project.start_explanations()
    project.warm_up()  # compiles the common scale's kernels now, not on the first visit to /local
    from waitress import serve as waitress_serve

    from portal.web import background_manager
    from portal.web.app import create_app

    threading.Thread(target=_report_progress, args=(project, started), daemon=True).start()
    app = create_app(project, background_manager(config.cache_dir, config.redis_url))
    print(f"cache: {config.cache_dir}")
    print(f"serving {config.title!r} on http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as on Ctrl+C
    try:
        waitress_serve(app.server, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        project.runner.shutdown()
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report_progress(project, started: float, every: float = 5.0) -> None:
    """Print each model's explanation progress (and its common-scale job's) until all are done, then the
    time it took."""
    from dataclasses import replace

    last = ""
    while True:
        progress = [project.progress(name) for name in project.model_names]
        progress += [replace(project.common_progress(n), model_name=f"{n} (common)") for n in project.common_jobs]
        line = "explanations: " + ", ".join(f"{p.model_name} {p.done}/{p.total} {p.state}" for p in progress)
        if line != last:
            print(line, flush=True)
            last = line
        if all(p.state in ("done", "failed") for p in progress):
            print(f"explanations finished {time.perf_counter() - started:.1f} s after start", flush=True)
            return
        time.sleep(every)
