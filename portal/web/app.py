"""The Dash application: one shell, three pages, callbacks wired to a PortalServices object.

This module, :mod:`portal.web`, ``layouts`` and ``callbacks`` are the only code that imports
Dash; the core stays importable without it. Bootstrap's stylesheet is served from ``assets/`` so the portal
works offline.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import dash

import callbacks
from layouts.shell import shell
from portal.figures import model_colors
from portal.web._background import background_manager
from portal.web._services import PortalServices

ASSETS = Path(__file__).resolve().parents[2] / "assets"


def create_app(services: PortalServices, background: Any = None) -> dash.Dash:
    """A ready-to-serve Dash app (``app.server`` is the WSGI app) showing ``services``' project.

    ``background`` runs the background callbacks (:func:`portal.web.background_manager`);
    by default a DiskcacheManager in a fresh private temporary folder.
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
    monitored = services.monitoring_windows() is not None
    app.layout = shell(services.title, services.model_names, model_colors(services.model_names), monitored)
    callbacks.register(app, services)
    return app
