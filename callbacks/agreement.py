"""The agreement card on /global: a heatmap of rank agreement and the features ranked most differently."""

from __future__ import annotations

import dash
from dash import Input, Output

from callbacks._ready import of_class, ready_explanations, so_far_note
from layouts import ids
from layouts.agreement import rank_difference_table
from portal.compare import agreement, biggest_rank_differences
from portal.figures import agreement_heatmap, model_colors, placeholder, scale_label
from portal.results import Explanation
from portal.services import PortalServices

TOP_DIFFERENCES = 8


def agreement_view(
    services: PortalServices,
    statistic: str | None,
    k: int | None,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
):
    """(heatmap, rank-difference table, note) over every model whose explanation is ready (or partly ready)."""
    explanations = [of_class(e, class_name) for e in ready_explanations(services, ready, sampled)]
    colors = model_colors(services.model_names)
    if len(explanations) < 2:
        return (
            placeholder("Agreement appears when two models' explanations are ready."),
            rank_difference_table((), colors),
            "",
        )
    features = explanations[0].feature_names
    importances = {e.model_name: e.mean_abs() for e in explanations}
    matrix = agreement(importances, features, k=int(k or 5))
    basis = _basis(explanations)
    figure = agreement_heatmap(matrix, statistic or "spearman", basis=basis)
    table = rank_difference_table(biggest_rank_differences(importances, features, top=TOP_DIFFERENCES), colors)
    return figure, table, so_far_note(services, explanations)


def _basis(explanations: list[Explanation]) -> str:
    """What was ranked: mean |contribution|, and in which scale(s)."""
    scales = sorted({scale_label(e.output_scale) for e in explanations})
    if len(scales) == 1:
        return f"ranks of mean |contribution| in {scales[0]}"
    return f"ranks of mean |contribution|, each model in its own scale ({', '.join(scales)})"


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.AGREEMENT_GRAPH, "figure"),
        Output(ids.RANK_DIFFERENCES, "children"),
        Output(ids.AGREEMENT_NOTE, "children"),
        Input(ids.AGREEMENT_STATISTIC, "value"),
        Input(ids.AGREEMENT_K, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
    )
    def _agreement(statistic, k, ready, sampled, class_name):
        return agreement_view(services, statistic, k, ready, sampled, class_name)
