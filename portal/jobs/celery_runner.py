"""Scale-out on Celery + Redis, behind the same Executor seam as the local process pool.

:class:`CeleryExecutor` sends each chunk to Celery workers as the task ``portal.explain_chunk`` and
returns a :class:`concurrent.futures.Future` that resolves to the arrays the local pool gives, so
:class:`portal.jobs.JobRunner` runs unchanged. Everything on the wire is JSON (tasks, results, control
messages): nothing the broker carries is unpickled. Arrays travel as flat lists with dtype and shape;
float64 round-trips exactly (Python writes the shortest repr that reads back the same) and NaN/±inf
are written as strings, so a payload is strict JSON.

Delivery: tasks are acknowledged late and rejected when their worker process dies, so a chunk whose
pool process is killed is queued again at once. A chunk held by a worker lost whole (killed, or its
machine gone) stays in Redis unacknowledged; once the visibility timeout has passed
(``PORTAL_CELERY_VISIBILITY_TIMEOUT``, one hour by default; it must exceed the slowest chunk) the next
worker that starts puts it back in the queue, or a running worker's periodic check does (kombu runs
one about every 100 s). A chunk may so run twice: it is deterministic and committed atomically, so
that is harmless. One that kills its worker every time (out of memory) comes back every time.

Security: JSON only, so a message cannot make a worker unpickle anything. Every task is signed with
``PORTAL_TASK_SECRET`` and every result too (:mod:`portal.jobs._signing`): a worker refuses an unsigned or
altered task before it reads a file, and the portal refuses such a result before it commits anything. A worker
takes each model's trust from its own copy of the project (``PORTAL_CONFIG``, :mod:`portal.jobs._worker_trust`),
never from the message, refuses files outside that project's cache, and refuses pickle/joblib models unless also
started with ``PORTAL_WORKER_TRUST_CODE=1``. A refusal is one log line and a failed task; nothing is written.
Whoever can write to Redis can still replay a signed chunk (it computes the same values) and control workers:
keep Redis private.

Workers read models and data from the paths in the job: the cache directory (and any model file a
project names) must be on a filesystem every worker sees at the same path. From the repository root::

    PORTAL_REDIS_URL=redis://HOST:6379/0 PORTAL_TASK_SECRET=... PORTAL_CONFIG=project.toml \
        celery -A portal.jobs.celery_runner worker --concurrency 2 --loglevel info
"""

from __future__ import annotations

import hashlib
import logging
import math
import os
import sys
import threading
import time
from collections import Counter
from collections.abc import Callable, Mapping
from concurrent.futures import Executor, Future
from typing import Any

import numpy as np
from celery import Celery, signals
from celery.backends.redis import RedisBackend

# Imported now, while `celery -A` has the working directory on sys.path (it takes it off again after loading
# this module): explain_chunk needs the top-level `models` package, and pool processes then start warm.
import models.persistence  # noqa: F401
import portal.data._frames  # noqa: F401
import portal.explain  # noqa: F401
from portal.config import ConfigError, scale_out_url
from portal.jobs._celery_config import json_celery
from portal.jobs._runner import ARRAY_NAMES, explain_chunk
from portal.jobs._signing import sign, task_secret, verify
from portal.jobs._worker_trust import TaskRefused, cached_worker_projects, vetted_job, worker_projects

TASK_NAME = "portal.explain_chunk"
QUEUE = "portal"  # not Celery's default queue, so a Dash CeleryManager worker on the same Redis never takes chunks
VISIBILITY_TIMEOUT_ENV = "PORTAL_CELERY_VISIBILITY_TIMEOUT"
TRUST_CODE_ENV = "PORTAL_WORKER_TRUST_CODE"
DEFAULT_REDIS_URL = "redis://127.0.0.1:6379/0"
DEFAULT_VISIBILITY_TIMEOUT = 3600.0

ONLY_EXPLAIN_CHUNK = "CeleryExecutor runs portal.jobs.explain_chunk only, not {name}"
AFTER_SHUTDOWN = "cannot schedule new futures after shutdown"
PICKLE_REFUSED = (
    f"this worker refuses pickle/joblib models (loading them runs code); start it with {TRUST_CODE_ENV}=1 to allow"
)
REDIS_UNREACHABLE = "Redis unreachable for {seconds:.0f} s: {error}"
BAD_RESULT = "malformed result from a worker: {error}"
UNSIGNED_TASK = "refused: the task is unsigned or altered (or signed with another PORTAL_TASK_SECRET)"
UNSIGNED_RESULT = "the result is unsigned or altered (or signed with another PORTAL_TASK_SECRET)"

