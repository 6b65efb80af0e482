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
from portal.jobs._store import ResultStore, UnsafeCacheEntry, make_private_dir

__all__ = [
    "ARRAY_NAMES",
    "TASK_SECONDS",
    "BatchSizer",
    "ExplanationJob",
    "JSON_ONLY",
    "JobRunner",
    "ResultStore",
    "UnsafeCacheEntry",
    "cache_info",
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
    "warm_up",
]
