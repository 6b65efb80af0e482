"""Single rows under many users: threads get exactly the values one thread gets, and rows never wait on each other.

The project's common scale is forced onto the sampled (permutation) method, ``max_exact_features = 1``, since
that is the method that draws from numpy's global generator; no test here times anything.
"""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.explain._coalitions import permutation_shapley
from portal.project import Project
from tests.project.test_averages import BOOSTED, FOREST, GLASS
from tests.project.test_common_scale import open_project, project_text
from tests.reports.test_export import synthetic_table

WAIT_S = 60  # a safety net against a hung test only
EDITS = ({"age": 30}, {"plan": "pro"}, {"income": 80.0, "plan": "basic"}, {})


def sampled_text(cache: str) -> str:
    return project_text("bought", FOREST, BOOSTED, GLASS, cache=cache) + "[explain]\nmax_exact_features = 1\n"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("concurrent")
    synthetic_table().to_csv(folder / "table.csv", index=False)
    return folder


def fresh(folder: Path) -> Project:
    """The project as a new server process opens it: models from the cache, no single row kept yet."""
    return open_project(folder, sampled_text("cache").replace("[explain]\ncommon_sample_rows = 60\n", ""), start=False)


def test_permutation_values_of_rows_explained_in_threads_equal_those_explained_one_by_one() -> None:
    frame = synthetic_table()[["age", "income"]].fillna(40.0)
    background, rows = frame.iloc[:20], frame.iloc[20:36]

    def output(x: pd.DataFrame) -> np.ndarray:
        return 0.02 * x["age"].to_numpy() * np.tanh(x["income"].to_numpy() / 50)

    def one(i: int) -> np.ndarray:
        return permutation_shapley(output, background, rows.iloc[[i]], permutations=3, seed=7)[0][0]

    serial = [one(i) for i in range(len(rows))]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(one, list(range(len(rows))) * 3))
    for i, values in enumerate(threaded):
        np.testing.assert_array_equal(values, serial[i % len(rows)])


def test_what_if_and_local_rows_in_threads_equal_the_serial_ones(folder: Path) -> None:
    serial_project, threaded_project = fresh(folder), fresh(folder)
    assert threaded_project.common.jobs["Boosted"].explainer.method.startswith("shapley_permutation")
    row_ids = [str(i) for i in threaded_project.dataset.ids[:8]]
    asks = [(row_id, EDITS[i % len(EDITS)]) for i, row_id in enumerate(row_ids)]

    def ask(project: Project, row_id: str, edits: dict) -> dict:
        local = {name: project.explain_row(name, row_id, "common") for name in project.model_names}
        return {"local": local, "what_if": project.what_if(row_id, edits, "common")}

    serial = [ask(serial_project, row_id, edits) for row_id, edits in asks]
    with ThreadPoolExecutor(8) as pool:
        threaded = list(pool.map(lambda a: ask(threaded_project, *a), asks * 2))
    for i, got in enumerate(threaded):
        want = serial[i % len(asks)]
        for name, row in want["local"].items():
            np.testing.assert_array_equal(got["local"][name].values, row.values)
        assert set(got["what_if"]) == set(want["what_if"]) == {"Forest", "Boosted", "Glass box"}
        for name, (before, after) in want["what_if"].items():
            np.testing.assert_array_equal(got["what_if"][name][0].values, before.values)
            np.testing.assert_array_equal(got["what_if"][name][1].values, after.values)
            assert got["what_if"][name][1].output == after.output


def test_a_row_being_computed_does_not_hold_up_another_row(folder: Path, monkeypatch) -> None:
    project = fresh(folder)
    single, real = project.single_rows, project.single_rows._computed_row
    entered, release = threading.Event(), threading.Event()

    def slow_for_row_5(model_name: str, position: int, scale: str):
        if position == 5:
            entered.set()
            assert release.wait(WAIT_S)
        return real(model_name, position, scale)

    monkeypatch.setattr(single, "_computed_row", slow_for_row_5)
    ids = [str(i) for i in project.dataset.ids]
    slow = threading.Thread(target=project.explain_row, args=("Boosted", ids[5], "common"), daemon=True)
    slow.start()
    assert entered.wait(WAIT_S)
    other = project.explain_row("Boosted", ids[6], "common")  # answered while row 5 is still being computed
    assert other is not None and other.row_id == ids[6] and slow.is_alive()
    assert ("Boosted", 6, "common") in single.kept and ("Boosted", 5, "common") not in single.kept
    release.set()
    slow.join(WAIT_S)
    assert ("Boosted", 5, "common") in single.kept


def test_a_what_if_without_edits_reuses_the_rows_explanation_which_is_what_explaining_it_again_gives(
    folder: Path, monkeypatch
) -> None:
    project = fresh(folder)
    row_id, position = str(project.dataset.ids[9]), 9
    rows = project.dataset.features.iloc[[position]]
    again = {
        name: project.single_rows.explain_edited(name, rows, "again", project.single_rows.scale_of(name, "common"))
        for name in project.model_names
    }

    def refuse(*args, **kwargs):
        raise AssertionError("an unedited row was explained again")

    monkeypatch.setattr(project.single_rows, "explain_edited", refuse)
    results = project.what_if(row_id, {}, "common")
    assert set(results) == set(project.model_names)
    for name, (before, after) in results.items():
        assert after.row_id == f"{row_id} (edited)" and after.output == before.output
        np.testing.assert_array_equal(after.values, before.values)
        np.testing.assert_allclose(after.values, again[name].values, rtol=0, atol=1e-12)
        assert after.output == pytest.approx(again[name].output, abs=1e-12)
