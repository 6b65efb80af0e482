"""A feature's dependence in every model, on the same rows: for the /feature page.

For one feature, each model's contribution of that feature is drawn against the feature's value, coloured by a
second feature. Every model is drawn from the same seeded sample of rows, so the panels are comparable point by
point, and the sample is capped (``max_points``) so the browser never receives the full arrays. For an EBM the
learned shape function of the feature (its main term, centred on the background like its Shapley values) can be
laid over the black-box models' points: where the dots follow the line the models learnt the same thing.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal.results import Explanation, shared_rows

MAX_POINTS = 2_000
GRID_POINTS = 100


@dataclass(frozen=True, eq=False)
class FeatureDependence:
    """Sampled (value, contribution) pairs of one feature for one model, with the colouring feature's values."""

    model_name: str
    feature: str
    values: np.ndarray  # the feature's value in each sampled row (object for categories)
    contributions: np.ndarray  # the model's contribution of the feature in those rows
    colour_feature: str | None
    colour_values: np.ndarray | None
    output_scale: str
    categorical: bool
    n_shown: int
    n_total: int  # rows the explanation covers


@dataclass(frozen=True, eq=False)
class ShapeFunction:
    """An EBM's main term for one feature on a grid (numbers) or per category, centred on the background."""

    feature: str
    grid: np.ndarray
    scores: np.ndarray
    output_scale: str


def dependence(
    explanations: Sequence[Explanation],
    features: pd.DataFrame,
    feature: str,
    *,
    colour_by: str | None = None,
    max_points: int = MAX_POINTS,
    seed: int = 0,
) -> tuple[FeatureDependence, ...]:
    """Each model's dependence on ``feature`` over one shared seeded sample of the rows all models explain.

    ``features`` is the data in original columns, indexed by row id (strings), as the explanations' ``row_ids``.
    """
    if feature not in features.columns:
        raise ValueError(f"no feature '{feature}'; the features are {list(features.columns)}")
    if colour_by is not None and colour_by not in features.columns:
        raise ValueError(f"no feature '{colour_by}' to colour by")
    if not explanations:
        raise ValueError("dependence needs at least one model's explanation")
    shared, positions = shared_rows(explanations)
    picked = _sample(shared, max_points, seed)
    chosen = shared[picked]
    rows = features.loc[chosen]
    categorical = not pd.api.types.is_numeric_dtype(features[feature])
    result = []
    for explanation, held in zip(explanations, positions):
        column = explanation.feature_names.index(feature)
        result.append(
            FeatureDependence(
                model_name=explanation.model_name,
                feature=feature,
                values=rows[feature].to_numpy(dtype=object if categorical else np.float64),
                contributions=np.asarray(explanation.values[held[picked], column], dtype=np.float64),
                colour_feature=colour_by,
                colour_values=None if colour_by is None else rows[colour_by].to_numpy(),
                output_scale=explanation.output_scale,
                categorical=categorical,
                n_shown=len(chosen),
                n_total=len(shared),
            )
        )
    return tuple(result)


def _sample(ids: np.ndarray, max_points: int, seed: int) -> np.ndarray:
    """Positions in ``ids`` of a seeded sample of at most ``max_points`` of them, in id order (every position, in
    order, when there are few enough)."""
    if len(ids) <= max_points:
        return np.arange(len(ids))
    picked = np.random.default_rng(seed).choice(len(ids), size=max_points, replace=False)
    return picked[np.argsort(ids[picked], kind="stable")]


def ebm_shape_function(ebm: Any, feature: str, background: pd.DataFrame, output_scale: str) -> ShapeFunction:
    """The EBM's main term for ``feature``, evaluated by interpret itself on a grid, minus its background mean.

    Subtracting the background mean puts the curve where the EBM's own Shapley values of the feature lie when the
    feature has no pair terms, so it can be drawn over the dependence points of every model in the same scale.
    """
    names = list(ebm.term_names_)
    if feature not in names:
        raise ValueError(f"the EBM has no main term for '{feature}'")
    term = names.index(feature)
    column = background[feature]
    if pd.api.types.is_numeric_dtype(column):
        grid = np.linspace(np.nanmin(column), np.nanmax(column), GRID_POINTS)
    else:
        grid = np.asarray(sorted(column.dropna().astype(str).unique()), dtype=object)
    probe = pd.concat([background.iloc[[0]]] * len(grid), ignore_index=True)
    probe[feature] = grid
    scores = _term_scores(ebm, probe, term)
    centre = _term_scores(ebm, background, term).mean(axis=0)
    return ShapeFunction(feature=feature, grid=grid, scores=scores - centre, output_scale=output_scale)


def _term_scores(ebm: Any, rows: pd.DataFrame, term: int) -> np.ndarray:
    contributions = np.asarray(ebm.eval_terms(rows))
    return contributions[:, term]
