"""Signed Celery work without a broker: signatures, the worker's own trust, the files a chunk may name, the secret.

The same checks run on a real worker in ``test_celery.py``; here each rule is asserted on its own.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import numpy as np
import pytest

from portal.config import ConfigError, load_config
from portal.jobs import TASK_SECRET_ENV, TaskRefused, canonical, sign, verify, vetted_job, worker_projects
from portal.jobs.celery_runner import (
    PICKLE_REFUSED,
    UNSIGNED_RESULT,
    UNSIGNED_TASK,
    CeleryExecutor,
    WorkerError,
    checked_job,
    encode_array,
    make_celery,
    result_payload,
    task_payload,
)
from portal.project import open_runner

ROOT = Path(__file__).parents[2]
SECRET = b"s" * 40
PROJECT = """
[data]
source = "table.csv"
target = "bought"
[[models]]
name = "Forest"
kind = "random_forest"
[[models]]
name = "Theirs"
path = "theirs.skops"
trusted = ["mylib.Scorecard"]
[[models]]
name = "Pickled"
path = "theirs.pkl"
trust = true
[cache]
dir = "{cache}"
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    (tmp_path / "table.csv").write_text("age,bought\n1,yes\n2,no\n")
    for name in ("theirs.skops", "theirs.pkl"):
        (tmp_path / name).write_bytes(b"never loaded here")
    (tmp_path / "project.toml").write_text(PROJECT.format(cache=tmp_path / "cache"))
    return tmp_path


@pytest.fixture
def projects(folder: Path) -> tuple:
    return (load_config(folder / "project.toml"),)


def job_of(folder: Path, model: str = "Forest", **changes) -> dict:
    """A chunk as the portal sends it: its files in the project's cache, the model's file where the project has it."""
    frames, models = folder / "cache" / "frames", folder / "cache" / "models"
    paths = {"Forest": models / "abc.skops", "Theirs": folder / "theirs.skops", "Pickled": folder / "theirs.pkl"}
    job = {"key": "k", "model_name": model, "model_path": str(paths[model]), "own_model": model == "Forest"}
    job |= {"trusted": [], "trust_code": False, "data_path": str(frames / "rows.parquet"), "order_path": ""}
    return job | {"background_path": str(frames / "background.parquet"), **changes}


def test_the_signature_covers_the_canonical_form_and_nothing_else_verifies() -> None:
    value = {"b": [1, 2.5, "x"], "a": {"z": True, "y": None}}
    assert canonical(value) == b'{"a":{"y":null,"z":true},"b":[1,2.5,"x"]}'
    signature = sign(value, SECRET)
    assert verify({"a": {"z": True, "y": None}, "b": (1, 2.5, "x")}, signature, SECRET)  # key order, tuples
    assert not verify(value | {"b": [1, 2.5, "y"]}, signature, SECRET)
    assert not verify(value, signature, b"t" * 40)
    for bad in (None, "", signature.upper(), 42):
        assert not verify(value, bad, SECRET)
    assert not verify({"x": float("nan")}, signature, SECRET)  # not strict JSON: never signed


@pytest.mark.parametrize(
    "tamper",
    [
        lambda job, positions: (job | {"data_path": "/etc/passwd"}, positions),
        lambda job, positions: (job | {"model_path": "/tmp/evil.skops"}, positions),
        lambda job, positions: (job | {"trust_code": True}, positions),
        lambda job, positions: (job | {"own_model": False}, positions),
        lambda job, positions: (job | {"trusted": ["os.system"]}, positions),
        lambda job, positions: (job, [*positions, 3]),
    ],
    ids=["data path", "model path", "trust code", "own model", "trusted", "rows"],
)
def test_a_payload_changed_after_signing_is_refused(folder: Path, projects, tamper) -> None:
    job, positions = job_of(folder), [0, 1]
    signature = sign(task_payload(job, positions), SECRET)
    assert checked_job(job, positions, signature, secret=SECRET, projects=projects)["model_name"] == "Forest"
    changed, changed_positions = tamper(dict(job), list(positions))
    with pytest.raises(TaskRefused, match=re.escape(UNSIGNED_TASK)):
        checked_job(changed, changed_positions, signature, secret=SECRET, projects=projects)


def test_a_missing_signature_or_another_secret_is_refused(folder: Path, projects) -> None:
    job = job_of(folder)
    for signature in (None, sign(task_payload(job, [0]), b"o" * 40)):
        with pytest.raises(TaskRefused, match=re.escape(UNSIGNED_TASK)):
            checked_job(job, [0], signature, secret=SECRET, projects=projects)


def test_trust_comes_from_the_workers_project_never_from_the_message(folder: Path, projects) -> None:
    claims = {"own_model": True, "trusted": ["os.system"], "trust_code": True}
    assert {key: vetted_job(job_of(folder, "Forest") | claims, projects)[key] for key in claims} == {
        "own_model": True,  # the portal's own file in its private cache
        "trusted": [],
        "trust_code": False,
    }
    theirs = vetted_job(job_of(folder, "Theirs") | claims, projects)
    assert (theirs["own_model"], theirs["trusted"], theirs["trust_code"]) == (False, ["mylib.Scorecard"], False)
    modest = {"own_model": False, "trusted": [], "trust_code": False}
    assert vetted_job(job_of(folder, "Pickled") | modest, projects)["trust_code"] is True  # the project says so


