"""The composition root: :func:`open_project` turns a project's configuration into a running :class:`Project`.

The CLI, the web server and Dash's Celery page worker all open a project here, so each gets the same parts
wired the same way. The one choice made here is where explanation jobs run: on Celery workers that share a
Redis server when the configuration names one (``ProjectConfig.redis_url``, read from ``PORTAL_REDIS_URL`` by
:mod:`portal.config`), else on local worker processes, renewed if one dies.
"""

from __future__ import annotations

import sys
from collections.abc import Callable

from portal.config import ConfigError, ProjectConfig
from portal.jobs import TASK_SECONDS, JobRunner, ResultStore, local_process_pool
from portal.project._batches import project_data
from portal.project._project import Project

CELERY_WINDOW = 8  # chunks of one job in flight on Celery: the local default of 2 would use 2 workers per model


def open_project(config: ProjectConfig, *, log: Callable[[str], None] = print) -> Project:
    """The project with its runner, its models trained or loaded, ready to start its explanation jobs.

    The data is read and checked first: a mistake in it is one line at once, before any worker process starts
    (the local pool's start costs seconds, and ending it early was what a data error waited for).
    """
    data = project_data(config)
    runner = open_runner(config, log=log)
    try:
        return Project(config, runner=runner, log=log, data=data)
    except BaseException:
        runner.shutdown()
        raise


def open_runner(config: ProjectConfig, *, log: Callable[[str], None] = print) -> JobRunner:
    """Celery workers when the configuration names a Redis server, else local processes (renewed if one dies)."""
    store, limit = ResultStore(config.cache_dir), config.cache_size_limit
    if config.redis_url:
        return JobRunner(store, _celery_executor(config.redis_url, log), window=CELERY_WINDOW, size_limit=limit)
    return JobRunner(store, local_process_pool(), renew=local_process_pool, size_limit=limit, task_seconds=TASK_SECONDS)


def _celery_executor(redis_url: str, log: Callable[[str], None]):
    from kombu.utils.url import maybe_sanitize_url

    from portal.jobs.celery_runner import CeleryExecutor, workers_online

    executor, where = CeleryExecutor(redis_url), maybe_sanitize_url(redis_url)  # hides the password
    try:
        workers = workers_online(executor.app)
    except Exception as error:  # kombu's OperationalError after about 6 s
        raise ConfigError(
            "PORTAL_REDIS_URL", f"cannot reach Redis at {where} ({error})", "start redis-server or fix the URL"
        ) from None
    if workers:
        log(f"jobs: {len(workers)} Celery worker(s) on {where}: {', '.join(workers)}")
    else:
        print(
            f"jobs: no Celery worker answered on {where}; chunks wait until one starts "
            "(celery -A portal.jobs.celery_runner worker)",
            file=sys.stderr,
        )
    return executor
