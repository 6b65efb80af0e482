"""Scale-out on Celery + Redis with real parts: a redis-server, Celery worker processes, real projects.

A job's chunks run on two worker processes and give exactly the inline runner's values. A pool
process killed mid-chunk gives its chunk back at once; a whole worker killed mid-chunk leaves it in
Redis, and a worker that starts after the visibility timeout delivers it again. Either way the job
completes with the same values.
"""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.config import load_config
from portal.jobs import ARRAY_NAMES, JSON_ONLY, JobRunner, ResultStore, explain_chunk, json_celery
from portal.jobs.celery_runner import (
    AFTER_SHUTDOWN,
    DEFAULT_REDIS_URL,
    ONLY_EXPLAIN_CHUNK,
    PICKLE_REFUSED,
    QUEUE,
    CeleryExecutor,
    WorkerError,
    decode_array,
    encode_array,
    make_celery,
    workers_online,
)
from portal.project import Project
from tests.projects import two_models
from tests.redis_fixture import redis_server

ROOT = Path(__file__).parents[2]
VISIBILITY_TIMEOUT = 3  # seconds, for the test workers: a lost worker's chunk is delivered again soon
CHUNK_ROWS = 100
SMALL = """
[data]
source = "{table}"
target = "bought"
{models}[cache]
dir = "{cache}"
"""
SLOW = """
[data]
source = "{table}"
target = "bought"
[[models]]
name = "Forest"
kind = "random_forest"
params = {{ n_estimators = 60, min_samples_leaf = 1 }}
[cache]
dir = "{cache}"
"""
WORKER_LOST = "WorkerLostError("  # the worker logs this when a pool process dies mid-chunk
TASK_LINE = re.compile(r"Task portal\.explain_chunk\[([0-9a-f-]+)\] (received|succeeded|raised)")


# --- the parts: a table, projects, Redis, workers -------------------------------------------------
@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("celery")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 1_200), "plan": rng.choice(["a", "b", "c"], 1_200)})
    frame["income"] = rng.normal(50, 15, len(frame)).round(2)
    frame["bought"] = np.where(rng.random(len(frame)) < frame["age"] / 100, "yes", "no")
    frame.to_csv(folder / "table.csv", index=False)
    return folder


def make_project(folder: Path, template: str, cache: str) -> Path:
    path = folder / f"{cache}.toml"
    path.write_text(template.format(table=folder / "table.csv", cache=folder / cache, models=two_models()))
    return path


def inline_arrays(config_path: Path) -> dict[str, dict[str, np.ndarray]]:
    project = Project(load_config(config_path), log=lambda _: None, chunk_rows=CHUNK_ROWS)
    project.start_explanations()
    return {name: arrays_of(project, name) for name in project.model_names}


def arrays_of(project: Project, name: str) -> dict[str, np.ndarray]:
    explanation = project.explanation(name)
    return {array: np.asarray(getattr(explanation, array)) for array in ARRAY_NAMES}


@pytest.fixture(scope="module")
def redis_url(folder: Path) -> Iterator[str]:
    with redis_server(folder) as url:
        yield url


@contextmanager
def celery_worker(redis_url: str, name: str, log: Path, *, concurrency: int = 2) -> Iterator[subprocess.Popen]:
    """A real worker process, as the README starts it, with its log in ``log``; ready when it answers a ping."""
    env = {**os.environ, "PORTAL_REDIS_URL": redis_url, "PORTAL_CELERY_VISIBILITY_TIMEOUT": str(VISIBILITY_TIMEOUT)}
    command = [sys.executable, "-m", "celery", "-A", "portal.jobs.celery_runner", "worker", "--loglevel", "info"]
    command += ["--concurrency", str(concurrency), "-n", f"{name}@%h", "--without-mingle"]
    with open(log, "w") as output:
        process = subprocess.Popen(
            command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT, start_new_session=True
        )
    try:
        app = make_celery(redis_url)
        wait_for(lambda: any(n.startswith(f"{name}@") for n in workers_online(app, 0.2)), 60, log)
        yield process
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture(scope="module")
def pool_worker(redis_url: str, folder: Path) -> Iterator[tuple[subprocess.Popen, Path]]:
    log = folder / "pool-worker.log"
    with celery_worker(redis_url, "pool", log) as process:
        yield process, log


