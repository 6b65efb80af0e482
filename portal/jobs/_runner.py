"""Explanation jobs: rows split into chunks, each an independent task, committed as it finishes.

A job's chunks run on an :class:`concurrent.futures.Executor` (:mod:`portal.jobs`): a warm process
pool by default (each worker loads the model from its skops file and rebuilds the explainer once), or
:class:`InlineExecutor` in tests. Rows are taken in a seeded order whose every prefix is a sample
stratified by the target (:mod:`portal.data`), so the first chunks already show every class in
proportion. A task may carry several chunks of a fast model (:mod:`portal.jobs`); each finished
chunk is written atomically and counted in the job's state, which lives in the store on the server: a
restart skips committed chunks and resumes, and the values equal an uninterrupted run. Progress is
chunks done / chunks total.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from concurrent.futures import FIRST_COMPLETED, Executor, Future, wait
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import numpy as np

from portal.data import read_order
from portal.jobs._batching import BatchSizer
from portal.jobs._liveness import is_interrupted, job_lock, owner
from portal.jobs._local import (  # noqa: F401 - the pool is made through this module
    InlineExecutor,
    LocalPool,
    local_process_pool,
    shutdown_executor,
    warm_up,
)
from portal.jobs._store import ResultStore
from portal.results import JobProgress

ARRAY_NAMES = ("values", "base_values", "outputs")
#: Seconds of engine work a local worker's task aims at (JobRunner ``task_seconds``): the 20-50 ms a
#: call costs besides its rows (the preparation's checks, indexing) is then 1-2 %, and a cancel or a
#: job beside it waits about this long.
TASK_SECONDS = 2.0
USED_EVERY = 60.0  # seconds: result() stamps a key as used at most this often
ASSEMBLY_TRIES = 3  # a chunk that fails its check while the job assembles is computed again, this many times
DAMAGED_AGAIN = "a chunk failed its check {tries} times as it was read back; see quarantine/ in the cache"


@dataclass(frozen=True)
class ExplanationJob:
    """Everything a worker needs to explain rows of one model, as plain values."""

    key: str
    model_name: str
    model_path: str
    own_model: bool
    trusted: tuple[str, ...]
    trust_code: bool  # the user allowed a pickle/joblib file
    task: str
    n_rows: int
    data_path: str  # Parquet file of the model inputs (see portal.data)
    background_path: str  # Parquet file of the background rows
    chunk_rows: int = 500
    seed: int = 0
    scale: str = "native"  # or "common": every classifier in probability (see portal.explain)
    order_path: str = ""  # .npy of the row order, a stratified sample first (portal.data); "" = random
    max_exact_features: int = 10  # [explain]: the model-agnostic method is exact up to this many columns (Budget)

    def row_order(self) -> np.ndarray:
        """The order chunks take rows in: every prefix is a seeded sample, stratified when ``order_path`` is set."""
        if self.order_path:
            return read_order(self.order_path, self.n_rows)
        return np.random.default_rng(self.seed).permutation(self.n_rows)

    def layout(self) -> str:
        """Names the chunking, so a resume with another chunk size or order never mixes chunks."""
        order = Path(self.order_path).stem if self.order_path else f"seed-{self.seed}"
        return f"{self.chunk_rows}-rows-{order}"

    def chunks(self) -> list[tuple[int, int]]:
        return [(start, min(start + self.chunk_rows, self.n_rows)) for start in range(0, self.n_rows, self.chunk_rows)]


class JobRunner:
    """Runs explanation jobs chunk by chunk, once per key, and reports their progress."""

    def __init__(
        self,
        store: ResultStore,
        executor: Executor | None = None,
        *,
        background: bool = True,
        max_jobs: int = 4,
        window: int = 2,
        renew: Callable[[], Executor] | None = None,
        max_restarts: int = 3,
        size_limit: int | None = None,
        task_seconds: float | None = None,
    ) -> None:
        """``renew`` makes a fresh executor when a worker process dies; each job tolerates ``max_restarts``.

        ``task_seconds`` gives a task several chunks of a fast model, about that many seconds of work
        (see :mod:`portal.jobs`); None keeps one chunk a task.
        """
        self.task_seconds = task_seconds
        self._used: dict[str, float] = {}  # when result() last stamped each key as used
        self.store = store
        self.executor = executor or InlineExecutor()
        self.renew = renew
        self.max_restarts = max_restarts
        self.size_limit = size_limit  # bytes; finished results beyond it are evicted, least recently used first
        self.background = background and not isinstance(self.executor, InlineExecutor)
        self._lock = threading.Lock()
        self._active: set[str] = set()
        self._cancelled: set[str] = set()
        self._slots = threading.BoundedSemaphore(max_jobs)  # the cap on jobs running at once
        self.window = window
        self._closed = False  # set by shutdown(): no executor is made again, jobs stop where they are

    def submit(self, job: ExplanationJob) -> None:
        """Start ``job`` unless it is finished (its result checked: a damaged one is set aside and computed
        again, so no command or page takes it as done) or already running; returns at once in background mode."""
        with self._lock:
            if job.key in self._active or self._stored(job)[0] is not None:
                return
            self._active.add(job.key)
        self._set_state(job, state="queued", model_name=job.model_name, n_rows=job.n_rows, scale=job.scale, **owner())
        if self.background:
            threading.Thread(target=self._run, args=(job,), daemon=True, name=f"job-{job.model_name}").start()
        else:
            self._run(job)

    def progress(self, job: ExplanationJob) -> JobProgress:
        """Chunks done of the total, the state ("interrupted" when the process running it died), and the
        error, or the line that said a damaged result was set aside and is being computed again."""
        total = len(job.chunks())
        if self.result_dir(job).is_dir():
            return JobProgress(job.model_name, total, total, "done")
        state = self.store.get_json(_state_key(job.key)) or {}
        name = state.get("state", "pending")
        if job.key not in self._active and is_interrupted(state, self.store.array_dir(job.key)):
            name = "interrupted"  # resumed by submit() as a cancelled job is
        said = state.get("error") or state.get("note", "")
        return JobProgress(job.model_name, state.get("done", 0), total, name, said)

    def result(self, job: ExplanationJob) -> dict[str, np.ndarray] | None:
        """The finished arrays in data order, memory-mapped; None until the job is done. One that fails its checks
        is set aside and computed again (at once inline; in the background otherwise, its progress saying why)."""
        arrays, set_aside = self._stored(job)
        if set_aside:
            self.submit(job)
            arrays = None if self.background else self._stored(job)[0]
        now = time.time()
        if arrays is not None and now - self._used.get(job.key, 0.0) >= USED_EVERY:
            self._used[job.key] = now  # for least-recently-used eviction; an index write per read would cost
            self._set_state(job, used=now, model_name=job.model_name, n_rows=job.n_rows, scale=job.scale)
        return arrays

    def _stored(self, job: ExplanationJob) -> tuple[dict[str, np.ndarray] | None, bool]:
        """The checked result, or None; and whether this call set a damaged one aside (its state says so)."""
        directory = self.result_dir(job)
        existed = directory.is_dir()
        arrays = self.store.read_arrays(directory, ARRAY_NAMES)
        if arrays is None and existed:
            self._set_state(job, state="pending", done=0, note=self.store.note(directory))
        elif arrays is not None and self.job_state(job).get("model_name", "?") == "?":  # a rebuilt index's record
            self._set_state(job, state="done", model_name=job.model_name, n_rows=job.n_rows, scale=job.scale)
        return arrays, arrays is None and existed

    def partial(self, job: ExplanationJob) -> tuple[np.ndarray, dict[str, np.ndarray]] | None:
        """The chunks committed so far: (row positions, arrays in that order), or None if none yet.

        Rows are taken in a seeded, stratified order, so this is a sample of the data from the first
        chunk on: global views can be drawn from it while the rest is computed.
        """
        full = self.result(job)
        if full is not None:
            return np.arange(job.n_rows), full
        order, bounds = job.row_order(), job.chunks()
        read = {i: self.store.read_arrays(self._chunk_dir(job, i), ARRAY_NAMES) for i in range(len(bounds))}
        committed = [i for i, arrays in read.items() if arrays is not None]  # a damaged chunk is set aside
        if not committed:
            return None
        parts = [read[i] for i in committed]
        positions = np.concatenate([order[slice(*bounds[i])] for i in committed])
        return positions, {n: np.concatenate([np.asarray(p[n]) for p in parts]) for n in ARRAY_NAMES}

    def result_dir(self, job: ExplanationJob) -> Path:
        return self.store.array_dir(job.key, "result")

    def cancel(self, job: ExplanationJob) -> None:
        """Stop a job after the chunks already running; what was committed stays for a later resume."""
        with self._lock:
            if job.key in self._active:
                self._cancelled.add(job.key)
                self._set_state(job, state="cancelling")  # shown at once; chunks in flight still finish

    def job_state(self, job: ExplanationJob) -> dict[str, Any]:
        """The raw state record: counts, state, error, and timings of the run that finished it."""
        return self.store.get_json(_state_key(job.key)) or {}

    def _run(self, job: ExplanationJob) -> None:
        ending: dict[str, Any] = {}
        try:
            with self._slots, job_lock(self.store.array_dir(job.key)):
                if not self.result_dir(job).is_dir():  # another process may have finished it meanwhile
                    started = time.time()
                    for _ in range(ASSEMBLY_TRIES):  # again if a chunk failed its check as it was read back
                        self._run_chunks(job)
                        if self._assemble(job, seconds=time.time() - started):
                            break
                    else:
                        raise RuntimeError(DAMAGED_AGAIN.format(tries=ASSEMBLY_TRIES))
        except JobCancelled:
            ending = {"state": "cancelled"}
        except Exception as error:
            ending = {"state": "failed", "error": _describe(error)}
        finally:
            with self._lock:  # the end state and leaving the active set are one step for submit()
                if ending:
                    self._set_state(job, **ending)
                self._active.discard(job.key)
                self._cancelled.discard(job.key)

    def _run_chunks(self, job: ExplanationJob) -> None:
        """Feed the job's missing chunks to the executor, a few tasks at a time, committing each as it ends.

        Keeping only ``window`` tasks in flight per job lets several jobs share the workers fairly:
        a fast model's explanation is not stuck behind every chunk of a slow one.
        """
        order, bounds = job.row_order(), job.chunks()
        pending = [i for i in range(len(bounds)) if not self._chunk_dir(job, i).is_dir()]
        done = len(bounds) - len(pending)
        self._set_state(job, state="running", done=done)
        sizer = BatchSizer(job.chunk_rows, self.task_seconds)
        in_flight: dict[Future, list[int]] = {}
        broken_by: dict[Future, Executor] = {}
        failure: BaseException | None = None
        restarts = 0
        while pending or in_flight:
            while pending and len(in_flight) < self.window and failure is None:
                size = sizer.next_size(len(pending))
                take, pending = pending[:size], pending[size:]
                executor = self.executor
                positions = np.concatenate([order[slice(*bounds[i])] for i in take]).tolist()
                future = executor.submit(explain_chunk, asdict(job), positions)
                in_flight[future], broken_by[future] = take, executor
            finished, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            for future in finished:
                indices = in_flight.pop(future)
                error = future.exception()
                if isinstance(error, BrokenProcessPool) and restarts < self.max_restarts and self.renew:
                    pending[:0] = indices  # a worker died mid-task: run its chunks again on new workers
                    restarts += self._renew_executor(future, broken_by)
                    if self._closed:  # the workers were ended on purpose: stop here, resumable
                        failure, pending = failure or JobCancelled(), []
                elif error is not None:
                    failure = failure or error  # keep committing chunks that did finish: nothing is lost
                else:
                    done += self._commit(job, indices, future.result(), sizer)
                    self._set_state(job, state="cancelling" if job.key in self._cancelled else "running", done=done)
            if job.key in self._cancelled:
                failure, pending = failure or JobCancelled(), []
            if failure is not None:
                pending = []
        if failure is not None:
            raise failure

    def _commit(self, job: ExplanationJob, indices: list[int], arrays: dict[str, Any], sizer: BatchSizer) -> int:
        """Write a task's rows back as its chunks, each an atomic commit of its own; returns how many."""
        bounds, start = job.chunks(), 0
        for i in indices:
            rows = bounds[i][1] - bounds[i][0]
            part = {name: np.asarray(arrays[name])[start : start + rows] for name in ARRAY_NAMES}
            self.store.write_arrays(self._chunk_dir(job, i), part)
            start += rows
        seconds = arrays.get("seconds")
        sizer.record(start, None if seconds is None else float(seconds))
        return len(indices)

    def _renew_executor(self, future: Future, broken_by: dict[Future, Executor]) -> int:
        """Replace the executor the future ran on if it is still the current one; 1 if this job renewed it."""
        broken = broken_by.pop(future)
        with self._lock:
            if self.executor is not broken or self._closed:
                return 0  # another job already replaced it, or the runner is shutting down
            self.executor = self.renew()
        shutdown_executor(broken)
        return 1

    def shutdown(self) -> None:
        """Stop the current executor's workers (the server is going away), and make no new ones.

        Ending the workers breaks the futures of chunks in flight, which looks like a worker that died: a job
        renewing the executor then would spawn workers as the process exits, and a child whose parent is gone
        before it has read its start-up data prints a traceback (``EOFError``) after "stopping". Taken under the
        lock, a renewal already under way finishes first and its workers are the ones ended here.
        """
        with self._lock:
            self._closed = True
            executor = self.executor
        shutdown_executor(executor)

    def _assemble(self, job: ExplanationJob, seconds: float) -> bool:
        """Put the chunks back in data order as one set of arrays, then drop the chunks.

        False when a chunk failed its check (the store set it aside): the caller computes it again.
        """
        order = job.row_order()
        parts = [self.store.read_arrays(self._chunk_dir(job, i), ARRAY_NAMES) for i in range(len(job.chunks()))]
        if any(part is None for part in parts):
            return False
        merged = {}
        for name in ARRAY_NAMES:
            stacked = np.concatenate([np.asarray(p[name]) for p in parts])
            merged[name] = np.empty_like(stacked)
            merged[name][order] = stacked
        self.store.write_arrays(self.result_dir(job), merged)
        self.store.remove(self.store.array_dir(job.key, "chunks"))
        done = {"state": "done", "done": len(job.chunks()), "note": ""}
        self._set_state(job, **done, seconds=round(seconds, 3), finished=time.time())
        if self.size_limit is not None:
            from portal.jobs._cache_admin import evict_to_limit

            with self._lock:
                protect = set(self._active)
            evict_to_limit(self.store, self.size_limit, protect)
        return True

    def _chunk_dir(self, job: ExplanationJob, index: int) -> Path:
        return self.store.array_dir(job.key, "chunks", job.layout(), f"{index:06d}")

    def _set_state(self, job: ExplanationJob, **state: Any) -> None:
        current = self.store.get_json(_state_key(job.key)) or {}
        self.store.set_json(_state_key(job.key), {**current, "error": "", **state})


