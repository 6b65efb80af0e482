"""The same explanation asked for at once, by 20 threads and by 2 processes, is computed once."""

from __future__ import annotations

import subprocess
import sys
import threading
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import numpy as np

import portal.jobs._runner as jobs
from portal.jobs import ExplanationJob, JobRunner, ResultStore
from tests.jobs.test_jobs import example_rows, fake_chunk, make_job

ROOT = Path(__file__).parents[2]

PROCESS_SCRIPT = """
import sys, time
from pathlib import Path
import portal.jobs._runner as jobs
from portal.jobs._runner import JobRunner
from portal.jobs._store import ResultStore
from tests.jobs.test_jobs import fake_chunk, make_job

log = sys.argv[2]
def counting(job, positions):
    with open(log, "a") as handle:
        handle.write("chunk\\n")
    time.sleep(0.05)
    return fake_chunk(job, positions)

jobs.explain_chunk = counting
job = make_job(1_050, Path(sys.argv[3]))
runner = JobRunner(ResultStore(sys.argv[1]))
runner.submit(job)
print(runner.progress(job).state)
"""


def test_twenty_threads_asking_at_once_compute_each_chunk_once(tmp_path: Path, monkeypatch) -> None:
    counted: list[int] = []
    lock = threading.Lock()

    def counting(*args):
        with lock:
            counted.append(1)
        return fake_chunk(*args)

    monkeypatch.setattr(jobs, "explain_chunk", counting)
    rows = example_rows(tmp_path)
    job: ExplanationJob = make_job(len(rows), tmp_path)
    with ThreadPoolExecutor(2) as chunks:
        runner = JobRunner(ResultStore(tmp_path), chunks)
        start = threading.Barrier(20)

        def ask() -> None:
            start.wait()
            runner.submit(job)

        askers = [threading.Thread(target=ask) for _ in range(20)]
        for asker in askers:
            asker.start()
        for asker in askers:
            asker.join()
        deadline = threading.Event()
        while runner.progress(job).state != "done" and not deadline.wait(0.05):
            pass
    assert len(counted) == len(job.chunks()) == 11
    np.testing.assert_allclose(runner.result(job)["values"], rows.to_numpy() * 0.5)


def test_two_processes_asking_at_once_compute_each_chunk_once(tmp_path: Path) -> None:
    log = tmp_path / "chunks.log"
    example_rows(tmp_path)
    command = [sys.executable, "-c", PROCESS_SCRIPT, str(tmp_path / "cache"), str(log), str(tmp_path)]
    processes = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, text=True) for _ in range(2)]
    states = [p.communicate(timeout=120)[0].strip() for p in processes]
    assert states == ["done", "done"]
    assert log.read_text().count("chunk") == 11