def test_a_pickle_the_project_trusts_still_needs_the_workers_own_consent(folder: Path, projects, monkeypatch) -> None:
    job = job_of(folder, "Pickled")
    signature = sign(task_payload(job, [0]), SECRET)
    monkeypatch.delenv("PORTAL_WORKER_TRUST_CODE", raising=False)
    with pytest.raises(TaskRefused, match="refuses pickle"):
        checked_job(job, [0], signature, secret=SECRET, projects=projects)
    assert str(TaskRefused(PICKLE_REFUSED)) == PICKLE_REFUSED
    monkeypatch.setenv("PORTAL_WORKER_TRUST_CODE", "1")
    assert checked_job(job, [0], signature, secret=SECRET, projects=projects)["trust_code"] is True


@pytest.mark.parametrize(
    ("model", "changes", "line"),
    [
        ("Forest", {"background_path": "/etc/passwd"}, "background_path /etc/passwd is outside the cache"),
        ("Forest", {"order_path": "/etc/order.npy"}, "order_path /etc/order.npy is outside the cache"),
        ("Forest", {"model_path": "/etc/abc.skops"}, "model_path /etc/abc.skops is neither in the cache"),
        ("Theirs", {"model_path": "{folder}/cache/models/abc.skops"}, "is neither in the cache"),  # not its file
        ("Forest", {"data_path": "{folder}/cache/../table.csv"}, "no project of this worker"),
        ("Forest", {"model_name": "Unknown"}, "has a model 'Unknown'"),
    ],
)
def test_files_outside_the_cache_and_unknown_models_are_refused(folder: Path, projects, model, changes, line) -> None:
    job = job_of(folder, model, **{key: value.format(folder=folder) for key, value in changes.items()})
    with pytest.raises(TaskRefused, match=line):
        vetted_job(job, projects)


def test_two_projects_on_one_cache_must_agree_on_a_models_trust(folder: Path, projects) -> None:
    text = (folder / "project.toml").read_text().replace('trusted = ["mylib.Scorecard"]', "")
    (folder / "other.toml").write_text(text)
    both = (*projects, load_config(folder / "other.toml"))
    assert vetted_job(job_of(folder, "Forest"), both)["own_model"] is True  # they agree on this one
    with pytest.raises(TaskRefused, match="trust model 'Theirs' differently"):
        vetted_job(job_of(folder, "Theirs"), both)


def test_the_workers_projects_are_named_by_portal_config(folder: Path, monkeypatch) -> None:
    monkeypatch.delenv("PORTAL_CONFIG", raising=False)
    with pytest.raises(ConfigError, match="PORTAL_CONFIG: is not set"):
        worker_projects()
    monkeypatch.setenv("PORTAL_CONFIG", f"{folder / 'project.toml'}, {folder / 'project.toml'}")
    assert [config.cache_dir for config in worker_projects()] == [folder / "cache"] * 2


def test_celery_mode_does_not_start_without_a_long_enough_secret(folder: Path, projects, monkeypatch) -> None:
    monkeypatch.delenv(TASK_SECRET_ENV, raising=False)
    with pytest.raises(ConfigError, match=r"PORTAL_TASK_SECRET: is not set.*Fix: set PORTAL_TASK_SECRET"):
        CeleryExecutor(make_celery("redis://127.0.0.1:9/0"))
    config = projects[0]
    config = replace(config, redis_url="redis://127.0.0.1:9/0")  # nothing listens: the secret is asked first
    with pytest.raises(ConfigError, match="PORTAL_TASK_SECRET: is not set"):
        open_runner(config, log=lambda _: None)
    monkeypatch.setenv(TASK_SECRET_ENV, "short")
    with pytest.raises(ConfigError, match="has 5 characters; at least 32"):
        CeleryExecutor(make_celery("redis://127.0.0.1:9/0"))


def test_a_worker_without_its_secret_stops_at_start_in_one_line() -> None:
    env = {key: value for key, value in os.environ.items() if key not in (TASK_SECRET_ENV, "PORTAL_CONFIG")}
    env["PORTAL_REDIS_URL"] = "redis://127.0.0.1:9/0"  # never reached
    command = [sys.executable, "-m", "celery", "-A", "portal.jobs.celery_runner", "worker", "--loglevel", "info"]
    done = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=env, timeout=120)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert done.stderr.startswith("error: PORTAL_TASK_SECRET: is not set") and "Traceback" not in done.stderr


def test_the_portal_refuses_a_result_that_is_unsigned_altered_or_another_tasks() -> None:
    executor = CeleryExecutor(make_celery("redis://127.0.0.1:9/0"), secret=SECRET)  # nothing connects
    backend = executor.app.backend
    values = np.arange(6.0).reshape(3, 2)
    result = {"arrays": {n: encode_array(values) for n in ("values", "base_values", "outputs")}}
    result["worker"] = {"hostname": "w@h", "pid": 7}

    def outcome(task_id: str, signature: str | None, arrays: dict | None = None):
        body = {**result, "arrays": arrays or result["arrays"], "signature": signature}
        return executor._outcome(task_id, backend.encode({"status": "SUCCESS", "result": body}), backend)

    decoded = {name: values for name in ("values", "base_values", "outputs")}
    good = sign(result_payload("t1", result["worker"], decoded), SECRET)
    np.testing.assert_array_equal(outcome("t1", good)["values"], values)
    altered = {**result["arrays"], "values": encode_array(values + 1)}
    for task_id, signature, arrays in (("t1", None, None), ("t2", good, None), ("t1", good, altered)):
        error = outcome(task_id, signature, arrays)
        assert isinstance(error, WorkerError) and str(error) == UNSIGNED_RESULT
