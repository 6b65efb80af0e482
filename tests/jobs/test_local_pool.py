"""The local pool's end: shutting it down terminates its workers at once, even those still warming up."""

from __future__ import annotations

import signal

from portal.jobs import local_process_pool
from portal.jobs._local import shutdown_executor


def test_shutdown_terminates_workers_that_are_still_starting() -> None:
    """Taken after ``shutdown`` (which forgets them), the processes were never terminated: they warmed up,
    answered, and only then exited on their own, with code 0. Terminated, they end by SIGTERM."""
    pool = local_process_pool(2)
    processes = list(pool._processes.values())
    assert len(processes) == 2
    shutdown_executor(pool)
    for process in processes:
        process.join(timeout=60)
    assert [process.exitcode for process in processes] == [-signal.SIGTERM] * 2
