"""The one Celery configuration: JSON only, on a queue of its own.

Two Celery apps share a Redis server: the explanation chunks' (:mod:`portal.jobs.celery_runner`, queue
``portal``) and Dash's background callbacks' (:mod:`portal.web`, queue ``portal-dash``). Both are made here,
so both send, store and accept JSON and nothing else: a message or a result planted in Redis can never make a
worker or the server unpickle anything. Celery stays optional: it is imported when an app is made.
"""

from __future__ import annotations

from types import MappingProxyType
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from celery import Celery

JSON_ONLY = MappingProxyType(
    {
        "task_serializer": "json",
        "result_serializer": "json",
        "event_serializer": "json",
        "accept_content": ["json"],
        "result_accept_content": ["json"],
    }
)
NOT_A_CHOICE = "Celery apps of the portal speak JSON only: {names} cannot be set"
RESULT_EXPIRES = 3600  # seconds a result nobody collected (the server went away, the page was left) stays in Redis


def json_celery(name: str, *, broker: str, backend: str, queue: str, **settings: Any) -> Celery:
    """A Celery app on ``broker`` and ``backend`` that speaks JSON only, taking its tasks from ``queue``.

    ``settings`` are further Celery settings (``task_acks_late=True``, say); a serializer among them is a
    TypeError: the serializers are not a choice.
    """
    if chosen := sorted(JSON_ONLY.keys() & settings.keys()):
        raise TypeError(NOT_A_CHOICE.format(names=", ".join(chosen)))
    from celery import Celery

    app = Celery(name, set_as_current=False)
    defaults = {"broker_connection_retry_on_startup": True, "result_expires": RESULT_EXPIRES}
    app.conf.update(
        {**defaults, **settings, **JSON_ONLY}, broker_url=broker, result_backend=backend, task_default_queue=queue
    )
    return app
