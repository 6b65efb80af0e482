"""Scale-out on Celery + Redis with real parts: a redis-server, Celery worker processes, real projects.

A job's chunks run on two worker processes and give exactly the inline runner's values. A pool
process killed mid-chunk gives its chunk back at once; a whole worker killed mid-chunk leaves it in
Redis, and a worker that starts after the visibility timeout delivers it again. Either way the job
completes with the same values. Workers run only signed chunks of the projects they were given
(``PORTAL_CONFIG``): every project file of this module is written before they start.
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
from portal.jobs import ARRAY_NAMES, JSON_ONLY, JobRunner, ResultStore, explain_chunk, json_celery, sign
from portal.jobs.celery_runner import (
    AFTER_SHUTDOWN,
    DEFAULT_REDIS_URL,
    ONLY_EXPLAIN_CHUNK,
    PICKLE_REFUSED,
    QUEUE,
    TASK_NAME,
    UNSIGNED_TASK,
    CeleryExecutor,
    WorkerError,
    decode_array,
    encode_array,
    make_celery,
    task_payload,
    workers_online,
)
from portal.project import Project
from tests.projects import two_models
from tests.redis_fixture import redis_server

ROOT = Path(__file__).parents[2]
VISIBILITY_TIMEOUT = 3  # seconds, for the victim and the rescuer: a lost worker's chunk is delivered again soon
SECRET = "test-secret-" + "0123456789abcdef" * 2
WORKER_PROJECTS = ("small-celery", "slow-pool-kill", "slow-worker-kill", "pickled")
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
LOST_CHUNK = "Task handler raised error: WorkerLostError("  # once per chunk lost (its traceback repeats the above)
TASK_LINE = re.compile(r"Task portal\.explain_chunk\[([0-9a-f-]+)\] (received|succeeded|raised)")


# --- the parts: a table, projects, Redis, workers -------------------------------------------------
PICKLED = """
[data]
source = "{table}"
target = "bought"
[[models]]
name = "Pickled"
path = "{model}"
trust = true
[cache]
dir = "{cache}"
"""


@pytest.fixture(scope="module", autouse=True)
def task_secret() -> Iterator[None]:
    """The portal's side of the shared secret (the workers get it in their environment)."""
    before = os.environ.get("PORTAL_TASK_SECRET")
    os.environ["PORTAL_TASK_SECRET"] = SECRET
    yield
    if before is None:
        del os.environ["PORTAL_TASK_SECRET"]
    else:
        os.environ["PORTAL_TASK_SECRET"] = before


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("celery")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 1_200), "plan": rng.choice(["a", "b", "c"], 1_200)})
    frame["income"] = rng.normal(50, 15, len(frame)).round(2)
    frame["bought"] = np.where(rng.random(len(frame)) < frame["age"] / 100, "yes", "no")
    frame.to_csv(folder / "table.csv", index=False)
    for template, cache in ((SMALL, "small-celery"), (SLOW, "slow-pool-kill"), (SLOW, "slow-worker-kill")):
        make_project(folder, template, cache)
    (folder / "model.pkl").write_bytes(b"not loaded: refused before")
    (folder / "pickled.toml").write_text(
        PICKLED.format(table=folder / "table.csv", model=folder / "model.pkl", cache=folder / "pickled")
    )
    return folder


def make_project(folder: Path, template: str, cache: str) -> Path:
    path = folder / f"{cache}.toml"
    path.write_text(template.format(table=folder / "table.csv", cache=folder / cache, models=two_models()))
    return path


def worker_env(redis_url: str, folder: Path, *, visibility_timeout: float | None = None) -> dict[str, str]:
    """A worker's environment: the Redis URL, the secret, every project of this module."""
    env = {**os.environ, "PORTAL_REDIS_URL": redis_url, "PORTAL_TASK_SECRET": SECRET}
    env["PORTAL_CONFIG"] = ",".join(str(folder / f"{name}.toml") for name in WORKER_PROJECTS)
    if visibility_timeout is not None:
        env["PORTAL_CELERY_VISIBILITY_TIMEOUT"] = str(visibility_timeout)
    return env


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
def celery_worker(
    redis_url: str, name: str, log: Path, env: dict[str, str], *, concurrency: int = 2
) -> Iterator[subprocess.Popen]:
    """A real worker process, as the README starts it, with its log in ``log``; ready when it answers a ping."""
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
    """The workers every test shares, with the default visibility timeout (an hour): a chunk is delivered twice
    only when its pool process dies. With the short timeout the victim and the rescuer need, a chunk still running
    after 3 s on a loaded machine was restored and received again, and the test of a killed pool process could not
    tell that redelivery from the one it looks for (it saw a chunk received three times, or none twice)."""
    log = folder / "pool-worker.log"
    with celery_worker(redis_url, "pool", log, worker_env(redis_url, folder)) as process:
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


def pickled_job(folder: Path, **changes) -> dict:
    """A chunk of the "pickled" project's model, as the portal would send it (its files in that project's cache)."""
    frames = folder / "pickled" / "frames"
    job = {"key": "x", "model_name": "Pickled", "model_path": str(folder / "model.pkl"), "own_model": False}
    job |= {"trusted": [], "trust_code": False, "data_path": str(frames / "rows.parquet"), "order_path": ""}
    return job | {"background_path": str(frames / "background.parquet"), **changes}


