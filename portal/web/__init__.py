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
- **Logins and roles**: every callback is registered through a :class:`Registrar` with the lowest
  :class:`Role` that may call it (:data:`VIEWER`, :data:`ANALYST`, :data:`ADMIN`); the app refuses to build
  when one declares none (:class:`UndeclaredRole`) and answers a lower role with 403. ``[auth]`` decides who
  the user is (dash-auth's basic or OIDC login, or nobody: the local user is admin); the security headers and
  the 1 MB body cap are set on every response.
- **The services protocol** :class:`PortalServices` is everything a page may ask of a running project; pages
  see that and nothing else, and tests give them a fake.

This package, ``layouts`` and ``callbacks`` (and the CLI that serves them) are the only code that imports Dash;
the core stays importable without it.
"""

from portal.web._background import CALLBACK_CACHE, QUEUE, background_manager, dash_celery
from portal.web._background_cache import CallbackDisk, open_callback_cache
from portal.web._roles import ADMIN, ANALYST, VIEWER, VIEWER_PAGES, Registrar, Role, UndeclaredRole
from portal.web._services import PortalServices
from portal.web._view_state import ViewState, merge_query

__all__ = [
    "ADMIN",
    "ANALYST",
    "VIEWER",
    "VIEWER_PAGES",
    "Registrar",
    "Role",
    "UndeclaredRole",
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
