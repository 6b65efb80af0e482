"""Interventional Shapley values from model evaluations: every coalition, or sampled permutations.

Each original column is one player; a coalition's value is the model's mean output over the background
rows with the coalition's columns taken from the explained row. Frames are built by position: the
background and the explained rows form one pool, and a hybrid row is the pool row each column is taken
from, so every column keeps its own dtype (strings, categories, missing values).

``exact_shapley`` evaluates all 2^columns coalitions of each row in one model call per block of rows
and weighs them exactly. ``permutation_shapley`` hands positions to shap's Permutation explainer
(shap's maskers mix rows by arithmetic, which positions survive exactly), one row at a time with a seed
of its own (from its values): a row gets the same values in any batch, chunk or process, so a job that
resumes, a chunk size that changes and a row explained alone on the server all agree.

A model whose preparation works column by column (a :class:`Prepared`) is evaluated faster: the pool is
prepared once, and a hybrid row's prepared columns are each taken from the pool row its original column
comes from. That gives the numbers preparing each hybrid row would give (the same operations on the same
cells), without running encoders and imputers on every one of millions of hybrid rows: measured on the
churn demo's gradient boosting (imputer and one-hot encoder, 18 columns, 100 background rows), 3-7x faster.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, replace
from math import factorial

import numpy as np
import pandas as pd
from numba import njit

from portal.explain._base import import_shap

Output = Callable[[pd.DataFrame], np.ndarray]
#: Model rows built and evaluated in one call by the exact method (memory stays near 100 MB).
BLOCK_ROWS = 250_000
#: shap's Permutation explainer draws from numpy's one global generator (``np.random.seed`` then
#: ``np.random.shuffle``): two threads explaining at once would take each other's draws and give values that
#: depend on timing. The server explains rows in many threads, so this lock keeps the draws of one row
#: together. It is the only lock single rows share, and only the sampled method takes it (exact coalitions,
#: TreeSHAP and EBM terms run side by side); several server processes each have a generator of their own.
GLOBAL_GENERATOR = threading.Lock()


@dataclass(frozen=True, eq=False)
class Prepared:
    """A model as a column-wise preparation and an estimator: ``prepare`` maps original columns to a numeric
    matrix whose column j depends on original column ``origins[j]`` only; ``output`` evaluates that matrix."""

    prepare: Callable[[pd.DataFrame], np.ndarray]
    origins: np.ndarray
    output: Output
    background: np.ndarray | None = None  # the background rows prepared once (see ``with_background``)

    def with_background(self, background: pd.DataFrame) -> Prepared:
        """The same road with ``background`` prepared once: a preparation works row by row, so a pool's matrix
        is this, then its explained rows prepared. Measured on the churn demo's booster: its ColumnTransformer takes
        10.3 ms on 201 rows and 7.6 ms on one (mostly fixed cost), so this saves about 3 ms of a 65-70 ms row."""
        return replace(self, background=np.asarray(self.prepare(background), dtype=np.float64))


class Pool:
    """The background rows, then the explained rows, addressed by position."""

    def __init__(self, background: pd.DataFrame, rows: pd.DataFrame, prepared: Prepared | None = None) -> None:
        self.n_background = len(background)
        self.frame = pd.concat([background, rows], ignore_index=True)
        self.prepared = prepared
        self.matrix = None if prepared is None else self._prepared_matrix(prepared, rows)

    def _prepared_matrix(self, prepared: Prepared, rows: pd.DataFrame) -> np.ndarray:
        if prepared.background is None or len(prepared.background) != self.n_background or not len(rows):
            return np.asarray(prepared.prepare(self.frame), dtype=np.float64)
        return np.vstack([prepared.background, np.asarray(prepared.prepare(rows), dtype=np.float64)])

    def pick(self, positions: np.ndarray) -> pd.DataFrame:
        """``(m, columns)`` positions -> the frame of those cells, column by column."""
        picked = np.asarray(positions).astype(np.intp)
        return pd.DataFrame({c: self.frame[c].array.take(picked[:, j]) for j, c in enumerate(self.frame.columns)})

    def evaluate(self, output: Output, positions: np.ndarray) -> np.ndarray:
        """The model's output on the hybrid rows ``positions`` describe: ``(m, columns)`` -> ``(m[, k])``."""
        if self.prepared is None:
            return np.asarray(output(self.pick(positions)), dtype=np.float64)
        matrix = hybrid_matrix(self.matrix, np.ascontiguousarray(positions), self.prepared.origins.astype(np.intp))
        return np.asarray(self.prepared.output(matrix), dtype=np.float64)


@njit(cache=True, nogil=True)
def hybrid_matrix(pool, positions, origins):
    """The prepared hybrid rows: column j of row i is column j of the pool row ``positions[i, origins[j]]``.

    One compiled pass, instead of numpy's fancy indexing through an index array of every cell (26 MB of int64
    for one sampled-permutation row of the churn demo's booster): measured 29 ms of its 100 ms a row."""
    out = np.empty((positions.shape[0], origins.shape[0]))
    for i in range(positions.shape[0]):
        for j in range(origins.shape[0]):
            out[i, j] = pool[int(positions[i, origins[j]]), j]
    return out


