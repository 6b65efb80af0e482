"""portal.web."""

from portal.web._background import (
    CALLBACK_CACHE,
    QUEUE,
    background_manager,
    dash_celery,
)
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
