"""Serving with several processes (``serve --workers N``): gunicorn's gthread workers, each with its own project.

One process serves Python callbacks one core at a time (the GIL), and the local page's rows in the common
scale wait for numpy's one global generator (:mod:`portal.explain._coalitions`); on a 2-core machine two or
three processes serve more users than more threads can (the README's load table, ``benchmarks/load.py``).

Who does what, so that jobs and caches stay correct with several processes:

- This process (gunicorn's arbiter) opened the project, trained or loaded its models and runs its
  explanation jobs, as a one-process server does; it serves no page.
- Each worker opens the project again *after* the fork (``preload_app`` stays off): its models come from the
  cache this process filled, and it starts no jobs. Nothing computed is shared in memory, so no worker uses
  a lock or a thread it inherited mid-flight from this one.
- Pages read job progress and results from the result store on disk (a finished job is a directory; job
  state is a JSON record in diskcache), which every process sees; identical jobs a worker submits (say,
  interactions) are de-duplicated across processes by the job's file lock. Each worker keeps its own small
  cache of single rows: a row computed in one worker is computed again in another, with the same values
  (each row's permutations come from its own seed).
"""

from __future__ import annotations

import time

from portal.config import ProjectConfig
from portal.project import Project, open_project

#: Threads per worker: the callbacks of one page view at once (a page sends up to eight) without more
#: threads than one core serves well.
WORKER_THREADS = 4
#: No keep-alive: every request is a new connection, taken by whichever worker is free. With keep-alive a
#: connection stays with the worker that accepted it, and one worker accepted most: 44 of 50 users' connections
#: in a load run, so one process (one core, one GIL) served nearly everyone while two idled, and the edited
#: what-if's p95 swung between 1.1 and 3.2 s from run to run. A reverse proxy in front (the README's deployment)
#: opens a connection per request to its upstream by default anyway; on loopback a connection costs microseconds.
KEEPALIVE_S = 0
#: A request may take this long before gunicorn restarts its worker: what-if at 50 users takes seconds.
WORKER_TIMEOUT_S = 120


def serve_workers(project: Project, config: ProjectConfig, *, host: str, port: int, workers: int) -> int:
    """Serve the portal from ``workers`` gunicorn processes until Ctrl+C or SIGTERM; ``project`` (opened here,
    its jobs started) keeps running the explanations. Exit code 0."""
    import gunicorn.http.wsgi
    from gunicorn.app.base import BaseApplication

    gunicorn.http.wsgi.SERVER = ""  # its "Server: gunicorn" on every answer names the software: sent empty instead

    class PortalApplication(BaseApplication):
        """gunicorn's own application class, configured from code rather than from the command line."""

        def load_config(self) -> None:
            options = {
                "bind": f"{host}:{port}",
                "workers": workers,
                "worker_class": "gthread",
                "threads": WORKER_THREADS,
                "timeout": WORKER_TIMEOUT_S,
                "keepalive": KEEPALIVE_S,
                "preload_app": False,
                "loglevel": "warning",
            }
            for name, value in options.items():
                self.cfg.set(name, value)

        def load(self):
            return worker_app(config)

    print(f"cache: {config.cache_dir}")
    print(
        f"serving {config.title!r} on http://{host}:{port}/ with {workers} worker processes "
        f"x {WORKER_THREADS} threads (Ctrl+C stops)",
        flush=True,
    )
    try:
        PortalApplication().run()
    except SystemExit as stopped:  # gunicorn's arbiter ends by sys.exit, after stopping its workers
        if stopped.code not in (0, None):
            print(f"error: the web server stopped with code {stopped.code}; its lines above say why")
            return 1
    finally:
        print("stopping", flush=True)
        project.runner.shutdown()
    return 0


def worker_app(config: ProjectConfig):
    """The WSGI app of one worker: the project opened in this process (models from the cache, no jobs started;
    their progress and results are read from the store), warmed in the background as a one-process server is."""
    from portal.web import background_manager
    from portal.web.app import create_app

    started = time.perf_counter()
    project = open_project(config, log=lambda _: None)
    project.warm_up()
    app = create_app(
        project, background_manager(config.cache_dir, config.redis_url), auth=config.auth, secret_dir=config.cache_dir
    )
    print(f"worker ready in {time.perf_counter() - started:.1f} s", flush=True)
    return app.server
