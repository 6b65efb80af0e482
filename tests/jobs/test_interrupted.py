"""A job whose process was killed (-9) shows as "interrupted", not "running", in ``cache info`` and in the
page's progress, and resumes from its committed chunks as before."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.data import write_frame
from portal.jobs import ExplanationJob, JobRunner, ResultStore, cache_info
from tests.jobs.test_cache_integrity import fake_chunk

ROOT = Path(__file__).parents[2]
SLOW_RUN = """
import sys, time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
import portal.jobs._runner as jobs
from portal.jobs import ExplanationJob, JobRunner, ResultStore
from tests.jobs.test_cache_integrity import fake_chunk

def slow(job, positions):
    if jobs.COUNT[0] >= 1:
        time.sleep(600)
    jobs.COUNT[0] += 1
    return fake_chunk(job, positions)

jobs.COUNT, jobs.explain_chunk = [0], slow
folder = Path(sys.argv[1])
path = str(folder / "rows.parquet")
job = ExplanationJob("k1", "M", "-", True, (), False, "classification", 300, path, path, chunk_rows=100)
JobRunner(ResultStore(folder / "c"), ThreadPoolExecutor(1), background=False).submit(job)
"""


def make_job(folder: Path) -> ExplanationJob:
    frame = pd.DataFrame(np.random.default_rng(1).normal(size=(300, 3)), columns=["a", "b", "c"])
    path = str(write_frame(frame, folder / "rows.parquet"))
    return ExplanationJob("k1", "M", "-", True, (), False, "classification", 300, path, path, chunk_rows=100)


def state_in_info(root: Path) -> tuple[str, int]:
    store = ResultStore(root)
    try:
        (job,) = cache_info(store).explanations or (None,)
        return ("absent", 0) if job is None else (job.state, store.get_json("job:k1").get("done", 0))
    finally:
        store.close()


def test_a_job_killed_with_9_shows_as_interrupted_and_resumes(tmp_path: Path, monkeypatch) -> None:
    job = make_job(tmp_path)
    process = subprocess.Popen([sys.executable, "-c", textwrap.dedent(SLOW_RUN), str(tmp_path)], cwd=ROOT)
    try:
        deadline = time.monotonic() + 120
        while state_in_info(tmp_path / "c") != ("running", 1):
            assert process.poll() is None and time.monotonic() < deadline, "the job never got going"
            time.sleep(0.1)
        assert JobRunner(ResultStore(tmp_path / "c")).progress(job).state == "running"  # alive: still running
        os.kill(process.pid, signal.SIGKILL)
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait(timeout=30)
    assert state_in_info(tmp_path / "c") == ("interrupted", 1)
    runner = JobRunner(ResultStore(tmp_path / "c"))
    progress = runner.progress(job)
    assert (progress.state, progress.done, progress.total) == ("interrupted", 1, 3)
    monkeypatch.setattr(jobs, "explain_chunk", fake_chunk)
    runner.submit(job)  # resumes as today: from the committed chunk
    assert runner.progress(job).state == "done"
    expected = np.asarray(fake_chunk({"data_path": job.data_path}, list(range(300)))["values"])
    np.testing.assert_array_equal(np.asarray(runner.result(job)["values"]), expected)


@pytest.mark.parametrize("state", ["queued", "running", "cancelling"])
def test_a_live_record_of_a_dead_process_is_interrupted(tmp_path: Path, state: str) -> None:
    store = ResultStore(tmp_path / "c")
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    store.set_json("job:k1", {"state": state, "model_name": "M", "pid": int(dead.stdout), "host": os.uname().nodename})
    assert cache_info(store).explanations[0].state == "interrupted"


def test_a_queued_job_of_a_live_process_is_not_interrupted(tmp_path: Path) -> None:
    store = ResultStore(tmp_path / "c")
    store.set_json("job:k1", {"state": "queued", "model_name": "M", "pid": os.getpid(), "host": os.uname().nodename})
    assert cache_info(store).explanations[0].state == "queued"
