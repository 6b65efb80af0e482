"""Overview page: the project's facts and the held-out metrics (no callbacks of its own)."""

from __future__ import annotations

from layouts.overview import methods_table, overview_page
from portal.figures import method_label, metrics_table, model_colors, scale_label
from portal.services import PortalServices


def page(services: PortalServices, _query: dict):
    """Build ``/`` from the project summary, the metrics and how each model is explained."""
    colors = model_colors(services.model_names)
    figure = metrics_table(services.metrics(), colors=colors)
    rows = [
        (name, colors[name], method_label(provenance), scale_label(scale))
        for name, provenance, scale in zip(services.model_names, services.methods(), services.output_scales())
    ]
    return overview_page(services.project_summary(), figure, methods_table(rows))
