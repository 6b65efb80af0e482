"""Explanation jobs and where their results live: chunked, resumable, de-duplicated, on local processes or Celery.

A job (:class:`ExplanationJob`) explains every row of a data file with one model, in chunks taken in a seeded,
stratified order, so the rows done so far are always a fair sample. :class:`JobRunner` submits chunks to an
executor, commits each chunk's arrays to the :class:`ResultStore` as it finishes, reports progress, resumes from
committed chunks after a crash or a restart, and computes a job asked for twice (by threads or processes) once
(:func:`job_lock`). Executors: :func:`local_process_pool` (the default, renewed if a worker dies), the Celery
executor of :mod:`portal.jobs.celery_runner` (a public module, imported only when Celery is used, so this package
never imports celery), and an inline one for tests.

The store keeps arrays as ``.npy`` files (memory-mapped on read) and a small JSON index in diskcache; nothing is
pickled (:class:`UnsafeCacheEntry` refuses a pickle). :func:`cache_info`, :func:`clear_cache` and
:func:`evict_to_limit` administer it. Shared with the web layer: the one JSON-only Celery configuration
(:func:`json_celery`) and the one watcher that ends a worker process when its parent goes (:func:`end_with_parent`).

Celery work is signed: :func:`sign` / :func:`verify` an HMAC with the secret of ``PORTAL_TASK_SECRET``
(:func:`task_secret`), and a worker takes trust and allowed files from its own projects (:func:`vetted_job`), refusing
the rest with :class:`TaskRefused`.
"""

from portal.jobs._batching import BatchSizer
from portal.jobs._cache_admin import cache_info, clear_cache, evict_to_limit, folder_bytes, human_bytes
from portal.jobs._celery_config import JSON_ONLY, json_celery
from portal.jobs._local import end_with_parent
from portal.jobs._runner import (
    ARRAY_NAMES,
    TASK_SECONDS,
    ExplanationJob,
    JobRunner,
    explain_chunk,
    job_lock,
    local_process_pool,
    warm_up,
)
from portal.jobs._signing import TASK_SECRET_ENV, canonical, sign, task_secret, verify
from portal.jobs._store import ResultStore, UnsafeCacheEntry, make_private_dir
from portal.jobs._worker_trust import CONFIG_ENV, ModelTrust, TaskRefused, model_trust, vetted_job, worker_projects

__all__ = [
    "ARRAY_NAMES",
    "CONFIG_ENV",
    "TASK_SECONDS",
    "TASK_SECRET_ENV",
    "TaskRefused",
    "BatchSizer",
    "ExplanationJob",
    "JSON_ONLY",
    "JobRunner",
    "ModelTrust",
    "ResultStore",
    "UnsafeCacheEntry",
    "cache_info",
    "canonical",
    "clear_cache",
    "end_with_parent",
    "evict_to_limit",
    "explain_chunk",
    "folder_bytes",
    "human_bytes",
    "job_lock",
    "json_celery",
    "local_process_pool",
    "make_private_dir",
    "model_trust",
    "sign",
    "task_secret",
    "verify",
    "vetted_job",
    "warm_up",
    "worker_projects",
]
