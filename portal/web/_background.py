"""Dash's background-callback manager, on the same switch as the explanation jobs.

Without a Redis URL (``ProjectConfig.redis_url``): ``dash.DiskcacheManager`` (one process per call) on a
private directory in the portal's cache, whose disk never pickles (:mod:`portal.web._background_cache`).
With one: ``dash.CeleryManager`` on a Celery app of its own on that Redis, JSON only
(:func:`portal.jobs.json_celery`), on its own queue (``portal-dash``, apart from the explanation chunks'
``portal``); :mod:`portal.web.page_worker` is the worker that runs those callbacks.

Like ``app`` and ``cli``, this module imports Dash; the rest of the core does not.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import dash

from portal.jobs import json_celery
from portal.web._background_cache import open_callback_cache

if TYPE_CHECKING:
    from celery import Celery

QUEUE = "portal-dash"
CALLBACK_CACHE = "dash-callbacks"  # the DiskcacheManager's folder inside the portal's cache directory


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
