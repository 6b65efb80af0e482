"""``cache info|clear`` with a cache that cannot be used or was damaged: one line and exit 2, or it works."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from portal.cli import main
from portal.jobs import ResultStore


@pytest.fixture
def cache(tmp_path: Path, monkeypatch) -> Path:
    root = tmp_path / "c"
    monkeypatch.setenv("PORTAL_CACHE_DIR", str(root))
    return root


def fill(root: Path) -> None:
    store = ResultStore(root)
    arrays = {"values": np.ones((3, 2)), "base_values": np.zeros(3), "outputs": np.full(3, 2.0)}
    store.write_arrays(store.array_dir("k1", "result"), arrays)
    store.set_json("job:k1", {"state": "done", "model_name": "Forest", "n_rows": 3})
    store.set_json("job:k2", {"state": "done", "model_name": "EBM", "n_rows": 3})
    store.close()


def one_error_line(capsys) -> str:
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("error: ")
    return err


@pytest.mark.parametrize("command", [["cache", "info"], ["cache", "clear"]])
def test_a_cache_dir_that_is_a_file_is_one_line_and_exit_2(cache: Path, command, capsys) -> None:
    cache.write_text("x")
    assert main(command) == 2
    assert f"error: cache {cache}: is a file, not a folder. Fix: remove or rename the file" in one_error_line(capsys)


@pytest.mark.skipif(os.getuid() != 0, reason="needs root to give a folder to another user")
def test_a_foreign_cache_is_one_line_and_exit_2(cache: Path, capsys) -> None:
    cache.mkdir(mode=0o700)
    os.chown(cache, 65534, 65534)
    assert main(["cache", "info"]) == 2
    assert "belongs to user 65534, not to you" in one_error_line(capsys)


def test_a_cache_open_to_others_is_one_line_and_exit_2(cache: Path, capsys) -> None:
    cache.mkdir()
    os.chmod(cache, 0o777)
    assert main(["cache", "clear"]) == 2
    assert "may be written by group or others (mode 777)" in one_error_line(capsys)


def test_a_read_only_cache_is_one_line_and_exit_2(cache: Path, capsys, monkeypatch) -> None:
    cache.mkdir(mode=0o700)
    monkeypatch.setattr(os, "access", lambda *args, **kwargs: False)  # root may write anything: pretend not
    assert main(["cache", "info"]) == 2
    assert "cannot be written by you (read-only)" in one_error_line(capsys)


def test_garbage_in_the_index_is_said_once_and_info_and_clear_still_work(cache: Path, capsys) -> None:
    fill(cache)
    (cache / "index" / "cache.db").write_bytes(b"garbage" * 1000)
    assert main(["cache", "info"]) == 0
    out, err = capsys.readouterr()
    assert err.count("\n") == 1 and err.startswith("cache: the index is damaged (file is not a database)")
    assert "explanations: 1\n" in out and "  ?: done, 3 rows" in out  # its name returns on its first use
    assert main(["cache", "clear"]) == 0
    out, err = capsys.readouterr()
    assert err == "" and out.startswith("removed 1 cached entries from")


def test_clearing_an_unknown_model_lists_the_known_ones_and_exits_2(cache: Path, capsys) -> None:
    fill(cache)
    assert main(["cache", "clear", "--model", "Nope"]) == 2
    assert one_error_line(capsys) == "error: --model: 'Nope' has no results in the cache. Fix: use one of EBM, Forest\n"
    assert main(["cache", "clear", "--model", "EBM"]) == 0
    assert capsys.readouterr().out.startswith("removed 1 cached entries of 'EBM'")


def test_clearing_a_model_of_an_empty_cache_says_there_is_nothing_to_clear(cache: Path, capsys) -> None:
    assert main(["cache", "clear", "--model", "Nope"]) == 2
    assert "there is nothing to clear by name" in one_error_line(capsys)
