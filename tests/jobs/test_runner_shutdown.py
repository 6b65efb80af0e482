"""Shutting the runner down ends its workers for good: no job makes new ones as the process exits."""

from __future__ import annotations

import threading
import time
from concurrent.futures import Executor, Future
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from portal.jobs import JobRunner, ResultStore
from tests.jobs.test_jobs import make_job


class EndedByShutdown(Executor):
    """Holds every task until shutdown, then breaks it, as a process pool whose workers were terminated does."""

    def __init__(self) -> None:
        self.futures: list[Future] = []
        self.took_task = threading.Event()

    def submit(self, fn, /, *args, **kwargs) -> Future:
        future: Future = Future()
        self.futures.append(future)
        self.took_task.set()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        for future in self.futures:
            if not future.done():
                future.set_exception(BrokenProcessPool("a worker was terminated"))


def test_after_shutdown_a_broken_pool_is_not_renewed_and_the_job_stops_resumable(tmp_path: Path) -> None:
    renewed: list[EndedByShutdown] = []

    def renew() -> EndedByShutdown:
        renewed.append(EndedByShutdown())
        return renewed[-1]

    first = EndedByShutdown()
    runner = JobRunner(ResultStore(tmp_path), first, renew=renew)
    job = make_job(1_000, tmp_path)
    runner.submit(job)
    assert first.took_task.wait(10)
    runner.shutdown()
    deadline = time.monotonic() + 10
    while runner.progress(job).state in ("queued", "running") and time.monotonic() < deadline:
        time.sleep(0.02)
    assert renewed == []  # before the fix: a fresh pool, spawning workers while the server exits
    assert runner.progress(job).state == "cancelled"  # resumed by the next submit, like a cancelled job
