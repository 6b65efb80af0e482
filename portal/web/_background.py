"""Dash's background-callback manager, on the same switch as the explanation jobs.

Without ``PORTAL_REDIS_URL``: ``dash.DiskcacheManager`` (one process per call) on a private directory
in the portal's cache, whose disk never pickles (:mod:`portal.web`). With it:
``dash.CeleryManager`` on a Celery app of its own on that Redis, JSON only, on its own queue
(``portal-dash``, apart from the explanation chunks' ``portal``). Its workers run the callbacks
themselves, so a worker builds the project's Dash app exactly as the server does, which registers every
background callback as a task. From the repository root, with the cache directory shared as for the
explanation workers::

    PORTAL_REDIS_URL=redis://HOST:6379/0 PORTAL_CONFIG=project.toml \\
        celery -A portal.web._background:celery_app worker --concurrency 2

Like ``app`` and ``cli``, this module imports Dash; the rest of the core does not.
"""

from __future__ import annotations

import functools
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash

from portal.jobs import json_celery
from portal.web._background_cache import open_callback_cache

if TYPE_CHECKING:
    from celery import Celery

CONFIG_ENV = "PORTAL_CONFIG"  # for Dash's Celery workers: a project file, or demo:NAME
QUEUE = "portal-dash"
CALLBACK_CACHE = "dash-callbacks"  # the DiskcacheManager's folder inside the portal's cache directory
WORKER_NEEDS = "Dash's Celery worker needs {name} in its environment ({what})"


def background_manager(cache_dir: Path | None = None, redis_url: str | None = None) -> Any:
    """CeleryManager on ``redis_url`` when given, else DiskcacheManager on ``cache_dir``/dash-callbacks.

    Without a ``cache_dir`` the disk cache goes to a fresh private temporary folder (tests, fakes). The
    cache is always explicit: Dash's own default is a temporary folder per process.
    """
    if redis_url:
        return dash.CeleryManager(dash_celery(redis_url))
    folder = Path(cache_dir) / CALLBACK_CACHE if cache_dir else Path(tempfile.mkdtemp(prefix="portal-dash-"))
    return dash.DiskcacheManager(cache=open_callback_cache(folder))


def dash_celery(redis_url: str) -> Celery:
    """A Celery app for Dash's background callbacks: Redis as broker and result store, JSON only."""
    return json_celery("portal-dash", broker=redis_url, backend=redis_url, queue=QUEUE)


def __getattr__(name: str) -> Any:
    """``celery_app``, built on first use: what ``celery -A portal.web._background:celery_app`` runs."""
    if name == "celery_app":
        return _worker_celery()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _worker_celery() -> Celery:
    """Open the project named by PORTAL_CONFIG and build its app on a CeleryManager; return its Celery app."""
    from portal.config import load_config, scale_out_url
    from portal.data import demo_config
    from portal.project import open_project
    from portal.web.app import create_app

    redis_url, where = scale_out_url(), os.environ.get(CONFIG_ENV)
    if not redis_url:
        raise RuntimeError(WORKER_NEEDS.format(name="PORTAL_REDIS_URL", what="the server's Redis URL"))
    if not where:
        raise RuntimeError(WORKER_NEEDS.format(name=CONFIG_ENV, what="the project file, or demo:churn"))
    config = demo_config(where.removeprefix("demo:")) if where.startswith("demo:") else load_config(Path(where))
    manager = background_manager(config.cache_dir, redis_url)
    create_app(open_project(config), manager)
    return manager.handle
