"""Rows explained like this one: the nearest neighbours of a row among the explanations' rows.

A reviewer who reads one row's waterfalls asks "which other customers got the same reasons?". Each row is a
vector of feature contributions; two rows are neighbours when the models give them the same reasons with
the same strength.

Choices, and why:

- **Each model's own explanation, all rows.** The common scale covers a seeded sample of a few hundred rows;
  neighbours are searched among every row, so the exact explanations in each model's own scale are used.
- **Several models: their vectors side by side, each divided by its model's typical total.** A model's block
  is divided by the mean over rows of the sum of |contribution| (a typical row's total attribution), so a
  booster in log-odds and a forest in probability weigh the same, and a distance of 0.2 reads "a fifth of a
  typical row's total attribution". One model alone is scaled the same way, so distances read alike.
- **Euclidean, not cosine.** Cosine ignores strength: a row whose reasons are all tiny would be the twin of
  one with the same reasons ten times larger. Euclidean asks for the same reasons *and* the same size.
- **An exact brute-force scan, not a tree index.** A page asks for one row at a time; one pass over the
  arrays (numpy, block by block, no copy of the concatenated matrix) costs less than building a tree.

    found = similar_rows([rf, gb, ebm], "C00042", k=10)
    found.row_ids, found.distances, found.outputs  # the 10 nearest rows, nearest first
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from portal.analyses._disagreement import in_scale, shared_scale
from portal.results import Explanation, shared_rows

DEFAULT_K = 10
UNKNOWN_ROW = "row '{row}' is not in the explanations compared ({rows:,} rows every one of them covers)"


@dataclass(frozen=True, eq=False)
class SimilarRows:
    """The ``k`` rows nearest to ``row_id`` in explanation space, nearest first.

    ``outputs`` are every model's predictions of those rows, (k, n_models) in ``model_names`` order, each in
    its entry of ``output_scales``: log-odds turned into probability when mixed with probability (as the
    disagreement table does), else each model's own. ``row_outputs`` the same for the row itself.
    """

    row_id: str
    model_names: tuple[str, ...]
    output_scales: tuple[str, ...]
    row_ids: np.ndarray  # (k,)
    distances: np.ndarray  # (k,) in typical-row totals
    outputs: np.ndarray  # (k, n_models)
    row_outputs: np.ndarray  # (n_models,)
    rows_searched: int  # rows every explanation covers, the row itself included


def similar_rows(explanations: Sequence[Explanation], row_id: str, *, k: int = DEFAULT_K) -> SimilarRows:
    """The ``k`` rows whose contributions are nearest to ``row_id``'s (see the module for the distance).

    Each explanation must be 2-D (one class: :meth:`Explanation.for_class`) over the same features. Ties
    keep data order. Raises ValueError for a row no explanation covers or a bad ``k``.
    """
    if k < 1:
        raise ValueError(f"k must be at least 1, not {k}")
    _check_comparable(explanations)
    ids, positions = shared_rows(explanations)
    target = np.flatnonzero(ids == str(row_id))
    if not target.size:
        raise ValueError(UNKNOWN_ROW.format(row=row_id, rows=len(ids)))
    here = int(target[0])
    distances = np.sqrt(_squared_distances(explanations, positions, here))
    distances[here] = np.inf  # never its own neighbour (an identical row still is)
    nearest = _smallest(distances, min(k, len(ids) - 1))
    scales = _display_scales(explanations)
    shown = np.append(nearest, here)  # the neighbours, then the row itself
    outputs = np.stack(
        [
            in_scale(np.asarray(e.outputs)[p[shown]], e.output_scale, s)
            for e, p, s in zip(explanations, positions, scales)
        ],
        axis=1,
    )
    return SimilarRows(
        row_id=str(row_id),
        model_names=tuple(e.model_name for e in explanations),
        output_scales=scales,
        row_ids=ids[nearest],
        distances=distances[nearest],
        outputs=outputs[:-1],
        row_outputs=outputs[-1],
        rows_searched=len(ids),
    )


def typical_total(explanation: Explanation) -> float:
    """The mean over rows of the sum of |contribution|: the unit each model's block is divided by (1 if zero)."""
    total = float(np.abs(np.asarray(explanation.values)).sum(axis=1).mean()) if explanation.n_rows else 0.0
    return total if total > 0 else 1.0


def _squared_distances(explanations: Sequence[Explanation], positions: list[np.ndarray], here: int) -> np.ndarray:
    """Squared Euclidean distance of every shared row to row ``here``, summed over the models' scaled blocks."""
    total = np.zeros(len(positions[0]), dtype=np.float64)
    for explanation, rows in zip(explanations, positions):
        values = np.asarray(explanation.values)
        block = values if _is_identity(rows, len(values)) else values[rows]
        difference = (block - block[here]) / typical_total(explanation)
        total += np.einsum("ij,ij->i", difference, difference)
    return total


def _display_scales(explanations: Sequence[Explanation]) -> tuple[str, ...]:
    """One shared scale for the outputs where they have one (probability for probability and log-odds),
    else each model's own."""
    try:
        shared = shared_scale(explanations)
    except ValueError:
        return tuple(e.output_scale for e in explanations)
    return (shared,) * len(explanations)


def _smallest(distances: np.ndarray, k: int) -> np.ndarray:
    """Positions of the ``k`` smallest distances, nearest first, ties in data order."""
    if k <= 0:
        return np.zeros(0, dtype=np.int64)
    candidates = np.argpartition(distances, k - 1)[:k] if k < len(distances) else np.arange(len(distances))
    return candidates[np.lexsort((candidates, distances[candidates]))]


def _is_identity(rows: np.ndarray, n: int) -> bool:
    return len(rows) == n and (n == 0 or (rows[0] == 0 and rows[-1] == n - 1 and bool(np.all(np.diff(rows) == 1))))


def _check_comparable(explanations: Sequence[Explanation]) -> None:
    if not explanations:
        raise ValueError("similar rows need at least one model's explanation")
    first = explanations[0]
    for e in explanations:
        if e.is_multiclass:
            raise ValueError(f"the explanation of '{e.model_name}' is multi-class: pick a class with for_class() first")
        if e.feature_names != first.feature_names:
            raise ValueError(f"'{e.model_name}' explains other features than '{first.model_name}'")
