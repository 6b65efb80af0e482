"""The Dash application: one shell, its pages, callbacks wired to a PortalServices object, behind the
project's logins, with each callback refused to a role below its own.

This module, :mod:`portal.web`, ``layouts`` and ``callbacks`` are the only code that imports
Dash; the core stays importable without it. Bootstrap's stylesheet is served from ``assets/`` so the portal
works offline.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import dash
import dash_bootstrap_components as dbc
import flask

import callbacks
from layouts.shell import shell
from portal.config import AuthConfig, default_cache_dir
from portal.figures import model_colors
from portal.web._auth import RoleOf, protect
from portal.web._background import background_manager
from portal.web._headers import secure_headers
from portal.web._response_memo import job_state, remember_responses
from portal.web._roles import ANALYST, VIEWER_PAGES, Registrar, guard_callbacks
from portal.web._services import PortalServices

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def create_app(
    services: PortalServices, background: Any = None, *, auth: AuthConfig | None = None, secret_dir: Path | None = None
) -> dash.Dash:
    """A ready-to-serve Dash app (``app.server`` is the WSGI app) showing ``services``' project.

    ``background`` runs the background callbacks (:func:`portal.web.background_manager`);
    by default a DiskcacheManager in a fresh private temporary folder. ``auth`` is the project's ``[auth]``
    (default: no login, the local user is admin); ``secret_dir`` holds the generated session key when
    ``$PORTAL_SECRET_KEY`` is unset (default: the default cache folder).
    """
    app = dash.Dash(
        __name__,
        background_callback_manager=background or background_manager(),
        title=services.title,
        assets_folder=str(ASSETS),
        suppress_callback_exceptions=True,
        update_title=None,
        serve_locally=True,
    )
    app.index_string = app.index_string.replace("<html>", '<html lang="en">', 1)  # screen readers pick the voice
    registrar = Registrar(app)
    callbacks.register(registrar, services)
    registrar.check_complete()  # a callback without a role never gets served
    auth = auth or AuthConfig()
    role_of = protect(app, auth, secret_dir or default_cache_dir())
    guard_callbacks(app, registrar.roles, role_of)
    remember_responses(app, registrar.memoized, lambda: job_state(services))
    secure_headers(app)
    app.layout = _shell(services) if auth.mode == "none" else _layout_by_role(services, role_of)
    return app


def _shell(services: PortalServices, pages: tuple[str, ...] | None = None):
    monitored = services.monitoring_windows() is not None
    layout = shell(services.title, services.model_names, model_colors(services.model_names), monitored)
    return layout if pages is None else _only_links_to(layout, pages)


def _layout_by_role(services: PortalServices, role_of: RoleOf) -> Callable[[], Any]:
    """The shell per request: a viewer's navigation offers only the pages it may use (the callbacks' own
    refusal is the protection; this spares the viewer pages that would stay empty)."""

    def layout():
        role = role_of() if flask.has_request_context() else ANALYST
        return _shell(services) if role is not None and role >= ANALYST else _shell(services, VIEWER_PAGES)

    return layout


def _only_links_to(component: Any, pages: tuple[str, ...]) -> Any:
    """Hide each navigation item linking elsewhere than ``pages`` (hidden, not removed, as the shell hides
    /monitoring: the links' callbacks see the same list for every user)."""
    children = getattr(component, "children", None)
    link = children if isinstance(component, dbc.NavItem) else None
    if isinstance(link, dbc.NavLink) and getattr(link, "href", None) not in pages:
        component.className = "d-none"
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            _only_links_to(child, pages)
    return component
