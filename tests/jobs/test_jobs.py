"""Chunked jobs: progress, resume after a failure, and the same values as an uninterrupted run."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.data import read_frame, write_frame
from portal.jobs import ExplanationJob, JobRunner, ResultStore


def fake_chunk(job: dict, positions: list[int]) -> dict[str, np.ndarray]:
    """A stand-in for the engine: contributions that depend only on each row's values."""
    rows = read_frame(job["data_path"]).iloc[positions]
    values = rows.to_numpy(dtype=float) * 0.5
    return {"values": values, "base_values": np.ones(len(rows)), "outputs": 1 + values.sum(axis=1)}


@pytest.fixture
def rows(tmp_path: Path) -> pd.DataFrame:
    return example_rows(tmp_path)


def example_rows(folder: Path) -> pd.DataFrame:
    frame = pd.DataFrame(np.random.default_rng(1).normal(size=(1_050, 3)), columns=["a", "b", "c"])
    write_frame(frame, folder / "rows.parquet")
    return frame


def make_job(n_rows: int, folder: Path) -> ExplanationJob:
    return ExplanationJob(
        key="k1",
        model_name="M",
        model_path="-",
        own_model=True,
        trusted=(),
        trust_code=False,
        task="classification",
        n_rows=n_rows,
        data_path=str(folder / "rows.parquet"),
        background_path=str(folder / "rows.parquet"),
        chunk_rows=100,
    )


def test_a_job_runs_every_chunk_and_restores_data_order(tmp_path: Path, rows: pd.DataFrame, monkeypatch) -> None:
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner, job = JobRunner(ResultStore(tmp_path)), make_job(len(rows), tmp_path)
    assert runner.progress(job).state == "pending" and runner.result(job) is None
    runner.submit(job)
    progress = runner.progress(job)
    assert (progress.done, progress.total, progress.state) == (11, 11, "done")
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_after_a_failure_only_missing_chunks_rerun_and_values_match(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    calls: list[int] = []

    def failing_on_fifth(job, positions):
        calls.append(len(calls))
        if len(calls) == 5:
            raise RuntimeError("worker lost\nsecond line")
        return fake_chunk(job, positions)

    monkeypatch.setattr(jobs, "explain_chunk", failing_on_fifth)
    runner, job = JobRunner(ResultStore(tmp_path)), make_job(len(rows), tmp_path)
    runner.submit(job)
    failed = runner.progress(job)
    assert failed.state == "failed" and failed.error == "RuntimeError: worker lost"
    assert failed.done == 5  # chunks in flight beside the failed one are kept; no new ones start

    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    resumed = JobRunner(ResultStore(tmp_path))
    calls.clear()
    counted: list[int] = []
    monkeypatch.setattr(jobs, "explain_chunk", lambda *a: counted.append(1) or fake_chunk(*a))
    resumed.submit(job)
    assert len(counted) == 11 - 5 and resumed.progress(job).state == "done"
    np.testing.assert_allclose(resumed.result(job)["values"], rows.to_numpy() * 0.5)


def test_a_finished_job_is_not_computed_again(tmp_path: Path, rows: pd.DataFrame, monkeypatch) -> None:
    counted: list[int] = []
    monkeypatch.setattr(jobs, "explain_chunk", lambda *a: counted.append(1) or fake_chunk(*a))
    job = make_job(len(rows), tmp_path)
    JobRunner(ResultStore(tmp_path)).submit(job)
    JobRunner(ResultStore(tmp_path)).submit(job)
    assert len(counted) == 11


def test_a_cancelled_job_stops_early_keeps_its_chunks_and_resumes(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    import threading
    import time
    from concurrent.futures import ThreadPoolExecutor

    started = threading.Event()

    def slow(*args):
        started.set()
        time.sleep(0.1)
        return fake_chunk(*args)

    monkeypatch.setattr(jobs, "explain_chunk", slow)
    job = make_job(len(rows), tmp_path)
    with ThreadPoolExecutor(2) as pool:
        runner = JobRunner(ResultStore(tmp_path), pool)
        runner.submit(job)
        started.wait(5)
        runner.cancel(job)
        while runner.progress(job).state not in ("cancelled", "done"):
            time.sleep(0.02)
        stopped = runner.progress(job)
        assert stopped.state == "cancelled" and 0 < stopped.done < 11
        runner.submit(job)
        while runner.progress(job).state != "done":
            time.sleep(0.02)
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_partial_results_are_a_growing_random_sample_that_ends_as_the_full_result(
    tmp_path: Path, rows: pd.DataFrame, monkeypatch
) -> None:
    def failing_after_three(job, positions):
        failing_after_three.calls += 1
        if failing_after_three.calls > 3:
            raise RuntimeError("stop here")
        return fake_chunk(job, positions)

    failing_after_three.calls = 0
    monkeypatch.setattr(jobs, "explain_chunk", failing_after_three)
    runner, job = JobRunner(ResultStore(tmp_path), window=1), make_job(len(rows), tmp_path)
    assert runner.partial(job) is None
    runner.submit(job)
    positions, arrays = runner.partial(job)
    assert len(positions) == 300 and len(set(positions)) == 300
    assert positions.max() > 900  # a sample from across the data, not its first rows
    np.testing.assert_allclose(arrays["values"], rows.to_numpy()[positions] * 0.5)
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner.submit(job)
    positions, arrays = runner.partial(job)
    np.testing.assert_array_equal(positions, np.arange(len(rows)))