def exact_shapley(
    output: Output, background: pd.DataFrame, rows: pd.DataFrame, *, prepared: Prepared | None = None
) -> tuple[np.ndarray, np.ndarray]:
    """``(values (n, columns[, k]), base (n[, k]))``: exact, from every coalition's mean output.

    Hybrid rows are built and evaluated about :data:`BLOCK_ROWS` at a time: several explained rows a block when
    their coalitions are few, a part of one row's coalitions a block when they are many (2^16 coalitions x 200
    background rows would otherwise be 13 million hybrid rows, over 1.6 GB of positions, at once).
    """
    pool, f, n_background = Pool(background, rows, prepared), rows.shape[1], len(background)
    members = ((np.arange(2**f)[:, np.newaxis] >> np.arange(f)) & 1).astype(bool)  # (coalitions, columns)
    step = max(1, BLOCK_ROWS // (members.shape[0] * n_background))  # explained rows a block
    span = max(1, BLOCK_ROWS // n_background)  # coalitions a block
    worth, squeeze = [], False
    for start in range(0, len(rows), step):
        block = np.arange(start, min(start + step, len(rows)))
        parts = [_worth(pool, output, members[c : c + span], block) for c in range(0, members.shape[0], span)]
        squeeze = parts[0][1]
        worth.append(np.concatenate([part for part, _ in parts], axis=1))
    worth = np.concatenate(worth)  # (n, coalitions, k)
    values = _shapley_from_worth(worth, f)
    return (values[..., 0], worth[:, 0, 0]) if squeeze else (values, worth[:, 0])


def _worth(pool: Pool, output: Output, members: np.ndarray, block: np.ndarray) -> tuple[np.ndarray, bool]:
    """The mean output over the background of each coalition in ``members`` for the explained rows in ``block``:
    ``(block, coalitions, k)``, and whether the model gives one output per row (not one per class)."""
    f, n_background = members.shape[1], pool.n_background
    own = (n_background + block)[:, np.newaxis, np.newaxis, np.newaxis]
    filler = np.arange(n_background)[np.newaxis, np.newaxis, :, np.newaxis]
    positions = np.where(members[np.newaxis, :, np.newaxis, :], own, filler)  # (block, coalitions, bg, f)
    out = pool.evaluate(output, positions.reshape(-1, f))
    return out.reshape(block.size, members.shape[0], n_background, -1).mean(axis=2), out.ndim == 1


def _shapley_from_worth(worth: np.ndarray, f: int) -> np.ndarray:
    """phi_i = sum over S without i of |S|! (f-|S|-1)! / f! * (v(S+i) - v(S)); coalitions are bit masks."""
    coalitions = np.arange(2**f)
    size = np.array([bin(c).count("1") for c in coalitions])
    weight = np.array([factorial(s) * factorial(f - s - 1) / factorial(f) if s < f else 0.0 for s in range(f + 1)])
    values = np.zeros((worth.shape[0], f, worth.shape[2]))
    for i in range(f):
        without = coalitions[(coalitions >> i) & 1 == 0]
        gains = worth[:, without | (1 << i)] - worth[:, without]  # (n, half the coalitions, k)
        values[:, i] = np.einsum("c,nck->nk", weight[size[without]], gains)
    return values


def permutation_shapley(
    output: Output,
    background: pd.DataFrame,
    rows: pd.DataFrame,
    *,
    permutations: int,
    seed: int = 0,
    prepared: Prepared | None = None,
) -> tuple[np.ndarray, np.ndarray]:
    """``(values, base)`` from shap's Permutation explainer: ``permutations`` antithetic pairs per row, each
    row's permutations drawn from a seed of its own (``seed`` and the row's values)."""
    shap = import_shap()
    pool, f, n_background = Pool(background, rows, prepared), rows.shape[1], len(background)
    masker = shap.maskers.Independent(_positions(n_background, 0, f), max_samples=n_background)
    seeds = row_seeds(rows, seed)
    with GLOBAL_GENERATOR:
        return _permuted(shap, output, pool, masker, seeds, permutations * (2 * f + 1), seed)


def _permuted(shap, output: Output, pool: Pool, masker, seeds: np.ndarray, max_evals: int, seed: int):
    """shap's Permutation explainer row by row, each from its own seed; numpy's global state put back after."""
    f, n_background, values, base = pool.frame.shape[1], pool.n_background, [], []
    state = np.random.get_state()  # shap seeds and shuffles numpy's global generator: put it back afterwards
    try:
        explainer = shap.explainers.Permutation(lambda p: pool.evaluate(output, p), masker, seed=seed)
        for i in range(len(seeds)):
            np.random.seed(seeds[i])
            result = explainer(_positions(1, n_background + i, f), max_evals=max_evals, silent=True)
            values.append(np.asarray(result.values)[0])
            base.append(np.asarray(result.base_values)[0])
    finally:
        np.random.set_state(state)
    return np.asarray(values), np.asarray(base)


def row_seeds(rows: pd.DataFrame, seed: int) -> np.ndarray:
    """A 32-bit seed per row from its values (and ``seed``): equal rows, equal seeds, wherever they are."""
    hashed = pd.util.hash_pandas_object(rows.reset_index(drop=True), index=False).to_numpy(dtype=np.uint64)
    return ((hashed ^ np.uint64(seed)) % np.uint64(2**32)).astype(np.int64)


def _positions(n: int, start: int, f: int) -> np.ndarray:
    """``(n, f)``: pool row ``start + i`` in every column."""
    return np.repeat(np.arange(start, start + n, dtype=np.float64)[:, np.newaxis], f, axis=1)
