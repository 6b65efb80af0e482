"""Serving a project on waitress (a production WSGI server, never Dash's debug server): ``demo`` and ``serve``.

The explanations run in the background; a thread prints their progress until all have ended, and SIGTERM
stops the server as Ctrl+C does.
"""

from __future__ import annotations

import signal
import threading
import time
from dataclasses import replace

from portal.cli._address import bind_error, check_address
from portal.config import ProjectConfig, check_serving
from portal.project import Project, open_project

SERVER_THREADS = 8


def serve_project(config: ProjectConfig, *, host: str, port: int, workers: int = 1) -> int:
    """Open the project, start its explanations and serve the portal until Ctrl+C or SIGTERM; exit code 0.
    ``workers`` above 1 serves from that many gunicorn processes instead (:mod:`portal.cli._gunicorn`)."""
    check_address(host, port)  # before any model trains: a wrong address costs seconds, not minutes
    check_serving(config.auth, host)  # an address this machine has: beyond loopback only with logins
    started = time.perf_counter()
    project = open_project(config)
    project.start_explanations(every_row=True)  # /local then reads any row in probability once they are done
    if workers > 1:
        from portal.cli._gunicorn import serve_workers

        threading.Thread(target=_report_progress, args=(project, started), daemon=True).start()
        return serve_workers(project, config, host=host, port=port, workers=workers)
    project.warm_up()  # compiles the common scale's kernels now, not on the first visit to /local
    from waitress import create_server

    from portal.web import background_manager
    from portal.web.app import create_app

    threading.Thread(target=_report_progress, args=(project, started), daemon=True).start()
    app = create_app(
        project, background_manager(config.cache_dir, config.redis_url), auth=config.auth, secret_dir=config.cache_dir
    )
    print(f"cache: {config.cache_dir}")
    signal.signal(signal.SIGTERM, _raise_keyboard_interrupt)  # stop as on Ctrl+C
    try:
        try:
            server = create_server(app.server, host=host, port=port, threads=SERVER_THREADS, ident="")
        except (OSError, ValueError) as error:  # taken since check_address: the same one line
            raise bind_error(error if isinstance(error, OSError) else OSError(str(error)), host, port) from None
        bound = f"{server.effective_host}:{server.effective_port}"  # what the socket got, not what was asked
        print(f"serving {config.title!r} on http://{bound}/ (Ctrl+C stops)", flush=True)
        server.run()  # returns on Ctrl+C or SIGTERM (waitress ends its loop on KeyboardInterrupt)
        print("stopping", flush=True)
    except KeyboardInterrupt:
        print("stopping", flush=True)
    finally:
        project.runner.shutdown()
    return 0


def _raise_keyboard_interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def _report_progress(project: Project, started: float, every: float = 5.0) -> None:
    """Print each model's explanation progress (and its common-scale job's) until all are done, then the
    time it took."""
    last = ""
    while True:
        progress = [project.progress(name) for name in project.model_names]
        progress += [replace(project.common_progress(n), model_name=f"{n} (common)") for n in project.common.jobs]
        line = "explanations: " + ", ".join(f"{p.model_name} {p.done}/{p.total} {p.state}" for p in progress)
        if line != last:
            print(line, flush=True)
            last = line
        if all(p.state in ("done", "failed") for p in progress):
            print(f"explanations finished {time.perf_counter() - started:.1f} s after start", flush=True)
            return
        time.sleep(every)
