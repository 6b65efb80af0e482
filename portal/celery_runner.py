"""The old path of :mod:`portal.jobs.celery_runner`, kept because workers are started by it.

``celery -A portal.celery_runner worker`` (and ``inspect ping``) still work; the README now names
``portal.jobs.celery_runner``.
"""

from portal.jobs.celery_runner import app  # alias: the old path of portal.jobs.celery_runner

__all__ = ["app"]
