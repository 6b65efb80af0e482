"""portal.jobs."""

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
