"""A feature's dependence in every model, on the same rows: for the /feature page.

For one feature, each model's contribution of that feature is drawn against the feature's value, coloured by a
second feature. Every model is drawn from the same seeded sample of rows, so the panels are comparable point by
point, and the sample is capped (``max_points``) so the browser never receives the full arrays. For an EBM the
learned shape function of the feature (its main term, centred on the background like its Shapley values) can be
drawn on the EBM's own panel, and as a reference over the other models' points: where the dots follow the line
the models learnt the same thing.

Categories are listed in their order (:func:`category_order`): the data's own order when it has one (a pandas
Categorical's categories, as protected groups are given), else numbers and bands ("<25", "25-40", "40-60", "60+")
by value, else alphabetically.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from portal.results import Explanation, shared_rows

MAX_POINTS = 2_000
GRID_POINTS = 100
_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
#: Labels with a numeric place: "12", "<25" (below 25), "<=25", "25-40", "25 to 40", "60+", ">=60", ">60",
#: "[25, 40)" and "(25, 40]"; the first group is the number that places it, the other flags which side.
_BANDS = (
    (re.compile(rf"^<=?\s*({_NUMBER})$"), -1.0),
    (re.compile(rf"^({_NUMBER})(?:\s*(?:-|–|to)\s*{_NUMBER}|\s*\+)?$"), 0.0),
    (re.compile(rf"^>=\s*({_NUMBER})$"), 0.0),
    (re.compile(rf"^>\s*({_NUMBER})$"), 0.5),
    (re.compile(rf"^\[\s*({_NUMBER})\s*,\s*{_NUMBER}\s*[\])]$"), 0.0),
    (re.compile(rf"^\(\s*({_NUMBER})\s*,\s*{_NUMBER}\s*[\])]$"), 0.5),
)


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
    levels: tuple[str, ...] = ()  # a categorical feature's values shown, in order (category_order)
    colour_levels: tuple[str, ...] = ()  # a categorical colouring's values shown, in order; () for numbers


@dataclass(frozen=True, eq=False)
class ShapeFunction:
    """An EBM's main term for one feature on a grid (numbers) or per category, centred on the background;
    ``model_name`` is the EBM's, so a figure draws it as that model's curve only on that model's panel."""

    feature: str
    grid: np.ndarray
    scores: np.ndarray
    output_scale: str
    model_name: str = ""


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
    levels = _shown_levels(features[feature], rows[feature]) if categorical else ()
    colour_levels = () if colour_by is None else _shown_levels(features[colour_by], rows[colour_by])
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
                levels=levels,
                colour_levels=colour_levels,
            )
        )
    return tuple(result)


def category_order(column: pd.Series) -> tuple[str, ...]:
    """The distinct values of ``column`` as text, in reading order: a pandas Categorical's own order of its
    categories; else numbers and bands by value ("<25", "25-40", "40-60", "60+"), then any other labels
    alphabetically (so "missing" after the bands)."""
    if isinstance(column.dtype, pd.CategoricalDtype):
        present = set(column.dropna().astype(str))
        return tuple(c for c in column.cat.categories.astype(str) if c in present)
    return tuple(sorted(column.dropna().astype(str).unique(), key=_label_key))


def _label_key(label: str) -> tuple[int, float, float, str]:
    """Labels with a numeric place (:data:`_BANDS`) first, by that place; the others after, alphabetically."""
    text = label.strip()
    for pattern, side in _BANDS:
        found = pattern.match(text)
        if found:
            return (0, float(found.group(1)), side, text)
    return (1, 0.0, 0.0, text)


def _shown_levels(column: pd.Series, shown: pd.Series) -> tuple[str, ...]:
    """The levels of ``column`` in :func:`category_order`, those present among the ``shown`` rows; () for a
    numeric column (a colour scale, not levels)."""
    if pd.api.types.is_numeric_dtype(column) and not isinstance(column.dtype, pd.CategoricalDtype):
        return ()
    present = set(shown.dropna().astype(str))
    return tuple(level for level in category_order(column) if level in present)


def _sample(ids: np.ndarray, max_points: int, seed: int) -> np.ndarray:
    """Positions in ``ids`` of a seeded sample of at most ``max_points`` of them, in id order (every position, in
    order, when there are few enough)."""
    if len(ids) <= max_points:
        return np.arange(len(ids))
    picked = np.random.default_rng(seed).choice(len(ids), size=max_points, replace=False)
    return picked[np.argsort(ids[picked], kind="stable")]


def ebm_shape_function(
    ebm: Any, feature: str, background: pd.DataFrame, output_scale: str, model_name: str = ""
) -> ShapeFunction:
    """The EBM's main term for ``feature``, evaluated by interpret itself on a grid, minus its background mean.

    Subtracting the background mean puts the curve where the EBM's own Shapley values of the feature lie when the
    feature has no pair terms, so it can be drawn over the dependence points of every model in the same scale.
    Categories are evaluated in :func:`category_order`; ``model_name`` names the EBM.
    """
    names = list(ebm.term_names_)
    if feature not in names:
        raise ValueError(f"the EBM has no main term for '{feature}'")
    term = names.index(feature)
    column = background[feature]
    if pd.api.types.is_numeric_dtype(column):
        grid = np.linspace(np.nanmin(column), np.nanmax(column), GRID_POINTS)
    else:
        grid = np.asarray(category_order(column), dtype=object)
    probe = pd.concat([background.iloc[[0]]] * len(grid), ignore_index=True)
    probe[feature] = grid
    scores = _term_scores(ebm, probe, term)
    centre = _term_scores(ebm, background, term).mean(axis=0)
    shape = scores - centre
    return ShapeFunction(feature=feature, grid=grid, scores=shape, output_scale=output_scale, model_name=model_name)


def _term_scores(ebm: Any, rows: pd.DataFrame, term: int) -> np.ndarray:
    contributions = np.asarray(ebm.eval_terms(rows))
    return contributions[:, term]
