"""The ``python -m portal`` command line: demo and serve.

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

from portal.config import ConfigError, ProjectConfig, load_config, parse_config

EXIT_CONFIG_ERROR = 2
DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m portal",
        description="Model Comparison Portal: compare trained models side by side and explain them.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    demo = commands.add_parser(
        "demo",
        help="start a built-in demo project (churn) and open the portal",
        description="Train the demo's models (once; later starts load them from the cache), "
        "start their explanations in the background and serve the portal.",
    )
    demo.add_argument("name", nargs="?", default="churn", help="which demo (default: churn)")
    _add_server_options(demo)
    serve = commands.add_parser(
        "serve",
        help="serve the portal for a project file (TOML)",
        description="Load the project, train or load its models, start their explanations "
        "in the background and serve the portal.",
    )
    serve.add_argument("--config", required=True, type=Path, help="the project file (TOML)")
    _add_server_options(serve)
    return parser


def _add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = demo_config(args.name) if args.command == "demo" else load_config(args.config)
        return serve(config, host=args.host, port=args.port)
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr)
        return EXIT_CONFIG_ERROR


def demo_config(name: str) -> ProjectConfig:
    import tomllib

    from portal.demos import DEMO_CONFIGS

    if name not in DEMO_CONFIGS:
        raise ConfigError("demo", f"'{name}' is not a demo", f"use one of {', '.join(DEMO_CONFIGS)}")
    return parse_config(tomllib.loads(DEMO_CONFIGS[name]), base_dir=Path.cwd())


def serve(config: ProjectConfig, *, host: str, port: int) -> int:
    from portal.jobs import JobRunner, local_process_pool, stop_pool
    from portal.project import Project
    from portal.store import ResultStore

    started = time.perf_counter()
    pool = local_process_pool()
    try:
        project = Project(config, runner=JobRunner(ResultStore(config.cache_dir), pool))
    except BaseException:
        stop_pool(pool)
        raise
    project.start_explanations()
    from waitress import serve as waitress_serve

    from portal.app import create_app

    threading.Thread(target=_report_progress, args=(project, started), daemon=True).start()
    app = create_app(project)
    print(f"cache: {config.cache_dir}")
    print(f"serving {config.title!r} on http://{host}:{port}/ (Ctrl+C stops)", flush=True)
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as on Ctrl+C
    try:
        waitress_serve(app.server, host=host, port=port, threads=8, _quiet=True)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        stop_pool(pool)
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report_progress(project, started: float, every: float = 5.0) -> None:
    """Print each model's explanation progress until all are done, then the time it took."""
    last = ""
    while True:
        progress = [project.progress(name) for name in project.model_names]
        line = "explanations: " + ", ".join(f"{p.model_name} {p.done}/{p.total} {p.state}" for p in progress)
        if line != last:
            print(line, flush=True)
            last = line
        if all(p.state in ("done", "failed") for p in progress):
            print(f"explanations finished {time.perf_counter() - started:.1f} s after start", flush=True)
            return
        time.sleep(every)
