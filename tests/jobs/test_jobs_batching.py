"""The runner's stratified row order, tasks sized to the model's speed, and its cheap bookkeeping."""

from __future__ import annotations

from dataclasses import asdict, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.data import order_beside
from portal.jobs import BatchSizer, JobRunner, ResultStore, local_process_pool
from tests.jobs.test_jobs import example_rows, fake_chunk, make_job

#: 1,050 rows: 84 % class 0, 15 % class 1, 1 % class 2 (11 rows).
CLASSES = np.repeat([0, 1, 2], [882, 157, 11])


@pytest.fixture
def rows(tmp_path: Path) -> pd.DataFrame:
    return example_rows(tmp_path)


def stratified_job(folder: Path):
    y = np.random.default_rng(9).permutation(CLASSES)
    order = order_beside(folder / "rows.parquet", y, "classification", seed=0)
    return replace(make_job(len(y), folder), order_path=str(order)), y


def stop_after(calls: int):
    def chunk(job, positions):
        chunk.calls += 1
        if chunk.calls > calls:
            raise RuntimeError("stop here")
        return fake_chunk(job, positions)

    chunk.calls = 0
    return chunk


def test_the_first_chunks_are_a_stratified_sample_and_a_resume_keeps_the_order(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    job, y = stratified_job(tmp_path)
    monkeypatch.setattr(jobs, "explain_chunk", stop_after(1))
    runner = JobRunner(ResultStore(tmp_path), window=1)
    runner.submit(job)
    positions, arrays = runner.partial(job)
    share = np.bincount(CLASSES, minlength=3) / len(CLASSES) * len(positions)
    assert len(positions) == 100 and np.all(np.abs(np.bincount(y[positions], minlength=3) - share) < 1)
    assert np.bincount(y[positions], minlength=3)[2] == 1  # the 1 % class is in the first view
    np.testing.assert_allclose(arrays["values"], rows.to_numpy()[positions] * 0.5)

    monkeypatch.setattr(jobs, "explain_chunk", stop_after(2))
    JobRunner(ResultStore(tmp_path), window=1).submit(job)  # resumes: chunks 2 and 3
    positions, _ = runner.partial(job)
    np.testing.assert_array_equal(positions, job.row_order()[:300])
    assert np.all(np.abs(np.bincount(y[positions], minlength=3) - share * 3) < 1)

    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner.submit(job)
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_chunks_of_another_order_are_never_mixed_in(tmp_path: Path, rows: pd.DataFrame, monkeypatch) -> None:
    job, _ = stratified_job(tmp_path)
    random_order = replace(job, order_path="")
    assert job.layout() != random_order.layout() == "100-rows-seed-0"
    monkeypatch.setattr(jobs, "explain_chunk", stop_after(3))
    JobRunner(ResultStore(tmp_path), window=1).submit(random_order)  # 3 chunks of a random order
    counted: list[int] = []
    monkeypatch.setattr(jobs, "explain_chunk", lambda *a: counted.append(1) or fake_chunk(*a))
    runner = JobRunner(ResultStore(tmp_path))
    runner.submit(job)
    assert len(counted) == 11  # none of them reused under the stratified order
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def timed_chunk(rows_per_second: float):
    """fake_chunk that reports the seconds a model of this speed would have taken, and logs task sizes."""

    def chunk(job, positions):
        chunk.sizes.append(len(positions))
        return {**fake_chunk(job, positions), "seconds": np.float64(len(positions) / rows_per_second)}

    chunk.sizes = []
    return chunk


def test_a_fast_model_gets_several_chunks_a_task_and_each_chunk_is_committed(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    chunk = timed_chunk(rows_per_second=400)  # 100-row chunks of 0.25 s: four make the 1 s target
    monkeypatch.setattr(jobs, "explain_chunk", chunk)
    runner, job = JobRunner(ResultStore(tmp_path), task_seconds=1.0), make_job(len(rows), tmp_path)
    runner.submit(job)
    assert chunk.sizes == [100, 100, 400, 400, 50]  # one chunk while the speed is unknown, then 1 s of work
    assert runner.progress(job).done == 11
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_a_slow_model_and_a_worker_that_reports_no_time_keep_one_chunk_a_task(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    slow = timed_chunk(rows_per_second=50)  # a chunk takes 2 s: past the target alone
    monkeypatch.setattr(jobs, "explain_chunk", slow)
    JobRunner(ResultStore(tmp_path / "a"), task_seconds=1.0).submit(make_job(len(rows), tmp_path))
    assert slow.sizes == [100] * 10 + [50]
    silent: list[int] = []
    monkeypatch.setattr(jobs, "explain_chunk", lambda job, positions: silent.append(1) or fake_chunk(job, positions))
    JobRunner(ResultStore(tmp_path / "b"), task_seconds=1.0).submit(make_job(len(rows), tmp_path))
    assert len(silent) == 11


def test_a_failed_task_keeps_the_chunks_committed_before_it(tmp_path: Path, rows: pd.DataFrame, monkeypatch) -> None:
    chunk = timed_chunk(rows_per_second=10_000)

    def third_fails(job, positions):
        if len(chunk.sizes) == 2:
            chunk.sizes.append(len(positions))
            raise RuntimeError("worker lost")
        return chunk(job, positions)

    monkeypatch.setattr(jobs, "explain_chunk", third_fails)
    runner, job = JobRunner(ResultStore(tmp_path), task_seconds=1.0, window=1), make_job(len(rows), tmp_path)
    runner.submit(job)
    assert runner.progress(job).done == 5 and runner.progress(job).state == "failed"  # tasks of 1 and 4 chunks
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner.submit(job)
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_a_task_grows_at_most_fourfold_and_up_to_max_chunks() -> None:
    sizer = BatchSizer(chunk_rows=100, target_seconds=1.0, max_chunks=20)
    assert sizer.next_size(50) == 1
    sizer.record(100, 0.001)  # a very fast model
    assert [sizer.next_size(50) for _ in range(3)] == [4, 16, 20]
    assert sizer.next_size(3) == 3


def test_reading_a_result_stamps_it_as_used_at_most_once_a_minute(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    store = ResultStore(tmp_path)
    runner, job = JobRunner(store), make_job(len(rows), tmp_path)
    runner.submit(job)
    writes: list[dict] = []
    original = store.set_json
    monkeypatch.setattr(store, "set_json", lambda key, value: writes.append(value) or original(key, value))
    for _ in range(5):
        runner.result(job)
    assert len(writes) == 1 and "used" in writes[0]
    runner._used[job.key] -= jobs.USED_EVERY  # a minute later
    runner.result(job)
    assert len(writes) == 2


def test_a_local_pool_reports_when_its_workers_are_warm() -> None:
    pool = local_process_pool(1)
    try:
        assert pool.wait_warm(timeout=120)
        assert pool.wait_warm(timeout=1)  # and stays so for the next caller
    finally:
        jobs.shutdown_executor(pool)


def test_a_task_explains_its_rows_in_data_order_and_returns_them_in_its_own(tmp_path: Path) -> None:
    from sklearn.ensemble import GradientBoostingClassifier

    from models.persistence import save_model
    from portal.data import read_frame, write_frame
    from portal.explain import explainer_for

    rng = np.random.default_rng(0)
    features = pd.DataFrame({"x": rng.normal(size=300), "z": rng.integers(0, 3, 300).astype(float)})
    model = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(features, features["x"] > 0)
    save_model(model, tmp_path / "model.skops")
    write_frame(features, tmp_path / "rows.parquet")
    job = replace(make_job(300, tmp_path), key="real", model_path=str(tmp_path / "model.skops"))
    positions = [250, 3, 120, 7, 299, 0]
    arrays = jobs.explain_chunk(asdict(job), positions)
    expected = explainer_for(model, task="classification", background=features).explain(
        read_frame(str(tmp_path / "rows.parquet")).iloc[positions]
    )
    np.testing.assert_array_equal(arrays["values"], expected.values)
    np.testing.assert_array_equal(arrays["outputs"], expected.outputs)
    assert float(arrays["seconds"]) > 0
