"""A damaged index (garbage in its SQLite file) is set aside and rebuilt from disk: never a dead end."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from portal.jobs import ResultStore, cache_info, clear_cache


def garbage(database: Path, at: int = 0) -> None:
    data = bytearray(database.read_bytes())
    data[at : at + 4096] = bytes(range(256)) * 16
    database.write_bytes(bytes(data))


def filled(root: Path) -> ResultStore:
    store = ResultStore(root)
    values = np.ones((4, 2))
    store.write_arrays(
        store.array_dir("k1", "result"), {"values": values, "base_values": np.zeros(4), "outputs": np.full(4, 2.0)}
    )
    store.set_json("job:k1", {"state": "done", "model_name": "Forest", "n_rows": 4})
    for i in range(200):  # pages enough that garbage in the middle hits the table's pages
        store.set_json(f"other:{i}", {"filler": "x" * 200})
    store.close()
    return store


def test_garbage_at_the_start_of_the_index_is_set_aside_and_the_index_rebuilt(tmp_path: Path) -> None:
    filled(tmp_path / "c")
    garbage(tmp_path / "c" / "index" / "cache.db")
    store = ResultStore(tmp_path / "c")
    assert list(store.notes) == ["index"] and "the index is damaged (file is not a database)" in store.notes["index"]
    (aside,) = (tmp_path / "c" / "quarantine").iterdir()
    assert aside.name.endswith("index") and (aside / "cache.db").is_file()
    (job,) = cache_info(store).explanations
    assert (job.key, job.state) == ("k1", "done")
    assert store.read_arrays(store.array_dir("k1", "result"), ("values", "base_values", "outputs")) is not None
    assert store.get_json("sum:k1/result") is not None  # its checksums, read from beside the arrays
    assert clear_cache(store) == 1 and not list(store.arrays_dir.iterdir())


def test_garbage_inside_the_index_is_found_by_sqlites_check(tmp_path: Path) -> None:
    filled(tmp_path / "c")
    database = tmp_path / "c" / "index" / "cache.db"
    garbage(database, at=database.stat().st_size // 2)
    store = ResultStore(tmp_path / "c")
    assert "the index is damaged" in store.notes["index"]
    assert [e.key for e in cache_info(store).explanations] == ["k1"]


def test_a_sound_index_is_left_alone(tmp_path: Path) -> None:
    filled(tmp_path / "c")
    store = ResultStore(tmp_path / "c")
    assert store.notes == {} and not (tmp_path / "c" / "quarantine").exists()
    assert store.get_json("job:k1")["model_name"] == "Forest"