def test_a_worker_error_reaches_the_future_by_name_and_first_line(folder: Path, redis_url: str, pool_worker) -> None:
    """The message says trust_code false; the worker's own project says trust = true, and the worker, started
    without PORTAL_WORKER_TRUST_CODE=1, refuses the pickle: trust comes from the worker's project."""
    executor = CeleryExecutor(make_celery(redis_url))
    try:
        error = executor.submit(explain_chunk, pickled_job(folder), [0]).exception(timeout=30)
    finally:
        executor.shutdown()
    assert isinstance(error, WorkerError) and type(error).__name__ == "TaskRefused"
    assert str(error) == PICKLE_REFUSED and "Traceback" in error.remote_traceback


def cache_files(folder: Path) -> dict[str, tuple[int, int]]:
    """Every file under ``folder`` but the workers' logs, with its size and modification time."""
    return {
        str(path): (path.stat().st_size, path.stat().st_mtime_ns)
        for path in folder.rglob("*")
        if path.is_file() and path.suffix != ".log"
    }


def test_tampered_or_foreign_chunks_are_refused_in_one_log_line_and_write_nothing(
    folder: Path, redis_url: str, pool_worker
) -> None:
    _, log = pool_worker
    app, job = make_celery(redis_url), pickled_job(folder)
    signed = sign(task_payload(job, [0]), SECRET.encode())
    before = cache_files(folder)
    sent = {  # what was done to the message -> the line the worker answers with
        "no signature": (app.send_task(TASK_NAME, args=[job, [0]]), UNSIGNED_TASK),
        "changed path": (send(app, job | {"model_path": "/etc/passwd"}, [0], signed), UNSIGNED_TASK),
        "flipped trust": (send(app, job | {"trust_code": True}, [0], signed), UNSIGNED_TASK),
        "own model": (send(app, job | {"own_model": True}, [0], signed), UNSIGNED_TASK),
        "other rows": (send(app, job, [1], signed), UNSIGNED_TASK),
        "wrong secret": (send(app, job, [0], sign(task_payload(job, [0]), b"x" * 40)), UNSIGNED_TASK),
    }
    outside = job | {"background_path": "/etc/passwd"}  # signed with the right secret, and outside the cache
    sent["outside"] = (send(app, outside, [0], sign(task_payload(outside, [0]), SECRET.encode())), "is outside")
    for what, (result, line) in sent.items():
        meta = wait_for_meta(app, result.id)
        assert (meta["status"], meta["result"]["exc_type"]) == ("FAILURE", "TaskRefused"), what
        assert line in meta["result"]["exc_message"][0], what
        wait_for(says(log, f"{result.id}] raised expected"), 30, log)
        lines = [text for text in log.read_text().splitlines() if result.id in text]
        assert len(lines) == 2 and line in lines[1], (what, lines)  # received, then the one line of the refusal
    assert cache_files(folder) == before


def send(app, job: dict, positions: list[int], signature: str):
    return app.send_task(TASK_NAME, args=[job, positions], kwargs={"signature": signature})


def wait_for_meta(app, task_id: str) -> dict:
    """The task's result record as JSON, once there (read raw, as the executor does: nothing is imported)."""
    key = app.backend.get_key_for_task(task_id)
    wait_for(lambda: app.backend.get(key) is not None, 30)
    return app.backend.decode(app.backend.get(key))


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

    lost_before = log.read_text().count(LOST_CHUNK)
    got, _ = run_on_celery(make_project(folder, SLOW, "slow-pool-kill"), redis_url, kill_a_busy_pool_process)
    assert_same(got, slow_expected)
    assert any(count == 2 for (_, event), count in task_events(log).items() if event == "received"), "no redelivery"
    received = [count for (_, event), count in task_events(log).items() if event == "received" and count > 1]
    assert received == [2] * (log.read_text().count(LOST_CHUNK) - lost_before)  # each killed chunk came back once


def test_a_worker_killed_mid_chunk_leaves_it_to_a_worker_started_after_the_visibility_timeout(
    folder: Path, redis_url: str, pool_worker, slow_expected
) -> None:
    victim_log, rescuer_log = folder / "victim.log", folder / "rescuer.log"
    lost: list[str] = []
    with ExitStack() as workers:
        short = worker_env(redis_url, folder, visibility_timeout=VISIBILITY_TIMEOUT)
        victim = workers.enter_context(celery_worker(redis_url, "victim", victim_log, short, concurrency=1))

        def kill_the_victim_mid_chunk() -> None:
            wait_for(lambda: bool(running_tasks(victim_log)), 30, victim_log)
            os.killpg(victim.pid, signal.SIGKILL)  # the worker and its pool process, as if the machine went away
            victim.wait()
            lost.extend(running_tasks(victim_log))
            time.sleep(VISIBILITY_TIMEOUT + 0.5)
            workers.enter_context(celery_worker(redis_url, "rescuer", rescuer_log, short, concurrency=1))

        config = make_project(folder, SLOW, "slow-worker-kill")
        got, _ = run_on_celery(config, redis_url, kill_the_victim_mid_chunk, window=4)
    assert_same(got, slow_expected)
    assert len(lost) == 1, "the victim was not mid-chunk when killed"
    redone = task_events(rescuer_log) + task_events(pool_worker[1])
    assert redone[(lost[0], "succeeded")] == 1
