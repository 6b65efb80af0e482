"""Dash's background-callback manager: a disk cache that never pickles, or Celery on Redis.

Real background jobs run through the managers (a process per call for the disk cache; an embedded
Celery worker on a throwaway redis-server), and the disk cache's SQLite table is then read directly.
"""

from __future__ import annotations

import sqlite3
import stat
import subprocess
import sys
import time
from pathlib import Path

import dash
import plotly.graph_objects as go
import psutil
import pytest
from dash import html
from diskcache.core import MODE_PICKLE

from portal.jobs import JSON_ONLY, UnsafeCacheEntry
from portal.web import CALLBACK_CACHE, QUEUE, CallbackDisk, background_manager, open_callback_cache
from portal.web.app import create_app
from tests.fakes import FakeServices
from tests.jobs.test_store import pickled_rows
from tests.redis_fixture import redis_server

ROOT = Path(__file__).parents[2]


def rows_by_mode(directory: Path) -> dict[int, int]:
    with sqlite3.connect(Path(directory) / "cache.db") as db:
        return dict(db.execute("SELECT mode, COUNT(*) FROM Cache GROUP BY mode").fetchall())


def a_callback(set_progress, title: str):
    """What a page's background callback does: report progress, update a prop aside, return components."""
    set_progress((50, "half way"))
    dash.set_props("note", {"children": f"drawing {title}"})
    figure = go.Figure(go.Heatmap(z=[[1.0, float("nan")], [0.5, 2.0]]), layout={"title": {"text": title}})
    return [html.Div([html.H4(title), dash.dcc.Graph(figure=figure)]), dash.no_update]


def a_failing_callback(set_progress, title: str):
    raise ValueError(f"no interaction values for {title}")


def run_job(manager, fn, args: list, key: str, timeout: float = 30.0) -> dict:
    """Run ``fn`` as Dash runs a background callback; collect what the page would get back."""
    job_fn = manager.make_job_fn(fn, progress=True, key=key)
    job = manager.call_job_fn(key, job_fn, args, {"args": {}})
    deadline = time.monotonic() + timeout
    while not manager.result_ready(key):
        assert time.monotonic() < deadline, "the background job never finished"
        time.sleep(0.05)
    progress = manager.get_progress(key)  # in Dash's order: progress, result, then set_props
    result = manager.get_result(key, job)
    return {"progress": progress, "result": result, "set_props": manager.get_updated_props(key)}


def test_the_callback_disk_keeps_json_and_bytes_and_never_pickles(tmp_path: Path) -> None:
    cache = open_callback_cache(tmp_path / "callbacks")
    figure = go.Figure(go.Bar(x=["a"], y=[1.5]))
    cache.set("secret", b"\x00signing-secret")
    cache.set("result", [html.Div("done", id="x"), figure, 3, "text"])
    cache.set("big", {"values": list(range(20_000))})  # large enough to go to a file
    assert cache.get("secret") == b"\x00signing-secret"
    div, fig, number, text = cache.get("result")
    assert div == {"type": "Div", "namespace": "dash_html_components", "props": {"children": "done", "id": "x"}}
    assert fig["data"][0]["y"] == [1.5] and (number, text) == (3, "text")
    assert cache.get("big")["values"][-1] == 19_999
    assert pickled_rows(tmp_path / "callbacks") == 0
    assert stat.S_IMODE((tmp_path / "callbacks").stat().st_mode) == 0o700
    with pytest.raises(UnsafeCacheEntry):
        cache.set(("a", "tuple"), 1)  # diskcache would pickle this key


def test_a_planted_pickle_is_refused(tmp_path: Path) -> None:
    cache = open_callback_cache(tmp_path / "callbacks")
    cache.set("victim", {"a": 1})
    with sqlite3.connect(tmp_path / "callbacks" / "cache.db") as db:
        db.execute("UPDATE Cache SET mode = ?, value = ? WHERE 1", (MODE_PICKLE, b"cos\nsystem\n(S'true'\ntR."))
    with pytest.raises(UnsafeCacheEntry, match="refusing to unpickle"):
        cache.get("victim")


def test_the_app_runs_background_callbacks_on_a_private_non_pickling_disk_cache(tmp_path: Path) -> None:
    app = create_app(FakeServices(), background_manager(tmp_path))
    manager = app._background_manager
    assert isinstance(manager, dash.DiskcacheManager) and isinstance(manager.handle.disk, CallbackDisk)
    assert manager.handle.directory == str(tmp_path / CALLBACK_CACHE)
    assert stat.S_IMODE((tmp_path / CALLBACK_CACHE).stat().st_mode) == 0o700
    assert app._get_signing_secret() == manager.handle.get(manager.SIGNING_SECRET_KEY)  # shared, as bytes
    default = create_app(FakeServices())._background_manager  # no folder given: a private temporary one
    assert stat.S_IMODE(Path(default.handle.directory).stat().st_mode) == 0o700


