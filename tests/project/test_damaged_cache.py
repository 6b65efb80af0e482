"""A project opened on a damaged cache (garbage index, truncated result) serves the clean values again."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np

from portal.config import load_config
from portal.project import Project
from tests.jobs.test_crash import clean_values, make_project


def test_a_project_heals_a_garbage_index_and_a_truncated_result(tmp_path: Path) -> None:
    config_path = make_project(tmp_path, "cache")
    clean = np.array(clean_values(config_path))
    (result,) = (tmp_path / "cache" / "arrays").glob("*/result")
    values = result / "values.npy"
    cut = values.with_name("cut.npy")  # a new file: the first project's memory map of the old one stays valid
    cut.write_bytes(values.read_bytes()[:5000])
    os.replace(cut, values)  # the probe's truncated array (a 500 on /global)
    (tmp_path / "cache" / "index" / "cache.db").write_bytes(b"garbage" * 4096)
    project = Project(load_config(config_path), log=lambda _: None, chunk_rows=250)
    assert "the index is damaged" in project.store.notes["index"]
    project.start_explanations()  # inline: the set-aside result is computed again here
    np.testing.assert_array_equal(np.asarray(project.explanation("Forest").values), clean)
    assert project.progress("Forest").state == "done"
    assert len(list((tmp_path / "cache" / "quarantine").iterdir())) == 2  # the index and the result, kept
