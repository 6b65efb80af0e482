"""The lock a job's process holds, and whether a job a record calls live still has one: "interrupted" if not.

Why the lock and not only the pid: the process that runs a job holds :func:`portal.jobs.job_lock` on it, and
the OS drops that lock when the process dies, even by kill -9, so a free lock under a "running" record is
proof. A "queued" job waits for a slot before it takes the lock, so for it the recorded pid decides (on this
machine; another machine's process cannot be asked, so it is taken as alive).
"""

from __future__ import annotations

import fcntl
import os
import socket
from collections.abc import Mapping
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from portal.jobs._private import private_mkdirs

LIVE = ("queued", "running", "cancelling")  # states whose process must still be there
LOCK = ".lock"


@contextmanager
def job_lock(directory: Path):
    """An exclusive lock on a job across processes; the OS drops it if the holder dies (even kill -9)."""
    private_mkdirs(directory)
    with os.fdopen(os.open(directory / LOCK, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600), "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def is_interrupted(record: Mapping[str, Any], job_dir: Path) -> bool:
    """True when ``record`` says the job is live but no process is computing it (it died, e.g. killed -9)."""
    if record.get("state") not in LIVE or lock_held(job_dir / LOCK):
        return False
    return record.get("state") != "queued" or not process_alive(record)


def lock_held(path: Path) -> bool:
    """Whether some process holds the job's lock (a probe with a shared, non-blocking lock)."""
    try:
        handle = open(path, "rb")
    except OSError:
        return False  # no lock file: nobody ever took it
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
        return False


def process_alive(record: Mapping[str, Any]) -> bool:
    pid, host = record.get("pid"), record.get("host")
    if host and host != socket.gethostname():
        return True
    if not isinstance(pid, int) or pid <= 0:
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process with that pid: alive
    return True


def owner() -> dict[str, Any]:
    """What a live record carries so another process can tell whether its owner still runs."""
    return {"pid": os.getpid(), "host": socket.gethostname()}