def test_a_background_job_in_its_own_process_leaves_no_pickle_behind(tmp_path: Path) -> None:
    manager = background_manager(tmp_path)
    got = run_job(manager, a_callback, ["Forest"], key="job-1")
    assert got["progress"] == [50, "half way"]
    assert got["set_props"] == {"note": {"children": "drawing Forest"}}
    block, unchanged = got["result"]
    assert block["props"]["children"][0]["props"]["children"] == "Forest"
    heatmap = block["props"]["children"][1]["props"]["figure"]["data"][0]
    assert heatmap["z"] == [[1.0, None], [0.5, 2.0]]  # NaN as null: strict JSON, as Dash sends it
    assert unchanged == {"_dash_no_update": "_dash_no_update"}
    failed = run_job(manager, a_failing_callback, ["EBM"], key="job-2")["result"]
    assert failed["background_callback_error"]["msg"] == "no interaction values for EBM"
    manager.get_or_create_signing_secret(lambda: b"secret")
    directory = tmp_path / CALLBACK_CACHE
    assert pickled_rows(directory) == 0 and set(rows_by_mode(directory)) <= {1, 2, 3}  # raw, binary, text


def test_with_a_redis_url_the_manager_is_celery_on_its_own_json_only_queue(tmp_path: Path) -> None:
    from celery.contrib.testing.worker import start_worker

    with redis_server(tmp_path) as url:
        manager = background_manager(tmp_path, url)
        assert isinstance(manager, dash.CeleryManager) and not (tmp_path / CALLBACK_CACHE).exists()
        celery = manager.handle
        assert celery.conf.task_default_queue == QUEUE  # not the explanation chunks' queue
        assert {key: celery.conf[key] for key in JSON_ONLY} == dict(JSON_ONLY)  # the workers' one configuration
        job_fn = manager.make_job_fn(a_callback, progress=True, key="job-celery")
        with start_worker(celery, pool="solo", perform_ping_check=False, loglevel="WARNING"):
            got = run_job(manager, a_callback, ["Forest"], key="job-celery")
        assert job_fn.name == "background_callback_job-celery"
        assert got["progress"] == [50, "half way"]
        assert got["set_props"] == {"note": {"children": "drawing Forest"}}
        block, unchanged = got["result"]
        assert block["props"]["children"][0]["props"]["children"] == "Forest"
        assert unchanged == {"_dash_no_update": "_dash_no_update"}


def test_a_background_process_ends_with_the_server_that_started_it() -> None:
    """A process calls end_with_parent() and sleeps; its parent exits at once; the process must follow."""
    code = (
        "import os, time\n"
        "from portal.jobs import end_with_parent\n"
        "pid = os.fork()\n"
        "if pid == 0:\n"
        "    end_with_parent(every=0.1)\n"
        "    time.sleep(60)\n"
        "    os._exit(1)\n"
        "print(pid, flush=True)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    orphan = psutil.Process(int(done.stdout))
    try:
        orphan.wait(timeout=10)
    except psutil.TimeoutExpired:
        orphan.kill()
        pytest.fail("the background process outlived its parent")


def test_the_watch_starts_once_per_process() -> None:
    """A Celery pool process runs callback after callback: one watching thread, not one per callback."""
    code = (
        "import threading\n"
        "from portal.jobs import end_with_parent\n"
        "end_with_parent(); end_with_parent()\n"
        "print(sum(t.name == 'end-with-parent' for t in threading.enumerate()))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    assert done.stdout.strip() == "1"


def test_the_page_worker_names_what_it_needs_before_it_opens_a_project(monkeypatch) -> None:
    from portal.web import page_worker

    monkeypatch.delenv("PORTAL_CONFIG", raising=False)
    with pytest.raises(RuntimeError, match="needs PORTAL_CONFIG in its environment"):
        page_worker.celery_app  # noqa: B018
    monkeypatch.setenv("PORTAL_CONFIG", "demo:churn")
    monkeypatch.delenv("PORTAL_REDIS_URL", raising=False)
    with pytest.raises(RuntimeError, match="needs PORTAL_REDIS_URL in its environment"):
        page_worker.celery_app  # noqa: B018
    with pytest.raises(AttributeError, match="no attribute 'nothing'"):
        page_worker.nothing  # noqa: B018


def test_the_page_worker_starts_by_the_new_path_and_the_old_one(monkeypatch) -> None:
    """``celery -A portal.callback_manager:celery_app`` was the README's command: it resolves to the same app."""
    from celery.utils.imports import symbol_by_name

    from portal.web import page_worker

    built = object()  # stands for the app a real worker builds from its project
    monkeypatch.setattr(page_worker, "_worker_celery", lambda: built)
    assert symbol_by_name("portal.web.page_worker:celery_app") is built
    assert symbol_by_name("portal.callback_manager:celery_app") is built
