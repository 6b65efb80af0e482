"""The agreement card on /global: a heatmap of rank agreement and the features ranked most differently.

It follows the page's scale toggle: in the common scale every model's importances are its mean |contribution|
in probability on the seeded sample (the rows done so far while a common job runs); in each model's own
scale, over every row explained. The heatmap's subtitle names the scale it used; in the common scale the
note below it says on which rows.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State

from callbacks._common import computing_note, drawn_class, explanations_in_scale, needless_redraw
from callbacks._ready import of_class, so_far_note
from callbacks.cohort import applied
from layouts import ids
from layouts.agreement import rank_difference_table
from portal.analyses import NATIVE, agreement, biggest_rank_differences
from portal.figures import agreement_heatmap, escaped, model_colors, placeholder, scale_label
from portal.results import Explanation
from portal.web import VIEWER, PortalServices, Registrar

TOP_DIFFERENCES = 8


def agreement_view(
    services: PortalServices,
    statistic: str | None,
    k: int | None,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
    scale: str | None = NATIVE,
    levels: dict | None = None,
    cohort: str | None = None,
    shown: list[str] | None = None,
):
    """(heatmap, rank-difference table, note) over every model whose explanation is ready (or partly ready);
    in the common ``scale``, over every model whose common-scale rows the shell has seen (``levels``). Only the
    models ``shown`` (all when None), on the ``cohort``'s rows when one is applied."""
    common, found = explanations_in_scale(services, scale, ready, sampled, levels)
    explanations = [of_class(e, class_name) for e in found if shown is None or e.model_name in shown]
    everyone, rows = explanations, applied(services, cohort)
    if rows is not None:
        explanations = [c for c in (rows.restrict(e) for e in explanations) if c.n_rows]
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
    if common:
        basis, ranked = _common_basis(explanations)
        note = " ".join(n for n in (ranked, computing_note(services, levels)) if n)
    else:
        basis, note = _basis(explanations), so_far_note(services, everyone)  # rows done, not the cohort's
    basis = f"cohort {escaped(rows.text)}: {basis}" if rows is not None else basis
    figure = agreement_heatmap(matrix, statistic or "spearman", basis=basis)
    table = rank_difference_table(biggest_rank_differences(importances, features, top=TOP_DIFFERENCES), colors)
    return figure, table, note


def _basis(explanations: list[Explanation]) -> str:
    """What was ranked: mean |contribution|, and in which scale(s)."""
    scales = sorted({scale_label(e.output_scale) for e in explanations})
    if len(scales) == 1:
        return f"ranks of mean |contribution| in {scales[0]}"
    return f"ranks of mean |contribution|, each model in its own scale ({', '.join(scales)})"


def _common_basis(explanations: list[Explanation]) -> tuple[str, str]:
    """What was ranked in the common scale: a few words for the heatmap's subtitle (it shares the card's width
    with the rank table) and a sentence for the note with the rows: '... on 500 of 7,043 rows (seeded sample).'"""
    scale = scale_label(explanations[0].output_scale)
    sizes = sorted({e.n_rows for e in explanations})
    rows = f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,}–{sizes[-1]:,}"
    total = max(e.sample_of for e in explanations)
    of = f"{rows} of {total:,} rows (seeded sample)" if total else f"{rows} rows"
    return f"common scale: {scale}", f"Ranked: each model's mean |contribution| in {scale}, the common scale, on {of}."


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        VIEWER,
        Output(ids.AGREEMENT_GRAPH, "figure"),
        Output(ids.RANK_DIFFERENCES, "children"),
        Output(ids.AGREEMENT_NOTE, "children"),
        Output(ids.AGREEMENT_GRAPH, "className"),
        Input(ids.AGREEMENT_STATISTIC, "value"),
        Input(ids.AGREEMENT_K, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.SCALE_TOGGLE, "value"),
        Input(ids.COMMON_LEVELS, "data"),
        Input(ids.COHORT, "data"),
        Input(ids.MODEL_CHOOSER, "value"),
        State(ids.AGREEMENT_GRAPH, "className"),
        memo=True,
    )
    def _agreement(statistic, k, ready, sampled, class_name, scale, levels, cohort, shown, drawn):
        if needless_redraw(dash.ctx.triggered_prop_ids.values(), scale, drawn):
            return dash.no_update, dash.no_update, dash.no_update, dash.no_update
        view = agreement_view(services, statistic, k, ready, sampled, class_name, scale, levels, cohort, shown)
        return *view, drawn_class(drawn, scale)
