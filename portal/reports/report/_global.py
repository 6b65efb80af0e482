"""What drives each model: importance on one shared axis, how far the models agree on it, the features they rank
most differently, and each model's beeswarm, drawn by the /global page's own builders."""

from __future__ import annotations

from dataclasses import dataclass

from portal.analyses import RankDifference, agreement, biggest_rank_differences
from portal.figures import SHARE, agreement_heatmap, beeswarm, importance_bars, scale_label
from portal.reports.report._document import Chart, without_patterns
from portal.reports.report._inputs import ReportInputs

BEESWARM_ROWS = 500  # a seeded sample per model: enough to show the spread, small enough for a 5 MB file
TOP_DIFFERENCES = 8
AGREEMENT_K = 5


@dataclass(frozen=True)
class Global:
    name = "global"
    importance: Chart
    agreement: Chart | None
    rank_models: tuple[str, ...]
    rank_differences: tuple[RankDifference, ...]
    rank_note: str
    beeswarms: tuple[Chart, ...]


def build(inputs: ReportInputs) -> Global:
    explanations, total = inputs.explanations, inputs.total_rows
    rows = _rows(explanations, total)
    importance = Chart(
        "global/importance",
        without_patterns(importance_bars(explanations, mode=SHARE, colors=inputs.colors)),
        "each model's share of attribution per feature, most important feature on top",
        f"Scale: share of each model's total mean |SHAP| (scale-free, so every model shares the axis) · {rows}",
    )
    features = explanations[0].feature_names
    importances = {e.model_name: e.mean_abs() for e in explanations}
    basis = _basis(explanations)
    heatmap = None
    if len(explanations) > 1:
        matrix = agreement(importances, features, k=AGREEMENT_K)
        heatmap = Chart(
            "global/agreement",
            agreement_heatmap(matrix, "spearman", basis=basis),
            "Spearman rank correlation of every pair of models' importances",
            f"Basis: {basis} · {rows}",
        )
    differences = biggest_rank_differences(importances, features, top=TOP_DIFFERENCES)
    note = f"Rank 1 = most important, by {basis}; spread = highest rank minus lowest. {rows}."
    feature_values = inputs.project.feature_values()
    swarms = tuple(_beeswarm(e, inputs, feature_values) for e in explanations)
    return Global(importance, heatmap, inputs.model_names, differences, note, swarms)


def _beeswarm(explanation, inputs: ReportInputs, feature_values) -> Chart:
    figure = beeswarm(
        explanation,
        sample_size=BEESWARM_ROWS,
        seed=0,
        color=inputs.colors[explanation.model_name],
        total_rows=inputs.total_rows,
        features=feature_values,
    )
    shown = min(BEESWARM_ROWS, explanation.n_rows)
    caption = (
        f"Scale: {scale_label(explanation.output_scale)} ({explanation.model_name}'s own) · "
        f"{shown:,} of {inputs.total_rows:,} rows (seeded sample, seed 0) · colour: the feature's value"
    )
    return Chart(f"global/beeswarm/{explanation.model_name}", figure, f"{explanation.model_name}: beeswarm", caption)


def _rows(explanations, total: int) -> str:
    counts = sorted({e.n_rows for e in explanations})
    if counts == [total]:
        return f"{total:,} of {total:,} rows (every row, every model)"
    return f"{'–'.join(f'{n:,}' for n in counts)} of {total:,} rows explained"


def _basis(explanations) -> str:
    scales = sorted({scale_label(e.output_scale) for e in explanations})
    if len(scales) == 1:
        return f"ranks of mean |contribution| in {scales[0]}"
    return f"ranks of mean |contribution|, each model in its own scale ({', '.join(scales)}): ranks do not need one"
