"""Roles, and the one way a callback is registered: with the lowest role that may call it.

Hiding a page or a button does not protect anything: every callback answers a crafted POST to
``/_dash-update-component`` from whoever reaches the port. So each callback declares its role where it is
registered (``app.callback(ANALYST, Output(...), ...)`` on a :class:`Registrar`, which every
``callbacks/*.py`` ``register`` receives instead of the Dash app), and :func:`guard_callbacks` refuses a
request whose user's role is lower with 403 and an empty body before Dash runs anything.

Forgetting is made impossible twice: :meth:`Registrar.callback` takes the role as its first, required
argument, and :meth:`Registrar.check_complete` fails the app's construction if any entry of
``app.callback_map`` (a callback registered around the registrar, say with ``dash.callback``) has none. At
request time an output key the table does not know is refused too.

- ``viewer``: aggregates only (overview, global importance, performance, fairness group metrics, monitoring);
  no row's values.
- ``analyst``: everything a viewer sees, every row, and on-demand work (interactions, report download).
- ``admin``: also cancels and resumes explanation jobs and clears the cache.
"""

from __future__ import annotations

import enum
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

import dash
import flask


class Role(enum.IntEnum):
    """A portal role; a higher value may do everything a lower one may."""

    VIEWER = 1
    ANALYST = 2
    ADMIN = 3

    @classmethod
    def named(cls, name: str) -> Role:
        """The role of a name in :data:`portal.config.ROLES` (``"viewer"``...)."""
        return cls[name.upper()]


VIEWER, ANALYST, ADMIN = Role.VIEWER, Role.ANALYST, Role.ADMIN
UPDATE_ROUTE = "_dash-update-component"
#: The pages whose every view a viewer may see; the navigation offers a viewer only these.
VIEWER_PAGES = ("/", "/global", "/performance", "/fairness", "/monitoring")


class UndeclaredRole(TypeError):
    """A callback was registered without a role: the app refuses to build rather than serve it unguarded."""


class Registrar:
    """What ``callbacks/*.py`` register with: ``app.callback(role, *dash_args)`` and
    ``app.clientside_callback(role, *dash_args)``, recording each new ``callback_map`` key's role."""

    def __init__(self, app: dash.Dash) -> None:
        self.app = app
        self._roles: dict[str, Role] = {}
        self._memo: set[str] = set()

    def callback(self, role: Role, *args: Any, memo: bool = False, **kwargs: Any) -> Callable[[Callable], Callable]:
        """``memo=True``: the callback's answer depends only on its request and the project's job state, so an
        identical request may be answered from memory (:mod:`portal.web._response_memo`)."""
        _require_role(role, args)
        before = set(self.app.callback_map)
        decorate = self.app.callback(*args, **kwargs)

        def register(func: Callable) -> Callable:
            wrapped = decorate(func)
            if memo:
                self._memo |= set(self.app.callback_map) - before
            self._record(before, role)
            for cancel in _listed(kwargs.get("cancel")):  # Dash adds its cancel callback on the first request
                self._roles[str(dash.Output(cancel.component_id, "id"))] = role
            return wrapped

        return register

    def clientside_callback(self, role: Role, *args: Any, **kwargs: Any) -> None:
        """A callback that runs in the browser; its role still guards the key should anyone POST it."""
        _require_role(role, args)
        before = set(self.app.callback_map)
        self.app.clientside_callback(*args, **kwargs)
        self._record(before, role)

    def _record(self, before: set[str], role: Role) -> None:
        for key in set(self.app.callback_map) - before:
            self._roles[key] = role

    @property
    def roles(self) -> Mapping[str, Role]:
        """Each ``callback_map`` key (the ``output`` of a callback request) and its lowest role."""
        return MappingProxyType(self._roles)

    @property
    def memoized(self) -> frozenset[str]:
        """The output keys of the callbacks registered with ``memo=True``."""
        return frozenset(self._memo)

    def check_complete(self) -> None:
        """Raise :class:`UndeclaredRole` naming the first callback of the app that declares no role."""
        for key in self.app.callback_map:
            if key not in self._roles:
                raise UndeclaredRole(f"callback {key!r} declares no role: register it with app.callback(ROLE, ...)")


def _listed(value: Any) -> list:
    return [] if value is None else list(value) if isinstance(value, (list, tuple)) else [value]


def _require_role(role: object, args: tuple) -> None:
    if not isinstance(role, Role):
        first = args[0] if args else role
        raise UndeclaredRole(f"callback {first!r} declares no role: pass VIEWER, ANALYST or ADMIN first")


def guard_callbacks(app: dash.Dash, roles: Mapping[str, Role], role_of: Callable[[], Role | None]) -> None:
    """Refuse every callback request whose user's role (``role_of()``, None: no portal role) is below the
    callback's, and every request for an output key ``roles`` does not know, with 403 and an empty body.

    Registered after the login check, so ``role_of`` sees a user already authenticated."""
    route = app.config.requests_pathname_prefix + UPDATE_ROUTE

    @app.server.before_request
    def _refuse_lower_roles():
        if flask.request.path != route:
            return None
        body = flask.request.get_json(silent=True)
        needed = roles.get(body.get("output")) if isinstance(body, dict) else None
        role = role_of()
        if needed is None or role is None or role < needed:
            return flask.Response(b"", status=403)
        return None
