"""Where a job's tasks run: local worker processes (the embedded default) or inline, for tests.

:class:`LocalPool` spawns its workers when it is made and warms each one (imports, numba's compiled
TreeSHAP kernels) before it takes a task, so the server starts them while it opens the project and the
first chunk of a job pays none of it; :meth:`LocalPool.wait_warm` says when they are ready. Workers
use one thread each (TreeSHAP and BLAS): the pool's processes already fill the cores. The Celery
executor (:mod:`portal.jobs.celery_runner`) is the third implementation of the same ``Executor`` interface.
"""

from __future__ import annotations

import multiprocessing
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from typing import Any

import numpy as np

_watching = 0  # the process whose parent end_with_parent() watches (a fork copies it: compare with getpid)


class InlineExecutor(Executor):
    """Runs each task at once in the caller: the in-memory twin of a process pool, for tests."""

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args, **kwargs))
        except BaseException as error:  # handed to the caller through the future, as a pool would
            future.set_exception(error)
        return future


#: How long ending the pool waits for its manager thread, which ends once the terminated workers have.
MANAGER_JOIN_S = 5.0


class LocalPool(ProcessPoolExecutor):
    """Worker processes started fresh ('spawn'), safe beside the server's threads, warmed as they start.

    Each worker exits on its own when the server process goes away, however it ended (even kill -9),
    so no orphan keeps computing; committed chunks stay on disk for the next start.
    """

    def __init__(self, max_workers: int = 2) -> None:
        context = multiprocessing.get_context("spawn")
        super().__init__(max_workers, mp_context=context, initializer=_start_worker, initargs=(os.getpid(),))
        self._workers = max_workers
        with _sigint_ignored():  # spawned with Ctrl+C ignored, so one mid-start kills no import with a traceback
            for _ in range(max_workers):  # start every worker now, while the server trains or loads its models
                self.submit(os.getpid)

    def wait_warm(self, timeout: float = 300.0) -> bool:
        """Block until every worker has warmed up (False after ``timeout`` seconds).

        A worker warms up before it takes any task, so each one that answers is warm; the short pause
        in each answer keeps one warm worker from taking every question.
        """
        deadline, answered = time.monotonic() + timeout, set()
        while len(answered) < self._workers:
            futures = [self.submit(_answer, 0.05) for _ in range(self._workers)]
            finished, _ = wait(futures, timeout=max(0.0, deadline - time.monotonic()))
            answered |= {f.result() for f in finished}
            if len(finished) < len(futures):
                return False
        return True


def local_process_pool(max_workers: int = 2) -> LocalPool:
    """The embedded default: ``max_workers`` local processes, started and warming up at once."""
    return LocalPool(max_workers)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """Ctrl+C reaches the whole process group, and the parent ends its workers itself: a child spawned while
    SIGINT is ignored keeps ignoring it (Python installs its handler only over the default)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def _start_worker(parent_pid: int) -> None:
    from threadpoolctl import threadpool_limits

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl+C reaches the whole group: the parent ends us, no traceback
    os.environ.setdefault("PORTAL_TREESHAP_THREADS", "1")  # the pool's processes already fill the cores
    end_with_parent(parent_pid)
    threadpool_limits(1)  # BLAS too: the pool's processes fill the cores, and extra BLAS threads only spin
    try:
        warm_up()
    except Exception:  # the same error comes back, named, from the first chunk that needs it
        pass


def _answer(pause: float) -> int:
    time.sleep(pause)
    return os.getpid()


def warm_up() -> None:
    """Import what every chunk needs and load the compiled TreeSHAP kernels from numba's cache.

    About 3-4 s a worker: shap, scikit-learn, interpret, then 0.3-0.6 s for the kernels, which would
    otherwise fall on a job's first chunk.
    """
    from sklearn.ensemble import RandomForestRegressor

    import portal.explain  # noqa: F401
    from portal.explain.treeshap import TreeEnsemble, shap_values

    rows = np.arange(8.0).reshape(4, 2)
    forest = RandomForestRegressor(n_estimators=1, max_depth=2, random_state=0).fit(rows, [0.0, 1.0, 0.0, 1.0])
    shap_values(TreeEnsemble.from_model(forest), rows, n_threads=1)  # the decision tables' kernels
    shap_values(TreeEnsemble.from_model(forest, tables=False), rows, n_threads=1)  # the sweeps'


def shutdown_executor(pool: Executor) -> None:
    """Cancel queued chunks and end the workers now, mid-chunk if need be (nothing half-written is kept).

    The processes are taken before ``shutdown``, which forgets them: taken after, none was ever terminated, and a
    command that failed on its data waited 10-18 s at exit for workers still warming up to finish.
    """
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public API before 3.14
    manager = getattr(pool, "_executor_manager_thread", None)  # ``shutdown`` forgets it too
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.terminate()
    if manager is not None:  # let it close its wake-up pipe now: at exit, Python 3.11 may write to it as it closes
        manager.join(timeout=MANAGER_JOIN_S)  # (EBADF, "Exception ignored in threading" and a traceback)


def end_with_parent(parent_pid: int | None = None, every: float = 1.0) -> None:
    """Make this process exit once its parent (``parent_pid``, by default the present one) is gone.

    For worker processes of every kind: the local pool's (which pass the server's pid, so a server that died
    before the worker started is noticed too), the process Dash's DiskcacheManager starts per background
    callback, and a Celery pool process. Without it they would keep computing after the server that started
    them stopped, however it stopped (even kill -9); what they had not stored is simply computed again, and
    committed chunks stay on disk. The watch holds while a C extension keeps the GIL, so the process ends
    after the chunk in progress. Once per process: a Celery pool process runs many callbacks.
    """
    global _watching
    if _watching == os.getpid():
        return
    _watching, parent = os.getpid(), parent_pid or os.getppid()

    def watch() -> None:
        while os.getppid() == parent:
            time.sleep(every)
        os._exit(0)

    threading.Thread(target=watch, daemon=True, name="end-with-parent").start()
