"""A throwaway redis-server for tests of the Celery path: a free loopback port, persistence off.

Without redis-server installed the tests that need it are skipped with the reason, except in CI
(``CI`` set), where that is a failure: scripts/test.sh installs it.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis

MISSING = "redis-server is not installed (apt-get install redis-server)"


def redis_server_path() -> str:
    """The redis-server binary; skips the test without one (fails it in CI)."""
    found = shutil.which("redis-server") or ("/usr/bin/redis-server" if os.path.exists("/usr/bin/redis-server") else "")
    if found:
        return found
    if os.environ.get("CI"):
        pytest.fail(f"{MISSING}: scripts/test.sh should have installed it", pytrace=False)
    pytest.skip(MISSING)


@contextmanager
def redis_server(directory: Path, attempts: int = 3) -> Iterator[str]:
    """Run redis-server on a free port until the block ends; yields its URL (database 0)."""
    binary = redis_server_path()
    for _ in range(attempts):  # another process may take the free port before the server binds it
        port = _free_port()
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
        process = subprocess.Popen([*command, "--dir", str(directory)], stdout=subprocess.DEVNULL)
        if _answers(port, process):
            break
        _stop(process)
    else:
        raise RuntimeError(f"redis-server did not start on a free port in {attempts} attempts")
    try:
        yield f"redis://127.0.0.1:{port}/0"
    finally:
        _stop(process)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _answers(port: int, process: subprocess.Popen, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and process.poll() is None:
        try:
            with redis.Redis(host="127.0.0.1", port=port, socket_timeout=1) as client:
                return bool(client.ping())
        except redis.ConnectionError:
            time.sleep(0.05)
    return False


def _stop(process: subprocess.Popen) -> None:
    process.terminate()
    try:
        process.wait(10)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()
