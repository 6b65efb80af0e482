"""``shap_values``: rows in, contributions out, the rows split over threads that share one forest."""

from __future__ import annotations

import os
from concurrent.futures import ThreadPoolExecutor

import numpy as np

from portal.explain.treeshap._ensemble import TreeEnsemble
from portal.explain.treeshap._kernel import shap_rows
from portal.explain.treeshap._patterns import table_rows

BAD_MATRIX = "X must be a 2-d matrix with {expected} columns, not shape {shape}"
#: Blocks per thread: enough that one slow block does not leave a core idle at the end.
BLOCKS_PER_THREAD = 4


def shap_values(ensemble: TreeEnsemble, X: np.ndarray, *, n_threads: int | None = None) -> np.ndarray:
    """Exact path-dependent TreeSHAP values, shaped and scaled as ``shap.TreeExplainer.shap_values``.

    Returns ``(rows, features)`` for one output, else ``(rows, features, outputs)``; each row satisfies
    ``values.sum(axis=1) + ensemble.expected_value == model output`` in ``ensemble.output_scale``.
    ``n_threads`` defaults to the cores this process may use.
    """
    matrix = _trees_matrix(ensemble, X)
    solved = np.zeros((matrix.shape[0], matrix.shape[1], ensemble.n_outputs - ensemble.sums_to_one))
    _run(matrix, solved, ensemble, n_threads or usable_cores())
    return _callers_shape(ensemble, solved)


def usable_cores() -> int:
    """Cores this process may run on (its affinity mask where the OS has one)."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


def _trees_matrix(ensemble: TreeEnsemble, X: np.ndarray) -> np.ndarray:
    """The matrix the trees compare: the model's own preprocessing, and float32 rounding for
    scikit-learn's trees (they cast inputs to float32 before comparing with float64 thresholds)."""
    X = np.asarray(X)
    if X.ndim != 2 or X.shape[1] != ensemble.n_features:
        raise ValueError(BAD_MATRIX.format(expected=ensemble.n_features, shape=X.shape))
    if ensemble.preprocess is not None:
        X = ensemble.preprocess(X)
    if ensemble.float32_inputs:
        X = np.asarray(X, dtype=np.float32)
    return np.ascontiguousarray(X, dtype=np.float64)


def _run(matrix: np.ndarray, out: np.ndarray, ensemble: TreeEnsemble, n_threads: int) -> None:
    """Contiguous row blocks on a thread pool; the kernel releases the GIL, so threads run in parallel."""
    n_blocks = min(matrix.shape[0], n_threads * BLOCKS_PER_THREAD)
    if n_threads <= 1 or n_blocks <= 1:
        _solve(matrix, out, ensemble)
        return
    bounds = np.linspace(0, matrix.shape[0], n_blocks + 1).astype(int)
    with ThreadPoolExecutor(max_workers=n_threads) as pool:
        jobs = [pool.submit(_solve, matrix[a:b], out[a:b], ensemble) for a, b in zip(bounds, bounds[1:])]
        for job in jobs:
            job.result()


def _solve(matrix: np.ndarray, out: np.ndarray, ensemble: TreeEnsemble) -> None:
    """One block of rows: the tabulated trees by their tables, the others by the sweeps (both release the GIL)."""
    tables, forest = ensemble.tables, ensemble.forest
    if tables is not None:
        table_rows(matrix, out, forest, tables.groups)
    skip = tables.skip if tables is not None else np.zeros(forest.tree_start.shape[0] - 1, dtype=np.bool_)
    if not skip.all():
        shap_rows(matrix, out, forest, skip)


def _callers_shape(ensemble: TreeEnsemble, solved: np.ndarray) -> np.ndarray:
    """Back to the caller's columns; the last class restored when classes sum to one; one output flat."""
    values = solved
    if ensemble.column_of_feature is not None:
        values = np.zeros((solved.shape[0], ensemble.n_features, solved.shape[2]))
        values[:, ensemble.column_of_feature, :] = solved
    if ensemble.sums_to_one:
        values = np.concatenate([values, -values.sum(axis=2, keepdims=True)], axis=2)
    return values[:, :, 0] if ensemble.n_outputs == 1 else values
