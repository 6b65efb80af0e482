"""Overview page: the project's facts and the held-out metrics (no callbacks of its own)."""

from __future__ import annotations

from layouts.overview import overview_page
from portal.figures import metrics_table, model_colors
from portal.services import PortalServices


def page(services: PortalServices, _query: dict):
    """Build ``/`` from the project summary and metrics."""
    figure = metrics_table(services.metrics(), colors=model_colors(services.model_names))
    return overview_page(services.project_summary(), figure)
