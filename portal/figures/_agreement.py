"""How much every pair of models agrees on what matters: a heatmap of rank agreement of their importances."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go

from portal.analyses import AgreementMatrix
from portal.figures._style import escaped, finish, placeholder

STATISTICS = {
    "spearman": "Spearman rank correlation",
    "kendall": "Kendall's tau-b",
    "top_k_overlap": "top-{k} overlap",
}


def agreement_heatmap(matrix: AgreementMatrix, statistic: str = "spearman", *, basis: str = "") -> go.Figure:
    """One cell per pair of models: the chosen agreement statistic, written in the cell.

    ``basis`` says what the importances were computed from ("common scale: probability · 500 of 7,043 rows"), so
    the reader knows which numbers were ranked.
    """
    if statistic not in STATISTICS:
        raise ValueError(f"statistic must be one of {tuple(STATISTICS)}, not {statistic!r}")
    if len(matrix.model_names) < 2:
        return placeholder("Agreement needs at least two models with explanations.")
    values = getattr(matrix, statistic)
    label = STATISTICS[statistic].format(k=matrix.k)
    lowest = 0.0 if statistic == "top_k_overlap" else -1.0
    names = [escaped(n) for n in matrix.model_names]  # the user's names: plotly reads markup in ticks
    text = np.where(np.isnan(values), "n/a", np.vectorize(lambda v: f"{v:.2f}")(np.nan_to_num(values)))
    fig = go.Figure(
        go.Heatmap(
            z=values,
            x=names,
            y=names,
            zmin=lowest,
            zmax=1.0,
            colorscale="Blues",
            text=text,
            texttemplate="%{text}",
            hovertemplate="%{y} vs %{x}<br>" + label + ": %{text}<extra></extra>",
            colorbar={"title": {"text": label, "side": "right"}},
        )
    )
    fig.update_yaxes(autorange="reversed", title="model")
    fig.update_xaxes(title="model", side="bottom")
    subtitle = "1 = the same ranking of features" + (f" · {basis}" if basis else "")
    if statistic == "top_k_overlap":
        subtitle = f"share of each model's {matrix.k} most important features the other also has" + (
            f" · {basis}" if basis else ""
        )
    return finish(fig, label, subtitle, height=160 + 60 * len(names))
