"""Which original column each prepared column came from, learnt from the fitted ColumnTransformer.

Names are not parsed (``age_group_x`` may be category ``group_x`` of ``age``). Each transformer's slice of
the output comes from ``output_indices_``; a transformer fed one column owns its whole slice. For a
transformer fed several columns the mapping is observed: change one input column at a time on the
background rows and see which outputs move. The changes tried are a shift of the column's own values
(which moves every output that varies on the background), missing values, and every category the
transformer's encoder learnt (so a category absent from the background is still traced). An output
that moves with two columns mixes them and cannot be attributed. An output that never moves is given
to its neighbours' column when that is the only possibility.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import sparse
from sklearn.compose import ColumnTransformer

MIXED = "transformer '{name}' mixes columns {columns} into one output; its contributions cannot be attributed"
UNTRACED = "transformer '{name}': output {index} never changed with any single input column; cannot attribute it"


def column_origins(prepare: ColumnTransformer, background: pd.DataFrame) -> np.ndarray:
    """For every output column of ``prepare``, the position of its input in ``prepare.feature_names_in_``."""
    names = list(getattr(prepare, "feature_names_in_", background.columns))
    width = max((s.stop for s in prepare.output_indices_.values()), default=0)
    origins = np.full(width, -1, dtype=np.intp)
    for name, transformer, columns in prepare.transformers_:
        block = prepare.output_indices_[name]
        if block.stop > block.start:
            inputs = _positions(columns, names)
            frame = background[[names[i] for i in inputs]]
            origins[block] = np.asarray(inputs)[block_origins(name, transformer, frame, block.stop - block.start)]
    return origins


def dense(matrix: object) -> np.ndarray:
    """Trees and comparisons want a plain array, whatever sparse form a transformer returned."""
    return matrix.toarray() if sparse.issparse(matrix) else np.asarray(matrix)


def _positions(columns: object, names: list[str]) -> list[int]:
    """The positions a ColumnTransformer column spec (labels, integers, mask or slice) selects."""
    order = pd.Series(np.arange(len(names)), index=names)
    key = [columns] if np.isscalar(columns) else columns
    if isinstance(key, slice):
        by_label = isinstance(key.start, str) or isinstance(key.stop, str)
        return (order.loc[key] if by_label else order.iloc[key]).tolist()
    key = np.asarray(key)
    return (order.iloc[key] if key.dtype.kind in "biu" else order.loc[key]).tolist()


def block_origins(name: str, transformer: object, frame: pd.DataFrame, width: int) -> np.ndarray:
    """Origin of each of the transformer's outputs, as a position among its own input columns."""
    if isinstance(transformer, str):  # "passthrough": one output per input, in order
        return np.arange(frame.shape[1])
    if frame.shape[1] == 1:
        return np.zeros(width, dtype=np.intp)
    moved = _dependence(transformer, frame)
    mixed = np.flatnonzero(moved.sum(axis=1) > 1)
    if mixed.size:
        raise ValueError(MIXED.format(name=name, columns=list(frame.columns[moved[mixed[0]]])))
    origins = _fill_gaps(np.where(moved.any(axis=1), moved.argmax(axis=1), -1), frame.shape[1])
    if (origins < 0).any():
        raise ValueError(UNTRACED.format(name=name, index=int(np.argmax(origins < 0))))
    return origins


def _dependence(transformer: object, frame: pd.DataFrame) -> np.ndarray:
    """``moved[o, j]``: output ``o`` changed when only input column ``j`` changed."""
    base = dense(transformer.transform(frame))
    learnt = _learnt_categories(transformer, frame.shape[1])
    probes = [(j, p) for j in range(frame.shape[1]) for p in _probes(frame, j, learnt[j] if learnt else ())]
    moved = np.zeros((base.shape[1], frame.shape[1]), dtype=bool)
    for j, changed in _transform_each(transformer, probes):
        moved[:, j] |= ~((changed == base) | (pd.isna(changed) & pd.isna(base))).all(axis=0)
    return moved


def _transform_each(transformer: object, probes: list[tuple[int, pd.DataFrame]]) -> list[tuple[int, np.ndarray]]:
    """Every probe transformed: in one call (fast), or one by one, skipping those it refuses."""
    try:
        stacked = dense(transformer.transform(pd.concat([p for _, p in probes], ignore_index=True)))
        return [(j, part) for (j, _), part in zip(probes, np.split(stacked, len(probes)))]
    except (ValueError, TypeError):  # e.g. missing values it was never meant to see
        pass
    done = []
    for j, probe in probes:
        try:
            done.append((j, dense(transformer.transform(probe))))
        except (ValueError, TypeError):
            continue
    return done


def _probes(frame: pd.DataFrame, j: int, categories: object) -> list[pd.DataFrame]:
    """Copies of ``frame`` differing only in column ``j``: shifted, missing, and cycling the categories."""
    column = frame.iloc[:, j]
    replacements = [np.roll(column.to_numpy(), 1), column.where(np.zeros(len(column), dtype=bool)).to_numpy()]
    known = np.asarray(categories, dtype=object)
    for start in range(0, known.size, max(len(frame), 1)):
        replacements.append(np.resize(known[start : start + len(frame)], len(frame)))
    probes = []
    for values in replacements:
        probe = frame.copy()
        probe.isetitem(j, pd.Series(values, index=frame.index))
        probes.append(probe)
    return probes


def _learnt_categories(transformer: object, width: int) -> list | None:
    """The categories an encoder in the transformer learnt for each of its ``width`` inputs, if any."""
    steps = [s for _, s in getattr(transformer, "steps", ())] or [transformer]
    for step in steps:
        categories = getattr(step, "categories_", None)
        if isinstance(categories, list) and len(categories) == width:
            return categories
    return None


def _fill_gaps(origins: np.ndarray, n_inputs: int) -> np.ndarray:
    """Give never-moving outputs an origin where only one is possible; leave ``-1`` elsewhere.

    Possible when outputs come one per input in input order, or grouped by input in input order (one-hot)
    and the gap sits between outputs of the same input (or between the first input and the start, or
    the last input and the end).
    """
    traced = np.flatnonzero(origins >= 0)
    if origins.size == n_inputs and np.array_equal(origins[traced], traced):
        return np.arange(n_inputs)
    if np.any(np.diff(origins[traced]) < 0):
        return origins
    filled = origins.copy()
    for start, stop in _runs(origins < 0):
        left = origins[start - 1] if start > 0 else 0
        right = origins[stop] if stop < origins.size else n_inputs - 1
        if left == right:
            filled[start:stop] = left
    return filled


def _runs(mask: np.ndarray) -> list[tuple[int, int]]:
    """``(start, stop)`` of every run of True in ``mask``."""
    edges = np.diff(np.concatenate(([0], mask.astype(np.int8), [0])))
    return list(zip(np.flatnonzero(edges == 1), np.flatnonzero(edges == -1)))