def wait_for(condition: Callable[[], bool], timeout: float, log: Path | None = None) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out{': ' + log.read_text()[-3000:] if log else ''}"
        time.sleep(0.05)


def run_on_celery(config_path: Path, redis_url: str, during: Callable[[], None] = lambda: None, window: int = 2):
    """Run a project's jobs on the workers; returns the arrays and the executor (for where chunks ran)."""
    config = load_config(config_path)
    executor = CeleryExecutor(make_celery(redis_url))
    runner = JobRunner(ResultStore(config.cache_dir), executor, window=window)
    try:
        project = Project(config, runner=runner, log=lambda _: None, chunk_rows=CHUNK_ROWS)
        project.start_explanations()
        during()
        finished = ("done", "failed", "cancelled")
        wait_for(lambda: all(project.progress(n).state in finished for n in project.model_names), 120)
        for name in project.model_names:
            assert project.progress(name).state == "done", project.progress(name).error
        return {name: arrays_of(project, name) for name in project.model_names}, executor
    finally:
        runner.shutdown()


def assert_same(got: dict, expected: dict) -> None:
    assert got.keys() == expected.keys()
    for name in expected:
        for array in ARRAY_NAMES:
            np.testing.assert_array_equal(got[name][array], expected[name][array])


def task_events(log: Path) -> Counter[tuple[str, str]]:
    """(task id, "received", "succeeded" or "raised") → how often the worker's log says so."""
    return Counter(match.groups() for match in TASK_LINE.finditer(log.read_text()))


def says(log: Path, text: str) -> Callable[[], bool]:
    return lambda: text in log.read_text()


def running_tasks(log: Path) -> list[str]:
    events = task_events(log)
    ended = {task for task, event in events if event != "received"}
    return [task for task, event in events if event == "received" and task not in ended]


# --- the tests ----------------------------------------------------------------------------------
def test_arrays_travel_as_strict_json_and_come_back_bit_for_bit() -> None:
    values = np.array([[0.1 + 0.2, -0.0, 5e-324], [np.nan, np.inf, -np.inf]])
    payload = encode_array(values)
    assert payload["data"][3:] == ["NaN", "Infinity", "-Infinity"]
    back = decode_array(payload)
    assert back.dtype == values.dtype and back.tobytes() == values.tobytes()
    assert decode_array(encode_array(np.empty((0, 3)))).shape == (0, 3)
    with pytest.raises(TypeError):
        encode_array(np.array(["text"], dtype=object))


def test_the_workers_app_speaks_json_only_and_no_caller_can_choose_otherwise() -> None:
    app = make_celery("redis://127.0.0.1:9/0")  # nothing connects until a task is sent
    assert {key: app.conf[key] for key in JSON_ONLY} == dict(JSON_ONLY)
    assert (app.conf.task_default_queue, app.conf.task_acks_late) == (QUEUE, True)
    pickle = {"task_serializer": "pickle", "accept_content": ["pickle"]}
    with pytest.raises(TypeError, match="JSON only: accept_content, task_serializer cannot be set"):
        json_celery("x", broker="memory://", backend="cache+memory://", queue="q", **pickle)


def test_workers_start_by_the_new_path_and_the_old_one_with_the_configs_url() -> None:
    """``celery -A portal.celery_runner`` was the README's command: it still finds the workers' app, which
    reads the scale-out URL through the config and falls back to a local Redis without one."""
    code = (
        "from celery.app.utils import find_app\n"
        "import portal.jobs.celery_runner as new\n"
        "assert find_app('portal.celery_runner') is find_app('portal.jobs.celery_runner') is new.app\n"
        "print(new.app.conf.broker_url)\n"
    )
    env = {name: value for name, value in os.environ.items() if name != "PORTAL_REDIS_URL"}
    for url, expected in ((None, DEFAULT_REDIS_URL), ("redis://elsewhere:6380/2", "redis://elsewhere:6380/2")):
        run_env = env if url is None else {**env, "PORTAL_REDIS_URL": url}
        done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, env=run_env)
        assert done.returncode == 0, done.stderr[-2000:]
        assert done.stdout.strip() == expected


def test_the_executor_runs_explain_chunk_only_and_nothing_after_shutdown(redis_url: str) -> None:
    executor = CeleryExecutor(make_celery(redis_url))
    with pytest.raises(TypeError, match=ONLY_EXPLAIN_CHUNK.format(name="print")):
        executor.submit(print, "hello")
    executor.shutdown()
    with pytest.raises(RuntimeError, match=AFTER_SHUTDOWN):
        executor.submit(explain_chunk, {}, [])


