"""Overview page: the project's facts and the held-out metrics (no callbacks of its own)."""

from __future__ import annotations

from layouts.overview import MethodRow, methods_table, overview_page
from portal.analyses import CommonMethod
from portal.figures import method_label, metrics_table, model_colors, model_text_colors, scale_label
from portal.results import Provenance
from portal.web import PortalServices

#: Under a common-scale method that is the model's own: why the two columns say the same.
ITS_OWN = "its own values: already in probability"


def page(services: PortalServices, _query: dict):
    """Build ``/`` from the project summary, the metrics and how each model is explained."""
    colors = model_colors(services.model_names)
    figure = metrics_table(services.metrics(), colors=colors)
    names, own = services.model_names, services.methods()
    common = services.common_methods() or (None,) * len(names)  # regression: no common column
    text = model_text_colors(names)  # the names are written in their colour: the 4.5:1 variant
    rows = [
        MethodRow(name, text[name], method_label(provenance), scale_label(scale), *_common_cell(c, provenance))
        for name, provenance, scale, c in zip(names, own, services.output_scales(), common)
    ]
    return overview_page(services.facts(), figure, methods_table(rows))


def _common_cell(common: CommonMethod | None, own: Provenance) -> tuple[str | None, str]:
    """The common-scale method's label and the quieter line under it (the way to exact values, or why it is
    the model's own method); the reason when the model has no probability scale."""
    if common is None:
        return None, ""
    if common.provenance is None:
        return common.reason, ""
    notes = ([ITS_OWN] if common.provenance == own else []) + ([common.hint] if common.hint else [])
    return method_label(common.provenance), " · ".join(notes)
