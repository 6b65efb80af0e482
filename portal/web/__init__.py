"""The web layer: what stands between the thin Dash layer (``layouts``, ``callbacks``) and the core.

- **The app** is made by :func:`portal.web.app.create_app`, a public module kept apart from this package's
  namespace: it imports ``callbacks``, which import ``portal.web``, so re-exporting it here would make the two
  import each other. Import it by its own path.
- **Background callbacks** (Compute on /interactions) run on :func:`background_manager`: Dash's
  DiskcacheManager on a private directory whose disk never pickles (:class:`CallbackDisk`,
  :func:`open_callback_cache`), or with a Redis URL Dash's CeleryManager on a JSON-only Celery app
  (:func:`dash_celery`) on a queue of its own (:data:`QUEUE`).
- **The page worker** that runs those callbacks when the portal scales out is :mod:`portal.web.page_worker`:
  ``celery -A portal.web.page_worker:celery_app worker``. Also public by path, and not imported here, since its
  ``celery_app`` opens a project.
- **View state**: :class:`ViewState` and :func:`merge_query` read and write the query string that makes every
  view a link someone can share.
- **The services protocol** :class:`PortalServices` is everything a page may ask of a running project; pages
  see that and nothing else, and tests give them a fake.

This package, ``layouts`` and ``callbacks`` (and the CLI that serves them) are the only code that imports Dash;
the core stays importable without it.
"""

from portal.web._background import CALLBACK_CACHE, QUEUE, background_manager, dash_celery
from portal.web._background_cache import CallbackDisk, open_callback_cache
from portal.web._services import PortalServices
from portal.web._view_state import ViewState, merge_query

__all__ = [
    "CALLBACK_CACHE",
    "QUEUE",
    "CallbackDisk",
    "PortalServices",
    "ViewState",
    "background_manager",
    "dash_celery",
    "merge_query",
    "open_callback_cache",
]
