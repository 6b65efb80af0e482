"""What is in the cache, and removing it: behind ``python -m portal cache info|clear``.

The index names every job's model (``job:<key>`` records) and every fitted model file
(``model:<fingerprint>`` records), so results can be listed and cleared by the model's name. A job whose
process died shows as "interrupted" (:mod:`portal.jobs._liveness`), not as the "running" its record last said.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from portal.jobs._liveness import is_interrupted
from portal.jobs._store import ResultStore

KIND_WORDS = {"interactions": " (interaction values)"}  # results other than explanations, named so in listings


@dataclass(frozen=True)
class CachedExplanation:
    key: str
    model_name: str
    state: str
    n_rows: int
    seconds: float | None
    bytes: int
    scale: str = "native"  # or "common": a common-scale job (portal.project)


@dataclass(frozen=True)
class CacheInfo:
    root: Path
    total_bytes: int
    n_model_files: int
    explanations: tuple[CachedExplanation, ...]


def cache_info(store: ResultStore) -> CacheInfo:
    explanations = []
    for key in sorted(k for k in store.index.iterkeys() if isinstance(k, str) and k.startswith("job:")):
        state = store.get_json(key) or {}
        job_key = key.removeprefix("job:")
        if is_interrupted(state, store.array_dir(job_key)):
            state = {**state, "state": "interrupted"}
        explanations.append(
            CachedExplanation(
                key=job_key,
                model_name=state.get("model_name", "?") + KIND_WORDS.get(state.get("kind", ""), ""),
                state=state.get("state", "?"),
                n_rows=int(state.get("n_rows", 0)),
                seconds=state.get("seconds"),
                bytes=folder_bytes(store.array_dir(job_key)),
                scale=state.get("scale", "native"),
            )
        )
    return CacheInfo(
        store.root, folder_bytes(store.root), len(list(store.models_dir.glob("*.skops"))), tuple(explanations)
    )


def clear_cache(store: ResultStore, model_name: str | None = None) -> int:
    """Remove every result (and what was set aside in quarantine/), or one model's results and fitted files;
    returns how many entries went."""
    if model_name is None:
        count = sum(1 for k in store.index.iterkeys() if isinstance(k, str) and k.startswith(("job:", "model:")))
        store.index.clear()
        quarantine = [store.root / "quarantine"] if (store.root / "quarantine").exists() else []
        for path in list(store.arrays_dir.iterdir()) + list(store.models_dir.iterdir()) + quarantine:
            shutil.rmtree(path, ignore_errors=True) if path.is_dir() else path.unlink(missing_ok=True)
        return count
    removed = 0
    for key in [k for k in store.index.iterkeys() if isinstance(k, str) and k.startswith(("job:", "model:"))]:
        record = store.get_json(key) or {}
        if record.get("model_name", record.get("name")) != model_name:
            continue
        identifier = key.split(":", 1)[1]
        if key.startswith("job:"):
            store.remove(store.array_dir(identifier))
        else:
            store.model_path(identifier).unlink(missing_ok=True)
        store.index.delete(key)
        removed += 1
    return removed


def cached_model_names(store: ResultStore) -> set[str]:
    """The names of the models that have results or fitted files in the cache (known to ``clear --model``)."""
    names = set()
    for key in store.index.iterkeys():
        if isinstance(key, str) and key.startswith(("job:", "model:")):
            record = store.get_json(key) or {}
            names.add(record.get("model_name", record.get("name")))
    return {n for n in names if isinstance(n, str) and n != "?"}


def evict_to_limit(store: ResultStore, limit_bytes: int, protect: set[str] = frozenset()) -> list[str]:
    """Remove the least recently used finished explanations until the cache fits ``limit_bytes``.

    Jobs that are queued or running, and the keys in ``protect``, are never evicted; fitted models are
    kept (they are small, and retraining costs more than recomputing). Returns the evicted job keys.
    """
    evicted: list[str] = []
    total = folder_bytes(store.root)
    for key, _used in sorted(_finished_jobs(store, protect), key=lambda pair: pair[1]):
        if total <= limit_bytes:
            break
        total -= folder_bytes(store.array_dir(key))
        store.remove(store.array_dir(key))
        store.index.delete(f"job:{key}")
        evicted.append(key)
    return evicted


def _finished_jobs(store: ResultStore, protect: set[str]):
    for name in store.index.iterkeys():
        if not (isinstance(name, str) and name.startswith("job:")):
            continue
        key, state = name.removeprefix("job:"), store.get_json(name) or {}
        if key not in protect and state.get("state") not in ("queued", "running"):
            yield key, float(state.get("used", state.get("finished", 0.0)))


def folder_bytes(folder: Path) -> int:
    return sum(p.stat().st_size for p in folder.rglob("*") if p.is_file()) if folder.exists() else 0


def human_bytes(count: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if count < 1024 or unit == "GB":
            return f"{count:.0f} {unit}" if unit == "B" else f"{count:.1f} {unit}"
        count /= 1024
    return f"{count:.1f} GB"
