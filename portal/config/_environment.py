"""What the environment, not the project file, decides: where results are cached by default, and the
scale-out switch (a Redis URL sends explanation chunks and Dash's background callbacks to Celery)."""

from __future__ import annotations

import os
from pathlib import Path

DEFAULT_CACHE_ENV = "PORTAL_CACHE_DIR"
#: The scale-out switch: a Redis URL here sends explanation chunks and Dash's background callbacks to Celery.
REDIS_URL_ENV = "PORTAL_REDIS_URL"


def default_cache_dir() -> Path:
    """``$PORTAL_CACHE_DIR``, else the per-user cache directory (XDG)."""
    if os.environ.get(DEFAULT_CACHE_ENV):
        return Path(os.environ[DEFAULT_CACHE_ENV]).expanduser().resolve()  # workers may run elsewhere
    base = os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache"
    return Path(base) / "model-comparison-portal"


def scale_out_url() -> str | None:
    """``$PORTAL_REDIS_URL``, or None: the one place the scale-out switch is read.

    A project's configuration carries it (``ProjectConfig.redis_url``) to whatever opens runners or Dash's
    background-callback manager; a Celery worker, which has no project, asks here.
    """
    return os.environ.get(REDIS_URL_ENV) or None
