"""The old path of :mod:`portal.web.page_worker`, kept because the pages' worker is started by it.

``celery -A portal.callback_manager:celery_app worker`` still works: ``celery_app`` is resolved, and built
on first use, by the page worker's own module ``__getattr__``. The README now names
``portal.web.page_worker:celery_app``.
"""

from portal.web.page_worker import __getattr__  # noqa: F401 - alias: the old path of portal.web.page_worker
