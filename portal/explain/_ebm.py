"""EBMs explained exactly from their own terms: interventional Shapley values against a background.

An EBM's score is ``intercept + sum of terms``, each term a lookup table over the bins of one feature
(a main effect) or a few (an interaction). Shapley values add over terms, so each term is shared out
on its own. For a term over features T with table F, and v_S(x) = E_B F(x_S, X_{T-S}) (background
rows B filling the features outside S), feature i in T gets

    phi_i = sum over S in T-{i} of |S|! (|T|-|S|-1)! / |T|! * (v_{S+i} - v_S),

which for a main effect is F(x_i) - E_B F and for a pair is the FIELD_NOTES formula
(g(x_i) = v_{i}, h(x_j) = v_{j}, c = v_{}). Every v_S lives on the term's bins, so each feature's share
is precomputed as a table over the term's cells and ``explain`` is one gather per (term, feature).
The base value is the intercept plus every term's background mean. A multi-class EBM has one score
per class in every cell (and one intercept per class): each class is shared out the same way.

Which cell a row falls in is asked of interpret itself: a copy of the model whose tables hold their
own cell numbers makes ``eval_terms`` return cell indices, so binning (cut points, the coarser cuts of
interaction terms, categories, missing and unseen values) is interpret's own, never re-implemented.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from itertools import combinations
from math import factorial
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from portal.explain._base import (
    EBM_SHAPLEY,
    TOLERANCE,
    UNSUPPORTED,
    Unbudgeted,
    UnsupportedModelError,
    additive_batch,
    class_names,
)
from portal.explain._preparation import Preparation
from portal.results import LOG_ODDS, LOGIT, RAW, ExplanationBatch

LOOKUP_CHANGED = "interpret's bin lookup no longer matches eval_terms (term {term}); the EBM explainer needs updating"


@dataclass(frozen=True, eq=False)
class EbmShapleyExplainer(Unbudgeted):
    """Exact Shapley values of an EBM's additive score, in its link's scale (one slice per class when
    multi-class)."""

    method: ClassVar[str] = EBM_SHAPLEY
    exact: ClassVar[bool] = True
    tolerance: ClassVar[float] = TOLERANCE
    output_scale: str
    preparation: Preparation
    ebm: Any
    locator: Any  # the EBM with tables holding cell numbers: eval_terms -> cell of each row in each term
    term_features: tuple[tuple[int, ...], ...]
    shares: tuple[tuple[np.ndarray, ...], ...]  # per term, per feature of it: (cells, scores) share at each cell
    base_value: np.ndarray  # (scores,)
    class_names: tuple[str, ...] = ()

    @property
    def feature_names(self) -> tuple[str, ...]:
        return self.preparation.feature_names

    def explain(self, X: pd.DataFrame) -> ExplanationBatch:
        data = self.preparation.prepare(X)
        cells = cell_indices(self.locator, data)
        values = np.zeros((cells.shape[0], len(self.ebm.feature_names_in_), self.base_value.size))
        for term, (features, shares) in enumerate(zip(self.term_features, self.shares)):
            for feature, share in zip(features, shares):
                values[:, feature] += share[cells[:, term]]
        outputs = self.ebm.predict(data) if self.output_scale == RAW else self.ebm.decision_function(data)
        if not self.class_names:
            values, base = values[:, :, 0], self.base_value[0]
        else:
            base = self.base_value
        return additive_batch(
            self.preparation.sum_back(values),
            base,
            outputs,
            method=self.method,
            kind=type(self.ebm).__name__,
            class_names=self.class_names,
        )


def ebm_explainer(ebm: Any, preparation: Preparation, background: pd.DataFrame) -> EbmShapleyExplainer:
    """Share out every term against ``background`` once, so explaining many chunks stays cheap."""
    scale = _output_scale(ebm)
    locator, tables = cell_locator(ebm)
    data = preparation.prepare(background)
    cells = cell_indices(locator, data)
    _check_lookup(ebm, tables, data, cells)
    shared = [term_shares(table, cells[:, t]) for t, table in enumerate(tables)]
    base_value = np.ravel(ebm.intercept_).astype(np.float64) + sum(mean for _, mean in shared)
    features = tuple(tuple(int(f) for f in term) for term in ebm.term_features_)
    return EbmShapleyExplainer(
        scale, preparation, ebm, locator, features, tuple(s for s, _ in shared), base_value, class_names(ebm)
    )


def is_ebm(estimator: Any) -> bool:
    """An Explainable Boosting Machine; interpret is imported only for its own models."""
    if not type(estimator).__module__.startswith("interpret"):
        return False
    from interpret.glassbox import ExplainableBoostingClassifier, ExplainableBoostingRegressor

    return isinstance(estimator, (ExplainableBoostingClassifier, ExplainableBoostingRegressor))


def cell_locator(ebm: Any) -> tuple[Any, list[np.ndarray]]:
    """The EBM with tables holding their own cell numbers (for :func:`cell_indices`), and its tables with a
    trailing score axis."""
    tables = [_with_score_axis(table, term) for table, term in zip(ebm.term_scores_, ebm.term_features_)]
    locator = copy.copy(ebm)  # shallow: only the tables are replaced
    locator.term_scores_ = [_cell_numbers(table, original) for table, original in zip(tables, ebm.term_scores_)]
    return locator, tables


def cell_indices(locator: Any, data: pd.DataFrame | np.ndarray) -> np.ndarray:
    """``(n_rows, n_terms)``: the flat cell of each term's table each row falls in."""
    cells = np.asarray(locator.eval_terms(data))
    return (cells[:, :, 0] if cells.ndim == 3 else cells).astype(np.intp)


