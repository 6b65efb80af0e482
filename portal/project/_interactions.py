"""Interaction values on demand: a seeded sample of rows, computed in chunks with progress, kept once.

SHAP interaction values cost about as many times a model's SHAP values as the model has input columns
(measured on the churn demo's random forest, 200 trees of depth 8 over 45 prepared columns: 0.5 s a
row; its boosted model: 4 ms a row). So they are computed for a sample of rows only, when a reader asks,
in chunks that report progress, and once: the arrays go to the result store under a key of (model
fingerprint, data fingerprint, method, sample size, seed, versions), so a second request, from any
process or after a restart, reads them back. Two requests for the same key compute it once (a file
lock, as explanation jobs take); a request killed mid-way (cancelled) leaves nothing behind.

:class:`InteractionJobs` is the part of a :class:`~portal.project.Project` that answers /interactions.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping
from dataclasses import replace
from typing import Any

import numpy as np
import pandas as pd

from portal.data import Dataset, key_of
from portal.explain import interaction_values, interactions_unavailable
from portal.jobs import ResultStore, job_lock
from portal.project._models import Models
from portal.results import InteractionValues, ModelInteractions, Provenance

#: Sample sizes a page offers; the largest is also the most a request may ask for (the engine's own cap).
SAMPLE_SIZES = (50, 100, 200, 500, 1_000)
VERSION = "1"  # part of the key: bump when the way values are computed changes
PROGRESS_STEPS = 20  # chunks per request: progress in 5 % steps
MIN_CHUNK_ROWS = 10
ARRAYS = ("values", "base_values", "outputs", "positions")
NOT_ONE_MODEL = "an average of several models; interaction values are computed for one tree model at a time"
UNKNOWN_MODEL = "no model '{name}' in this project; its models are {names}"
BAD_SIZE = "interaction values are computed for 1 to {limit:,} rows at a time, not {rows:,}; pick a smaller sample"

Progress = Callable[[int, int], None]  # (rows done, rows in the sample)


def sample_positions(total_rows: int, size: int, seed: int) -> np.ndarray:
    """The first ``size`` rows of a seeded permutation: a random sample, and a smaller one is a part of a bigger."""
    return np.random.default_rng(seed).permutation(total_rows)[: min(size, total_rows)]


def sample_sizes(total_rows: int) -> tuple[int, ...]:
    """The sizes to offer for a data set of ``total_rows``: the standard ones that fit, and all rows if fewer."""
    fitting = {s for s in SAMPLE_SIZES if s <= total_rows}
    return tuple(sorted(fitting | ({total_rows} if 0 < total_rows < SAMPLE_SIZES[-1] else set())))


def compute_interactions(
    model: Any, rows: pd.DataFrame, *, task: str, progress: Progress | None = None
) -> InteractionValues:
    """The engine's interaction values of ``rows``, a chunk at a time; equal to one call on all rows."""
    size = max(MIN_CHUNK_ROWS, -(-len(rows) // PROGRESS_STEPS))
    parts = []
    for start in range(0, len(rows), size):
        parts.append(interaction_values(model, rows.iloc[start : start + size], task=task))
        if progress is not None:
            progress(min(start + size, len(rows)), len(rows))
    first = parts[0]
    stacked = {n: np.concatenate([getattr(p, n) for p in parts]) for n in ("values", "base_values", "outputs")}
    return replace(first, **stacked)


def cached_interactions(
    store: ResultStore, key: str, model_name: str, positions: np.ndarray, compute: Callable[[], InteractionValues]
) -> InteractionValues:
    """The interaction values stored under ``key``, else ``compute()``d now and stored (once across processes)."""
    found = _read(store, key)
    if found is not None:
        return found
    with job_lock(store.array_dir(key)):
        found = _read(store, key)  # another process may have finished it while this one waited
        if found is not None:
            return found
        started = time.time()
        result = compute()
        arrays = {n: getattr(result, n) for n in ARRAYS[:3]}
        store.write_arrays(store.array_dir(key, "result"), {**arrays, "positions": positions})
        seconds = round(time.time() - started, 3)
        store.set_json(f"job:{key}", {**_record(result, model_name), "seconds": seconds, "finished": time.time()})
        return result


def _record(result: InteractionValues, model_name: str) -> dict[str, Any]:
    """The index entry: a finished "job" to ``cache info``, ``cache clear --model`` and eviction, plus the
    names and labels the arrays need to become an :class:`InteractionValues` again."""
    return {
        "state": "done",
        "kind": "interactions",
        "model_name": model_name,
        "n_rows": int(result.values.shape[0]),
        "feature_names": list(result.feature_names),
        "output_scale": result.output_scale,
        "method": result.method,
        "class_names": list(result.class_names),
        "error": "",
    }


def _read(store: ResultStore, key: str) -> InteractionValues | None:
    record = store.get_json(f"job:{key}")
    arrays = store.read_arrays(store.array_dir(key, "result"), ARRAYS)
    if not record or record.get("kind") != "interactions" or arrays is None:
        return None
    store.set_json(f"job:{key}", {**record, "used": time.time()})  # for least-recently-used eviction
    return InteractionValues(
        tuple(record["feature_names"]),
        arrays["values"],
        arrays["base_values"],
        arrays["outputs"],
        record["output_scale"],
        record["method"],
        tuple(record["class_names"]),
    )


class InteractionJobs:
    """Interaction values of a project's tree models, on demand, kept in ``store`` once computed."""

    def __init__(self, models: Models, dataset: Dataset, store: ResultStore, *, seed: int, versions: Mapping[str, str]):
        self._models, self._dataset, self._store, self._seed, self._versions = models, dataset, store, seed, versions

    def support(self) -> dict[str, str]:
        """For each model, in order: empty when it can have interaction values, else why not."""
        entries = self._models.entries
        return {
            name: interactions_unavailable(entries[name].fitted.estimator) if name in entries else NOT_ONE_MODEL
            for name in self._models.names
        }

    def values(self, model_name: str, n_rows: int, progress: Progress | None = None) -> ModelInteractions:
        """The model's interaction values on a seeded sample of ``n_rows`` rows, from the store or computed."""
        if model_name not in self._models.entries:
            names = ", ".join(repr(n) for n in self._models.names)
            raise ValueError(UNKNOWN_MODEL.format(name=model_name, names=names))
        if not 0 < n_rows <= SAMPLE_SIZES[-1]:
            raise ValueError(BAD_SIZE.format(limit=SAMPLE_SIZES[-1], rows=n_rows))
        entry, data, seed = self._models.entries[model_name], self._dataset, self._seed
        positions = sample_positions(data.n_rows, n_rows, seed)
        fingerprint = entry.fitted.fingerprint
        key = key_of(
            "interactions", fingerprint, data.fingerprint, entry.method, positions.size, seed, VERSION, self._versions
        )
        rows = data.features.iloc[positions]
        values = cached_interactions(
            self._store,
            key,
            model_name,
            positions,
            lambda: compute_interactions(entry.fitted.estimator, rows, task=data.task, progress=progress),
        )
        if entry.class_names:  # the data's names for the class slices
            values = replace(values, class_names=entry.class_names)
        provenance = Provenance(fingerprint, data.fingerprint, values.method, True, self._versions)
        return ModelInteractions(model_name, data.ids[positions], data.n_rows, values, provenance)
