"""Callbacks: read inputs, ask :class:`portal.services.PortalServices`, return components and figures.

Each page module keeps its work in plain functions of ``(services, inputs...)`` that tests call
directly, and a ``register(app, services)`` that wires those functions to component ids. Only ids,
row ids and model names travel through the browser; arrays stay on the server.
"""

from __future__ import annotations

import dash

from callbacks import (
    agreement,
    disagreement,
    feature,
    global_page,
    interactions,
    local,
    performance,
    shell,
    whatif,
)
from portal.services import PortalServices


def register(app: dash.Dash, services: PortalServices) -> None:
    """Wire every page's callbacks to ``services``."""
    for module in (shell, global_page, agreement, local, disagreement, whatif, feature, performance, interactions):
        module.register(app, services)