_NON_FINITE = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf}
_READY = ("SUCCESS", "FAILURE", "REVOKED")
log = logging.getLogger(__name__)


class WorkerError(Exception):
    """A chunk failed on a worker. The subclass raised carries the worker's exception name; the
    message is the first line of its message and ``remote_traceback`` the worker's traceback."""

    remote_traceback: str = ""


class PollingRedisBackend(RedisBackend):
    """Celery's Redis result backend without its pub/sub subscription per sent task.

    :class:`CeleryExecutor` reads every pending result with one MGET per poll; a subscription nobody
    reads would pile finished results up in the client's socket until Redis drops the connection.
    """

    def on_task_call(self, producer: Any, task_id: str) -> None:
        return None


def make_celery(redis_url: str, *, visibility_timeout: float = DEFAULT_VISIBILITY_TIMEOUT) -> Celery:
    """A Celery app on ``redis_url`` (broker and results) that accepts JSON only and never loses a chunk."""
    app = json_celery(
        "portal",
        broker=redis_url,
        backend=f"{__name__}:PollingRedisBackend+{redis_url}",
        queue=QUEUE,
        task_acks_late=True,  # acknowledged when done: a lost worker's chunk is delivered again
        task_reject_on_worker_lost=True,  # a killed pool process puts its chunk back at once
        worker_prefetch_multiplier=1,  # chunks are long: a worker holds only what it runs
        worker_cancel_long_running_tasks_on_connection_loss=True,  # they will be redelivered anyway
        broker_transport_options={"visibility_timeout": visibility_timeout},
    )
    # throws: a refusal is logged as one line ("raised expected"), without a traceback
    app.task(name=TASK_NAME, bind=True, shared=False, throws=(TaskRefused,))(_explain_chunk_task)
    return app


def task_payload(job: Mapping[str, Any], positions: list[int]) -> dict[str, Any]:
    """What a chunk's signature covers: the task's name and both its arguments."""
    return {"task": TASK_NAME, "job": job, "positions": positions}


def result_payload(task_id: str, worker: Any, arrays: Mapping[str, np.ndarray]) -> dict[str, Any]:
    """What a result's signature covers: each decoded array's dtype, shape and SHA-256, and the worker, bound to
    the task they answer. Hashing the arrays' bytes, not their JSON, keeps it cheap: the canonical JSON of a
    1,563-row chunk's values took 150 ms to sign on a loaded machine (as long as a fast model's whole chunk);
    the hashes take 15 ms."""
    digests = {name: _digest(np.ascontiguousarray(array)) for name, array in sorted(arrays.items())}
    return {"task_id": task_id, "worker": worker, "arrays": digests}


def _digest(array: np.ndarray) -> dict[str, Any]:
    digest = hashlib.sha256(array.tobytes()).hexdigest()
    return {"dtype": array.dtype.name, "shape": list(array.shape), "sha256": digest}


def checked_job(
    job: Mapping[str, Any], positions: list[int], signature: Any, *, secret: bytes, projects: tuple
) -> dict[str, Any]:
    """The job as this worker will run it: signed by the portal, its trust and files from the worker's projects."""
    if not verify(task_payload(job, positions), signature, secret):
        raise TaskRefused(UNSIGNED_TASK)
    checked = vetted_job(job, projects)
    if checked["trust_code"] and os.environ.get(TRUST_CODE_ENV) != "1":
        raise TaskRefused(PICKLE_REFUSED)
    return checked


def _explain_chunk_task(
    task: Any, job: dict[str, Any], positions: list[int], signature: str | None = None
) -> dict[str, Any]:
    """The worker side: check the chunk, explain the rows, send the arrays back signed, say who computed them."""
    try:
        secret, projects = task_secret(), cached_worker_projects()
    except ConfigError as error:  # the start-up check (check_worker_setup) makes this rare
        raise TaskRefused(f"refused: {error}") from None
    arrays = explain_chunk(checked_job(job, positions, signature, secret=secret, projects=projects), positions)
    result = {
        "arrays": {name: encode_array(arrays[name]) for name in ARRAY_NAMES},
        "worker": {"hostname": task.request.hostname, "pid": os.getpid()},
    }
    sent = {name: decode_array(encoded) for name, encoded in result["arrays"].items()}  # as the portal will read them
    return {**result, "signature": sign(result_payload(task.request.id, result["worker"], sent), secret)}


