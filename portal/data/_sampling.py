"""The order a job explains rows in: every prefix is a seeded sample stratified by the target.

Chunks are committed in this order, so the rows explained so far are always a sample that global views
can be drawn from. A plain random order lets a rare class (or the tail of a regression target) miss the
first chunks by chance; here each stratum - a class, or one of ten equal-count target quantile bins -
holds its share of every prefix to within one row: after ``k`` rows a stratum with ``n_s`` of the ``N``
rows has ``floor(k n_s / N)`` or ``ceil(k n_s / N)`` of them.

How: the stratum's ``j``-th row may not come before position ``floor((j - 1) N / n_s) + 1`` (it would
exceed the share) and must come by ``ceil(j N / n_s)`` (the share would fall short). Such windows always
admit a sequence (Tijdeman 1980, the "chairman assignment problem"), and earliest-deadline-first finds
one for unit tasks with release times (Steiner and Yeomans 1993). Which rows of a stratum fill its slots
is a seeded shuffle. The order is computed once per data set and seed (about 2.5 us a row) and kept
as an ``.npy`` file beside the job's data, so every process and every restart uses the same one.
"""

from __future__ import annotations

import heapq
import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np

QUANTILE_BINS = 10
#: Part of the file name, so chunks computed in another order are never mixed with these.
ORDER_VERSION = "stratified-1"
WRONG_LENGTH = "the row order {path} has {found} rows but the job has {expected}; give the job its own order"


def strata_of(y: np.ndarray, task: str, bins: int = QUANTILE_BINS) -> np.ndarray:
    """Class codes for classification; equal-count target quantile bins (ties split by position) otherwise."""
    y = np.asarray(y)
    if task == "classification":
        return np.unique(y, return_inverse=True)[1].astype(np.int64)
    ranks = np.empty(len(y), dtype=np.int64)
    ranks[np.argsort(y, kind="stable")] = np.arange(len(y))
    return ranks * min(bins, max(len(y), 1)) // max(len(y), 1)


def stratified_order(strata: np.ndarray, seed: int) -> np.ndarray:
    """A permutation of the rows whose every prefix holds each stratum in proportion, within one row."""
    strata = np.asarray(strata)
    labels, codes = np.unique(strata, return_inverse=True)
    rng = np.random.default_rng(seed)
    members = [rng.permutation(np.flatnonzero(codes == s)) for s in range(len(labels))]
    sequence = _stratum_sequence([len(m) for m in members])
    order = np.empty(len(strata), dtype=np.int64)
    for s, rows in enumerate(members):
        order[sequence == s] = rows
    return order


def _stratum_sequence(counts: list[int]) -> np.ndarray:
    """Which stratum fills each position: earliest deadline first among the strata whose turn has come."""
    total = sum(counts)
    waiting = [(1, s) for s in range(len(counts)) if counts[s]]  # (release, stratum) of each next row
    ready: list[tuple[int, int]] = []  # (deadline, stratum)
    taken = [0] * len(counts)
    sequence = np.empty(total, dtype=np.int64)
    for position in range(1, total + 1):
        while waiting and waiting[0][0] <= position:
            s = heapq.heappop(waiting)[1]
            heapq.heappush(ready, (-(-(taken[s] + 1) * total // counts[s]), s))
        s = heapq.heappop(ready)[1]
        sequence[position - 1], taken[s] = s, taken[s] + 1
        if taken[s] < counts[s]:
            heapq.heappush(waiting, (taken[s] * total // counts[s] + 1, s))
    return sequence


def order_beside(frame_path: str | Path, y: np.ndarray, task: str, seed: int) -> Path:
    """The stratified order of the rows of the (fingerprinted) Parquet file at ``frame_path``, whose
    targets are ``y``: an ``.npy`` file beside it, computed and written (atomically) only once."""
    frame_path = Path(frame_path)
    path = frame_path.with_name(f"{frame_path.stem}-order-{ORDER_VERSION}-seed-{seed}.npy")
    if not path.is_file():
        path.parent.mkdir(parents=True, exist_ok=True)
        handle, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".npy", dir=path.parent)
        with os.fdopen(handle, "wb") as out:
            np.save(out, stratified_order(strata_of(y, task), seed), allow_pickle=False)
        os.replace(staging, path)
    return path


@lru_cache(maxsize=16)
def _read_order(path: str) -> np.ndarray:
    order = np.load(path, allow_pickle=False)
    order.flags.writeable = False  # shared by every caller in this process
    return order


def read_order(path: str, n_rows: int) -> np.ndarray:
    """The order at ``path``, read once per process; it must cover exactly ``n_rows`` rows."""
    order = _read_order(path)
    if len(order) != n_rows:
        raise ValueError(WRONG_LENGTH.format(path=path, found=len(order), expected=n_rows))
    return order
