"""The cache root is the user's alone: someone else's or a shared one is refused in one line that names the
fix; everything created under it is private (folders 0700, files 0600), and older caches are tightened."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.data import write_frame
from portal.jobs import CacheError, ExplanationJob, JobRunner, ResultStore
from portal.web import open_callback_cache
from tests.jobs.test_cache_integrity import fake_chunk

NOBODY = 65534


def modes(root: Path) -> dict[str, int]:
    found = {}
    for folder, names, files in os.walk(root):
        for name in [".", *names, *files]:
            path = Path(folder, name)
            found[str(path.relative_to(root))] = stat.S_IMODE(path.lstat().st_mode)
    return found


def one_line(error: pytest.ExceptionInfo) -> str:
    text = str(error.value)
    assert "\n" not in text
    return text


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_root_owned_by_someone_else_is_refused_and_kept_as_it_was(tmp_path: Path) -> None:
    root = tmp_path / "theirs"
    root.mkdir(mode=0o700)
    (root / "planted.npy").write_bytes(b"x")
    os.chown(root, NOBODY, NOBODY)
    with pytest.raises(CacheError) as error:
        ResultStore(root)
    text = one_line(error)
    assert f"belongs to user {NOBODY}, not to you" in text and "chown" in text and "PORTAL_CACHE_DIR" in text
    assert root.stat().st_uid == NOBODY and stat.S_IMODE(root.stat().st_mode) == 0o700
    assert sorted(p.name for p in root.iterdir()) == ["planted.npy"]  # nothing opened, nothing served


@pytest.mark.parametrize("mode", [0o777, 0o770, 0o702])
def test_a_root_others_may_write_is_refused(tmp_path: Path, mode: int) -> None:
    root = tmp_path / "shared"
    root.mkdir()
    os.chmod(root, mode)
    with pytest.raises(CacheError) as error:
        ResultStore(root)
    assert f"(mode {mode:o})" in one_line(error) and f"chmod 700 {root}" in str(error.value)
    assert stat.S_IMODE(root.stat().st_mode) == mode  # refused, not quietly changed


def test_a_root_that_is_a_file_is_refused(tmp_path: Path) -> None:
    (tmp_path / "file").write_text("not a folder")
    with pytest.raises(CacheError) as error:
        ResultStore(tmp_path / "file")
    assert "is a file, not a folder" in one_line(error)
    assert (tmp_path / "file").read_text() == "not a folder"


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to plant another user's file")
def test_a_file_of_someone_else_inside_the_root_is_refused(tmp_path: Path) -> None:
    ResultStore(tmp_path / "c").close()
    planted = tmp_path / "c" / "arrays" / "planted.npy"
    planted.write_bytes(b"x")
    os.chown(planted, NOBODY, NOBODY)
    with pytest.raises(CacheError) as error:
        ResultStore(tmp_path / "c")
    assert f"holds {planted}, which belongs to user {NOBODY}" in one_line(error)


def test_everything_the_store_and_a_job_create_is_private(tmp_path: Path) -> None:
    root = tmp_path / "c"
    store = ResultStore(root)
    frame = pd.DataFrame(np.random.default_rng(0).normal(size=(250, 2)), columns=["a", "b"])
    data = str(write_frame(frame, store.frames_dir / "rows.parquet"))
    original, jobs.explain_chunk = jobs.explain_chunk, fake_chunk
    try:
        runner = JobRunner(store)
        job = ExplanationJob("k", "M", "-", True, (), False, "classification", 250, data, data, chunk_rows=100)
        runner.submit(job)
    finally:
        jobs.explain_chunk = original
    store.set_json("big", {"values": list(range(50_000))})  # large enough for diskcache to write a file
    store.model_path("f").write_bytes(b"model")
    store.record_model("f", {"name": "M"})
    callbacks = open_callback_cache(root / "dash-callbacks")
    callbacks.set("result", {"figure": list(range(20_000))})  # a file of its own too
    found = modes(root)
    assert {"arrays/k/result/values.npy", "frames/rows.parquet", "index/cache.db", "dash-callbacks/cache.db"} <= set(
        found
    )
    assert any(name.endswith(".val") for name in found if name.startswith("index/"))
    assert any(name.endswith(".val") for name in found if name.startswith("dash-callbacks/"))
    wrong = {name: oct(mode) for name, mode in found.items() if mode != (0o700 if (root / name).is_dir() else 0o600)}
    assert wrong == {}


def test_an_older_cache_with_open_parts_is_tightened_on_open(tmp_path: Path) -> None:
    root = tmp_path / "c"
    ResultStore(root).close()
    (root / "arrays" / "k").mkdir(mode=0o755)
    (root / "arrays" / "k" / "values.npy").write_bytes(b"x")
    os.chmod(root / "arrays" / "k", 0o755)
    os.chmod(root / "arrays" / "k" / "values.npy", 0o644)
    os.chmod(root / "arrays", 0o755)
    ResultStore(root).close()
    assert stat.S_IMODE((root / "arrays").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "arrays" / "k").stat().st_mode) == 0o700
    assert stat.S_IMODE((root / "arrays" / "k" / "values.npy").stat().st_mode) == 0o600