def encode_array(array: np.ndarray) -> dict[str, Any]:
    """A numeric array as strict JSON values: dtype name, shape, and the flat values."""
    array = np.asarray(array)
    if array.dtype.kind not in "biuf":
        raise TypeError(f"cannot send a {array.dtype} array as JSON")
    data = array.ravel().tolist()
    if array.dtype.kind == "f" and not np.isfinite(array).all():
        data = [x if math.isfinite(x) else ("NaN" if x != x else "Infinity" if x > 0 else "-Infinity") for x in data]
    return {"dtype": array.dtype.name, "shape": list(array.shape), "data": data}


def decode_array(payload: Mapping[str, Any]) -> np.ndarray:
    """The array :func:`encode_array` wrote, bit for bit (NaN comes back as the canonical NaN)."""
    dtype = np.dtype(str(payload["dtype"]))
    if dtype.kind not in "biuf":
        raise ValueError(f"refusing dtype {dtype}")
    data = [_NON_FINITE[x] if isinstance(x, str) else x for x in payload["data"]]
    return np.array(data, dtype=dtype).reshape([int(n) for n in payload["shape"]])


def remote_error(meta: Mapping[str, Any]) -> WorkerError:
    """The exception for a failed task's result record, without importing anything it names."""
    info = meta.get("result") if isinstance(meta.get("result"), Mapping) else {}
    name = str(info.get("exc_type") or "WorkerError")
    args = info.get("exc_message") or []
    args = list(args) if isinstance(args, list | tuple) else [args]
    text = str(args[0]) if len(args) == 1 else str(tuple(args)) if args else ""
    error_class = type(name if name.isidentifier() else "WorkerError", (WorkerError,), {"__module__": __name__})
    error = error_class(text.splitlines()[0] if text else "")
    error.remote_traceback = str(meta.get("traceback") or "")
    return error


def workers_online(app: Celery, timeout: float = 1.0) -> list[str]:
    """Names of the workers that answer a ping within ``timeout`` seconds (empty: chunks would wait)."""
    return sorted(name for reply in app.control.ping(timeout=timeout) or [] for name in reply)