def test_shutdown_cancels_queued_chunks(redis_url: str) -> None:
    app = make_celery(redis_url)
    app.conf.task_default_queue = "nobody-listens"
    executor = CeleryExecutor(app)
    future = executor.submit(explain_chunk, {"key": "x"}, [0])
    executor.shutdown(wait=True, cancel_futures=True)
    assert future.cancelled()


def test_a_worker_error_reaches_the_future_by_name_and_first_line(redis_url: str, pool_worker) -> None:
    executor = CeleryExecutor(make_celery(redis_url))
    try:
        error = executor.submit(explain_chunk, {"key": "x", "trust_code": True}, [0]).exception(timeout=30)
    finally:
        executor.shutdown()
    assert isinstance(error, WorkerError) and type(error).__name__ == "PermissionError"
    assert str(error) == PICKLE_REFUSED and "Traceback" in error.remote_traceback


def test_chunks_run_on_two_worker_processes_and_equal_the_inline_runner(folder: Path, redis_url: str, pool_worker):
    expected = inline_arrays(make_project(folder, SMALL, "small-inline"))
    got, executor = run_on_celery(make_project(folder, SMALL, "small-celery"), redis_url)
    assert_same(got, expected)
    assert sum(executor.ran_on.values()) == 2 * 12  # two models, 1,200 rows in chunks of 100
    assert len({pid for _, pid in executor.ran_on}) >= 2, executor.ran_on


@pytest.fixture(scope="module")
def slow_expected(folder: Path) -> dict[str, dict[str, np.ndarray]]:
    return inline_arrays(make_project(folder, SLOW, "slow-inline"))


def test_a_pool_process_killed_mid_chunk_gives_it_back_and_the_job_completes(
    folder: Path, redis_url: str, pool_worker, slow_expected
) -> None:
    process, log = pool_worker

    def kill_a_busy_pool_process(attempts: int = 5) -> None:
        lost_before = log.read_text().count(WORKER_LOST)
        for _ in range(attempts):  # a chunk may end between reading the log and the kill: then try again
            wait_for(lambda: len(running_tasks(log)) == 2, 30, log)  # both pool processes are mid-chunk
            child = Path(f"/proc/{process.pid}/task/{process.pid}/children").read_text().split()[0]
            os.kill(int(child), signal.SIGKILL)
            wait_for(says(log, f"pid:{child} exited"), 30, log)  # the worker noticed the death
            time.sleep(0.5)
            if log.read_text().count(WORKER_LOST) > lost_before:
                return
        pytest.fail(f"no pool process was killed mid-chunk in {attempts} attempts")

    got, _ = run_on_celery(make_project(folder, SLOW, "slow-pool-kill"), redis_url, kill_a_busy_pool_process)
    assert_same(got, slow_expected)
    assert any(count == 2 for (_, event), count in task_events(log).items() if event == "received"), "no redelivery"


def test_a_worker_killed_mid_chunk_leaves_it_to_a_worker_started_after_the_visibility_timeout(
    folder: Path, redis_url: str, pool_worker, slow_expected
) -> None:
    victim_log, rescuer_log = folder / "victim.log", folder / "rescuer.log"
    lost: list[str] = []
    with ExitStack() as workers:
        victim = workers.enter_context(celery_worker(redis_url, "victim", victim_log, concurrency=1))

        def kill_the_victim_mid_chunk() -> None:
            wait_for(lambda: bool(running_tasks(victim_log)), 30, victim_log)
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool process, as if the machine went away
            victim.wait()
            lost.extend(running_tasks(victim_log))
            time.sleep(VISIBILITY_TIMEOUT + 0.5)
            workers.enter_context(celery_worker(redis_url, "rescuer", rescuer_log, concurrency=1))

        config = make_project(folder, SLOW, "slow-worker-kill")
        got, _ = run_on_celery(config, redis_url, kill_the_victim_mid_chunk, window=4)
    assert_same(got, slow_expected)
    assert len(lost) == 1, "the victim was not mid-chunk when killed"
    redone = task_events(rescuer_log) + task_events(pool_worker[1])
    assert redone[(lost[0], "succeeded")] == 1
