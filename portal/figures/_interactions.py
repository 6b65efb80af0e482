"""Which features work together in one model: the mean |interaction| of every pair, on a sample of rows.

``values[r, i, j]`` (i != j) is half the interaction of columns i and j in row r; the other half is
``values[r, j, i]``. A pair's interaction in a row is their sum, and the views show its mean absolute
value over the sampled rows, in the model's scale. The diagonal (a feature's main effect, which is its
own importance on /global) is left blank so the colours spend their range on interactions.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import plotly.graph_objects as go

from portal.figures._style import escaped, finish, in_template, placeholder, scale_and_class
from portal.results import ModelInteractions

#: What every interaction view names as its method: the engine computes them one way only.
INTERACTION_METHOD = "exact: SHAP interaction values (path-dependent TreeSHAP)"
NO_INTERACTIONS = "No two features interact in this model on these rows (every interaction is zero)."
UNKNOWN_CLASS = "no class '{name}' in the interaction values of '{model}'; its classes are {classes}"


@dataclass(frozen=True)
class InteractionPair:
    """Two features and how strongly they interact: mean |interaction| in the model's scale, and its
    share of the sum over all pairs."""

    first: str
    second: str
    mean_abs: float
    share: float


def interaction_strength(result: ModelInteractions, class_name: str | None = None) -> np.ndarray:
    """``(features, features)``: each pair's mean |interaction| over the rows, symmetric, NaN on the diagonal.

    Multi-class: of ``class_name``'s slice, or without one the average over classes of each class's mean.
    """
    values = np.asarray(result.values.values, dtype=np.float64)
    if values.ndim == 4:
        names = result.values.class_names
        if class_name is not None:
            if class_name not in names:
                raise ValueError(UNKNOWN_CLASS.format(name=class_name, model=result.model_name, classes=list(names)))
            values = values[..., names.index(class_name)]
    pair = values + np.swapaxes(values, 1, 2)
    strength = np.abs(pair).mean(axis=0)
    if strength.ndim == 3:
        strength = strength.mean(axis=-1)
    np.fill_diagonal(strength, np.nan)
    return strength


def top_interaction_pairs(
    result: ModelInteractions, k: int = 10, class_name: str | None = None
) -> tuple[InteractionPair, ...]:
    """The ``k`` most strongly interacting pairs, strongest first (ties in feature order)."""
    strength = interaction_strength(result, class_name)
    first, second = np.triu_indices(strength.shape[0], k=1)
    scores = strength[first, second]
    total = float(scores.sum())
    order = np.argsort(-scores, kind="stable")[:k]
    names = result.values.feature_names
    return tuple(
        InteractionPair(names[first[i]], names[second[i]], float(scores[i]), float(scores[i]) / total if total else 0.0)
        for i in order
    )


def interaction_caption(result: ModelInteractions, class_name: str | None = None) -> str:
    """'log-odds · exact: SHAP interaction values (path-dependent TreeSHAP) · 200 of 7,043 rows (seeded sample)'."""
    values = result.values
    scale = scale_and_class(values.output_scale, class_name or "")
    if values.class_names and not class_name:
        scale += f", averaged over {len(values.class_names)} classes"
    sampled = " (seeded sample)" if result.n_rows < result.total_rows else ""
    return f"{scale} · {INTERACTION_METHOD} · {result.n_rows:,} of {result.total_rows:,} rows{sampled}"


def interaction_heatmap(
    result: ModelInteractions, *, class_name: str | None = None, max_features: int = 15, titled: bool = True
) -> go.Figure:
    """A heatmap of mean |interaction| between the ``max_features`` most interacting features."""
    strength = interaction_strength(result, class_name)
    if not np.nansum(strength) > 0:
        return placeholder(NO_INTERACTIONS)
    order = np.argsort(-np.nansum(strength, axis=1), kind="stable")[:max_features]
    shown = strength[np.ix_(order, order)]
    names = [escaped(result.values.feature_names[i]) for i in order]  # the user's names: plotly reads markup
    unit = scale_and_class(result.values.output_scale, class_name or "")
    fig = go.Figure(
        go.Heatmap(
            z=shown,
            x=names,
            y=names,
            colorscale="Blues",
            zmin=0,  # colour from no interaction at all up to the strongest pair shown
            zmax=float(np.nanmax(shown)),
            hoverongaps=False,
            colorbar={"title": {"text": f"mean |interaction|<br>({escaped(unit)})", "side": "right"}, "thickness": 14},
            hovertemplate=f"%{{y}} × %{{x}}<br>mean |interaction|: %{{z:.4g}} {in_template(unit)}<extra></extra>",
        )
    )
    fig.update_yaxes(autorange="reversed", showgrid=False, ticks="")
    fig.update_xaxes(tickangle=-40, showgrid=False, ticks="", side="bottom")
    fig.update_layout(plot_bgcolor="white", yaxis={"scaleanchor": "x"})  # square cells
    title = f"Feature interactions: {escaped(result.model_name)}" if titled else ""
    return finish(fig, title, escaped(interaction_caption(result, class_name)), height=220 + 34 * len(names))