class CeleryExecutor(Executor):
    """Runs :func:`portal.jobs.explain_chunk` on Celery workers; its futures resolve to numpy arrays.

    One daemon thread polls all pending results with a single Redis MGET per round. ``ran_on`` counts
    finished chunks per (worker name, process id).
    """

    def __init__(
        self,
        app: Celery | str,
        *,
        poll_interval: float = 0.1,
        unreachable_after: float = 60.0,
        secret: bytes | None = None,
    ) -> None:
        """``secret`` signs the tasks and checks the results; by default ``PORTAL_TASK_SECRET`` (a ConfigError
        naming the fix when unset: Celery mode does not start without it)."""
        self._secret = task_secret() if secret is None else secret
        self.app = make_celery(app) if isinstance(app, str) else app
        self.poll_interval = poll_interval
        self.unreachable_after = unreachable_after
        self.ran_on: Counter[tuple[str, int]] = Counter()
        self._pending: dict[str, Future] = {}
        self._changed = threading.Condition()
        self._closed = False
        self._watcher: threading.Thread | None = None

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Future:
        if fn is not explain_chunk:
            raise TypeError(ONLY_EXPLAIN_CHUNK.format(name=getattr(fn, "__qualname__", repr(fn))))
        future: Future = Future()
        with self._changed:
            if self._closed:
                raise RuntimeError(AFTER_SHUTDOWN)
            job, positions = args
            signature = sign(task_payload(job, positions), self._secret)
            sent = self.app.send_task(TASK_NAME, args=[job, positions], kwargs={"signature": signature})
            self._pending[sent.id] = future
            if self._watcher is None:
                self._watcher = threading.Thread(target=self._watch, daemon=True, name="celery-results")
                self._watcher.start()
            self._changed.notify_all()
        return future

    def shutdown(self, wait: bool = True, *, cancel_futures: bool = False) -> None:
        """Stop taking chunks; with ``cancel_futures`` revoke the queued ones (running ones finish unseen)."""
        with self._changed:
            self._closed = True
            cancelled = [task_id for task_id, future in self._pending.items() if cancel_futures and future.cancel()]
            for task_id in cancelled:
                del self._pending[task_id]
            self._changed.notify_all()
            watcher = self._watcher
        if cancelled:
            self._revoke(cancelled)
        if wait and watcher is not None:
            watcher.join()

    def _watch(self) -> None:
        backend = self.app.backend  # this thread's own connection
        failing_since: float | None = None
        while True:
            with self._changed:
                while not self._pending and not self._closed:
                    self._changed.wait()
                if not self._pending:
                    return
                task_ids = list(self._pending)
            try:
                raw = backend.mget([backend.get_key_for_task(task_id) for task_id in task_ids])
                failing_since = None
            except Exception as error:  # Redis away: keep trying a while, then fail what waits
                failing_since = failing_since or time.monotonic()
                log.warning("reading results from Redis failed: %s", error)
                if time.monotonic() - failing_since > self.unreachable_after:
                    outage = ConnectionError(REDIS_UNREACHABLE.format(seconds=self.unreachable_after, error=error))
                    raw = [outage] * len(task_ids)
                else:
                    raw = []
            for task_id, value in zip(task_ids, raw):
                self._settle(task_id, value, backend)
            time.sleep(self.poll_interval)

    def _settle(self, task_id: str, value: Any, backend: RedisBackend) -> None:
        """Resolve the future of one task if its result is in (or revoke the task if the caller cancelled)."""
        future = self._pending.get(task_id)
        if future is None:
            return
        if future.cancelled():
            self._forget(task_id)
            self._revoke([task_id])
            return
        outcome = self._outcome(task_id, value, backend)
        if outcome is None:
            return
        self._forget(task_id)
        try:
            backend.forget(task_id)
        except Exception as error:  # it expires by itself (the app's result_expires)
            log.warning("could not delete the result of %s: %s", task_id, error)
        if future.set_running_or_notify_cancel():
            future.set_exception(outcome) if isinstance(outcome, BaseException) else future.set_result(outcome)

    def _outcome(self, task_id: str, value: Any, backend: RedisBackend) -> dict[str, np.ndarray] | BaseException | None:
        """The future's result or exception once the task has finished, else None."""
        if isinstance(value, BaseException):
            return value
        try:
            meta = backend.decode(value) if value else None
            if not meta or meta.get("status") not in _READY:
                return None
            if meta["status"] != "SUCCESS":
                return remote_error(meta)
            payload = meta["result"]
            arrays = {name: decode_array(payload["arrays"][name]) for name in ARRAY_NAMES}  # plain numbers only
            worker = payload.get("worker") or {}
            if not verify(result_payload(task_id, worker, arrays), payload.get("signature"), self._secret):
                return WorkerError(UNSIGNED_RESULT)  # planted in Redis: nothing of it reaches the cache
            self.ran_on[(str(worker.get("hostname")), int(worker.get("pid", 0)))] += 1
            return arrays
        except Exception as error:  # e.g. a pickled record planted in Redis: refused, never loaded
            return WorkerError(BAD_RESULT.format(error=f"{type(error).__name__}: {error}"))

    def _forget(self, task_id: str) -> None:
        with self._changed:
            self._pending.pop(task_id, None)

    def _revoke(self, task_ids: list[str]) -> None:
        try:
            self.app.control.revoke(task_ids)
        except Exception as error:  # shutting down with Redis away: the chunks just run unseen
            log.warning("could not revoke %d queued chunks: %s", len(task_ids), error)


def _app_from_environment() -> Celery:
    """The worker has no project: it asks the config for the scale-out URL (a local Redis when unset)."""
    visibility = float(os.environ.get(VISIBILITY_TIMEOUT_ENV, DEFAULT_VISIBILITY_TIMEOUT))
    return make_celery(scale_out_url() or DEFAULT_REDIS_URL, visibility_timeout=visibility)


@signals.celeryd_init.connect
def check_worker_setup(sender: Any = None, instance: Any = None, **_: Any) -> None:
    """A chunk worker without its secret or its project stops at start with one line naming the fix.

    Only for this module's app: Dash's page worker imports this module too, and checks what it needs itself.
    """
    if getattr(instance, "app", None) is not app:
        return
    try:
        task_secret()
        worker_projects()
    except ConfigError as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        raise SystemExit(2) from None


#: The workers' app: ``celery -A portal.jobs.celery_runner worker`` (configured by ``PORTAL_REDIS_URL``).
app = _app_from_environment()
