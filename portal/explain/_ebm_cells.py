"""The fast road of the model-agnostic method for an EBM: hybrid rows as cells of its terms' tables.

An EBM's score is its intercept plus one table lookup per term, and which cell a row falls in along each of a
term's axes depends on that axis's feature alone. So a row is fully described, for the EBM, by one bin number
per (term, axis), each with its feature's original column as origin: a :class:`~portal.explain._coalitions.Prepared`
matrix whose hybrid rows mix like any other prepared matrix. Evaluating a hybrid row is then a sum of lookups
(compiled), not interpret's whole ``predict_proba`` on a DataFrame built for each of the 74,000 hybrid rows a
sampled-permutation row needs: measured on the churn demo's EBM (18 columns, 5 pairs, 200 background rows, one
core) about 80 ms a row through the model and about 15 ms on this road, with the same numbers to rounding (the
batch's additivity is still checked against the model's own output).

The bins are interpret's own (the located cells of :func:`portal.explain._ebm.cell_locator`), never re-implemented.
Binary classifiers (probability = the logistic of the score) and regressors (the score) take this road; a
multi-class EBM keeps the model's own ``predict_proba``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from numba import njit
from scipy.special import expit

from portal.explain._coalitions import Prepared
from portal.explain._ebm import cell_indices, cell_locator
from portal.explain._preparation import Preparation


def ebm_prepared(model: Any, preparing: Any, ebm: Any, task: str, background: pd.DataFrame) -> Prepared | None:
    """``model`` (``preparing`` then ``ebm``) as bin coordinates and table sums; None for a multi-class EBM or a
    link other than the logit (classification) or identity (regression)."""
    classes = getattr(ebm, "classes_", None)
    binary = task == "classification" and classes is not None and len(classes) == 2 and ebm.link_ == "logit"
    if not (binary or (task == "regression" and classes is None and ebm.link_ == "identity")):
        return None
    preparation = Preparation.of(model, preparing, background)
    locator, tables = cell_locator(ebm)
    shapes = [table.shape[:-1] for table in tables]
    axes = [(t, axis) for t, shape in enumerate(shapes) for axis in range(len(shape))]
    features = [int(ebm.term_features_[t][axis]) for t, axis in axes]
    origins = preparation.origins[np.asarray(features, dtype=np.intp)]
    starts = np.cumsum([0] + [len(shape) for shape in shapes]).astype(np.intp)
    strides = np.concatenate([_strides(shape) for shape in shapes]).astype(np.intp)
    sizes = [int(np.prod(shape)) for shape in shapes]
    offsets = np.cumsum([0] + sizes[:-1]).astype(np.intp)
    flat = np.concatenate([table[..., 0].ravel() for table in tables]).astype(np.float64)
    intercept = float(np.ravel(ebm.intercept_)[0])

    def prepare(frame: pd.DataFrame) -> np.ndarray:
        cells = cell_indices(locator, preparation.prepare(frame))
        columns = [np.unravel_index(cells[:, t], shapes[t])[axis] for t, axis in axes]
        return np.column_stack(columns).astype(np.float64)

    def output(matrix: np.ndarray) -> np.ndarray:
        score = term_sums(np.ascontiguousarray(matrix), starts, strides, offsets, flat, intercept)
        return expit(score) if binary else score

    return Prepared(prepare, origins, output)


def _strides(shape: tuple[int, ...]) -> np.ndarray:
    """How far one bin along each axis moves in the table flattened in C order."""
    return np.asarray([int(np.prod(shape[axis + 1 :])) for axis in range(len(shape))])


@njit(cache=True, nogil=True)
def term_sums(bins, starts, strides, offsets, tables, intercept):
    """Per row: the intercept plus, for every term, its table's value at the cell its bins name."""
    n_rows, n_terms = bins.shape[0], offsets.shape[0]
    out = np.empty(n_rows)
    for i in range(n_rows):
        score = intercept
        for t in range(n_terms):
            cell = 0
            for c in range(starts[t], starts[t + 1]):
                cell += int(bins[i, c]) * strides[c]
            score += tables[offsets[t] + cell]
        out[i] = score
    return out
