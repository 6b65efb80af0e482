"""The result store: private, atomic, and free of pickles."""

from __future__ import annotations

import sqlite3
import stat
from pathlib import Path

import numpy as np
import pytest
from diskcache.core import MODE_PICKLE

from portal.jobs import ResultStore, UnsafeCacheEntry


def pickled_rows(directory: Path) -> int:
    with sqlite3.connect(directory / "cache.db") as db:
        return db.execute("SELECT COUNT(*) FROM Cache WHERE mode = ?", (MODE_PICKLE,)).fetchone()[0]


def test_directory_is_private(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cache")
    for folder in (store.root, store.root / "index", store.arrays_dir, store.models_dir):
        assert stat.S_IMODE(folder.stat().st_mode) == 0o700


def test_json_values_round_trip_without_pickles(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cache")
    store.set_json("job:x", {"done": 3, "state": "running", "names": ["a", "b"]})
    store.set_json("big", {"values": list(range(50_000))})  # large enough to go to a file
    assert store.get_json("job:x") == {"done": 3, "state": "running", "names": ["a", "b"]}
    assert store.get_json("big")["values"][-1] == 49_999
    assert pickled_rows(store.root / "index") == 0


def test_a_planted_pickle_is_refused(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cache")
    store.set_json("victim", 1)
    with sqlite3.connect(store.root / "index" / "cache.db") as db:
        db.execute("UPDATE Cache SET mode = ?, value = ? WHERE 1", (MODE_PICKLE, b"cos\nsystem\n(S'true'\ntR."))
    with pytest.raises(UnsafeCacheEntry):
        store.get_json("victim")


def test_arrays_are_written_whole_and_read_memory_mapped(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "cache")
    target = store.array_dir("k", "result")
    store.write_arrays(target, {"values": np.arange(6.0).reshape(3, 2)})
    read = store.read_arrays(target, ("values",))
    assert isinstance(read["values"], np.memmap)
    np.testing.assert_array_equal(read["values"], np.arange(6.0).reshape(3, 2))
    assert not [p for p in target.parent.iterdir() if p.name.startswith(".tmp-")]
    assert store.read_arrays(store.array_dir("absent"), ("values",)) is None


def test_eviction_removes_least_recently_used_results_and_never_a_running_job(tmp_path: Path) -> None:
    from portal.jobs import evict_to_limit, folder_bytes

    store = ResultStore(tmp_path / "cache")
    for used, key in enumerate(["old", "newer", "running", "newest"]):
        store.write_arrays(store.array_dir(key, "result"), {"values": np.zeros(50_000)})  # 400 KB each
        state = "running" if key == "running" else "done"
        store.set_json(f"job:{key}", {"state": state, "used": float(used)})
    limit = folder_bytes(store.root) - 500_000  # room for all but about one result
    evicted = evict_to_limit(store, limit)
    assert evicted == ["old", "newer"]  # "old" alone was not enough: results are a little over 400 KB apart
    assert store.array_dir("running").exists() and store.array_dir("newest").exists()
    assert store.get_json("job:old") is None and folder_bytes(store.root) <= limit