class JobCancelled(Exception):
    """Raised inside a job's run when someone cancelled it."""


def _state_key(job_key: str) -> str:
    return f"job:{job_key}"


def _describe(error: BaseException) -> str:
    if isinstance(error, BrokenProcessPool):
        return "a worker process died; restart the portal to resume from the chunks already finished"
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__


#: Explainers built in this worker process, by job key; a few, so long-lived workers do not grow.
_EXPLAINERS: OrderedDict[str, Any] = OrderedDict()
_EXPLAINERS_KEPT = 4


def explain_chunk(job: dict[str, Any], positions: list[int]) -> dict[str, np.ndarray]:
    """One task: explain the rows at ``positions`` with the job's model.

    Runs in a worker. Arguments are plain JSON values; the model, the data and the explainer are
    loaded from the store once per process and reused for every later chunk.
    """
    from models.persistence import load_model
    from portal.data import read_frame
    from portal.explain import Budget, explain_in_calls, explainer_for

    explainer = _EXPLAINERS.get(job["key"])
    if explainer is not None:
        _EXPLAINERS.move_to_end(job["key"])
    else:
        path = Path(job["model_path"])
        model = load_model(path, trusted=job["trusted"], trust=job["trust_code"], own=job["own_model"])
        background = read_frame(job["background_path"])
        scale = job.get("scale", "native")
        budget = Budget(max_exact_features=job.get("max_exact_features", Budget.max_exact_features))
        explainer = _EXPLAINERS[job["key"]] = explainer_for(
            model, task=job["task"], background=background, scale=scale, budget=budget
        )
        while len(_EXPLAINERS) > _EXPLAINERS_KEPT:
            _EXPLAINERS.popitem(last=False)
    started = time.perf_counter()
    ascending = np.argsort(positions, kind="stable")  # rows in data order: see _back_to_task_order
    batch = explain_in_calls(explainer, read_frame(job["data_path"]).iloc[np.asarray(positions)[ascending]])
    seconds = np.float64(time.perf_counter() - started)  # the engine's time, for the runner's task sizes
    back = _back_to_task_order(ascending)
    arrays = {"values": batch.values, "base_values": batch.base_values, "outputs": batch.outputs}
    return {**{name: array[back] for name, array in arrays.items()}, "seconds": seconds}


def _back_to_task_order(ascending: np.ndarray) -> np.ndarray:
    """Where each of the task's rows sits among the rows explained in data order.

    The engine gets a task's rows in the order of the table, not the task's shuffled one: the text
    cells of a frame read from Parquet lie in memory in row order, and reading them in a random order
    made an EBM's chunk about twice as slow (measured, 25k rows). Each row is explained on its own,
    so the values are the same either way.
    """
    back = np.empty_like(ascending)
    back[ascending] = np.arange(len(ascending))
    return back
