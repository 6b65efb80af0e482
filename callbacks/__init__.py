"""Callbacks: read inputs, ask :class:`portal.web.PortalServices`, return components and figures.

Each page module keeps its work in plain functions of ``(services, inputs...)`` that tests call
directly, and a ``register(app, services)`` that wires those functions to component ids. Only ids,
row ids and model names travel through the browser; arrays stay on the server.
"""

from __future__ import annotations

from callbacks import (
    adverse_reasons,
    agreement,
    cohort,
    disagreement,
    fairness,
    feature,
    global_link,
    global_page,
    interactions,
    local,
    local_charts,
    monitoring,
    neighbours,
    overview,
    performance,
    row_search,
    shell,
    stacked_force,
    whatif,
)
from portal.web import PortalServices, Registrar


def register(app: Registrar, services: PortalServices) -> None:
    """Wire every page's callbacks to ``services``."""
    global_ = (global_page, global_link, agreement, stacked_force)
    local_page = (local, local_charts, row_search, neighbours, disagreement, whatif)
    fairness_page = (fairness, adverse_reasons)
    for module in (shell, cohort, *global_, *local_page, feature, performance, interactions):
        module.register(app, services)
    for module in (*fairness_page, monitoring, overview):
        module.register(app, services)
