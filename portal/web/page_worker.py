"""The Celery worker for the pages' background callbacks (Compute on /interactions), when the portal scales out.

With ``PORTAL_REDIS_URL`` set, Dash's background callbacks run on ``dash.CeleryManager``
(:func:`portal.web.background_manager`), and the callbacks themselves run in these workers. A worker
therefore builds the project's Dash app exactly as the server does, which registers every background
callback as a task, and takes only Dash's queue (``portal-dash``, apart from the explanation chunks'
``portal``). It needs the project: ``PORTAL_CONFIG`` names the project file, or ``demo:NAME``. From the
repository root, with the cache directory shared as for the explanation workers::

    PORTAL_REDIS_URL=redis://HOST:6379/0 PORTAL_CONFIG=project.toml \\
        celery -A portal.web.page_worker:celery_app worker --concurrency 2

``celery_app`` is built on first use, so importing this module opens no project. The old path
``portal.callback_manager:celery_app`` is an alias of this one.
"""

from __future__ import annotations

import functools
import os
from pathlib import Path
from typing import TYPE_CHECKING, Any

from portal.config import ProjectConfig, load_config
from portal.data import demo_config
from portal.project import open_project
from portal.web._background import background_manager
from portal.web.app import create_app

if TYPE_CHECKING:
    from celery import Celery

CONFIG_ENV = "PORTAL_CONFIG"  # a project file, or demo:NAME
DEMO_PREFIX = "demo:"
WORKER_NEEDS = "Dash's Celery worker needs {name} in its environment ({what})"


def __getattr__(name: str) -> Any:
    """``celery_app``, built on first use: what ``celery -A portal.web.page_worker:celery_app`` runs."""
    if name == "celery_app":
        return _worker_celery()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


@functools.cache
def _worker_celery() -> Celery:
    """Open the project named by PORTAL_CONFIG and build its app on a CeleryManager; return its Celery app."""
    config = _project_config()
    if not config.redis_url:
        raise RuntimeError(WORKER_NEEDS.format(name="PORTAL_REDIS_URL", what="the server's Redis URL"))
    manager = background_manager(config.cache_dir, config.redis_url)
    create_app(open_project(config), manager)
    return manager.handle


def _project_config() -> ProjectConfig:
    where = os.environ.get(CONFIG_ENV)
    if not where:
        raise RuntimeError(WORKER_NEEDS.format(name=CONFIG_ENV, what="the project file, or demo:churn"))
    return demo_config(where.removeprefix(DEMO_PREFIX)) if where.startswith(DEMO_PREFIX) else load_config(Path(where))