def term_shares(table: np.ndarray, background_cells: np.ndarray) -> tuple[tuple[np.ndarray, ...], np.ndarray]:
    """Each feature's Shapley share of one term at every cell, ``(cells, scores)``, and the term's background
    mean per score. ``table`` has the term's bins on its leading axes and one score per class last."""
    bins = table.shape[:-1]
    coords = np.unravel_index(background_cells, bins)
    n = len(bins)
    restricted = {s: _restricted(table, s, coords) for k in range(n + 1) for s in combinations(range(n), k)}
    shares = []
    for i in range(n):
        share = np.zeros(table.shape)
        for s in (s for s in restricted if i not in s):
            weight = factorial(len(s)) * factorial(n - len(s) - 1) / factorial(n)
            share += weight * (restricted[tuple(sorted(s + (i,)))] - restricted[s])
        shares.append(share.reshape(-1, table.shape[-1]))
    return tuple(shares), restricted[()].reshape(-1, table.shape[-1])[0]


def _with_score_axis(table: np.ndarray, term: tuple[int, ...]) -> np.ndarray:
    """The term's table with a trailing score axis: one score (binary, regression) or one per class."""
    table = np.asarray(table, dtype=np.float64)
    return table[..., np.newaxis] if table.ndim == len(term) else table


def _cell_numbers(table: np.ndarray, original: np.ndarray) -> np.ndarray:
    """A table shaped like ``original`` whose every score is the number of its cell."""
    numbers = np.arange(int(np.prod(table.shape[:-1])), dtype=np.float64).reshape(table.shape[:-1])
    return np.broadcast_to(numbers[..., np.newaxis], table.shape).reshape(original.shape).copy()


def _restricted(table: np.ndarray, kept: tuple[int, ...], coords: tuple[np.ndarray, ...]) -> np.ndarray:
    """v_S: the table's mean over background rows with the bin axes in ``kept`` held at each cell's own
    bins, broadcast back to the table's shape (the trailing score axis is carried along)."""
    others = [axis for axis in range(len(coords)) if axis not in kept]
    if not others:
        return table
    other_shape = [table.shape[a] for a in others]
    weights = np.bincount(
        np.ravel_multi_index([coords[a] for a in others], other_shape), minlength=int(np.prod(other_shape))
    )
    moved = np.moveaxis(table, others, list(range(len(others)))).reshape(weights.size, -1)
    mean = (weights / coords[0].size) @ moved
    kept_shape = [table.shape[a] for a in kept] + [table.shape[-1]]
    return np.broadcast_to(np.expand_dims(mean.reshape(kept_shape), others), table.shape)


def _output_scale(ebm: Any) -> str:
    """Log-odds for a binary logit classifier, logits for a multinomial one, raw for an identity-link
    regressor; anything else is refused."""
    classes = getattr(ebm, "classes_", None)
    if classes is not None and len(classes) == 2 and ebm.link_ == "logit":
        return LOG_ODDS
    if classes is not None and len(classes) > 2 and ebm.link_ == "mlogit":
        return LOGIT
    if classes is None and ebm.link_ == "identity":
        return RAW
    raise UnsupportedModelError(UNSUPPORTED.format(kind=f"an {type(ebm).__name__} with link '{ebm.link_}'"))


def _check_lookup(ebm: Any, tables: list[np.ndarray], data: pd.DataFrame | np.ndarray, cells: np.ndarray) -> None:
    """The located cells must reproduce interpret's own term values exactly, or nothing here is right."""
    expected = np.asarray(ebm.eval_terms(data))
    for term, table in enumerate(tables):
        found = table.reshape(-1, table.shape[-1])[cells[:, term]]
        if not np.array_equal(found.reshape(expected[:, term].shape), expected[:, term]):
            raise RuntimeError(LOOKUP_CHANGED.format(term=term))
