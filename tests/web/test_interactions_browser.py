"""/interactions in headless Chromium: Compute runs as a background callback in a process of its own.

A small real project is computed through the app's DiskcacheManager, whose SQLite table is then read:
no pickled row; and, with Redis, on Dash's Celery worker started as the README says. The fake project's
slow mode shows the progress line and the cancel button.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from portal.web import CALLBACK_CACHE, background_manager, dash_celery
from portal.web.app import create_app
from tests.fakes import FakeServices
from tests.jobs.test_store import pickled_rows
from tests.project.test_interactions import small_project
from tests.redis_fixture import redis_server
from tests.web.test_background_callbacks import rows_by_mode

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parents[2]


def open_interactions(dash_duo, services, cache: Path) -> None:
    dash_duo.start_server(create_app(services, background_manager(cache)))
    dash_duo.driver.get(dash_duo.server_url + "/interactions")
    dash_duo.wait_for_text_to_equal("#interaction-compute", "Compute", timeout=10)


def choose_rows(dash_duo, rows: str) -> None:
    next(label for label in dash_duo.find_elements("#interaction-rows label") if label.text == rows).click()


def test_compute_draws_the_heatmap_of_a_real_model_and_the_callback_cache_holds_no_pickle(dash_duo, tmp_path) -> None:
    project = small_project(tmp_path)
    open_interactions(dash_duo, project, tmp_path / "dash")
    assert "Glass box: interaction values need a tree model" in dash_duo.find_element(".interaction-why-not").text
    choose_rows(dash_duo, "50")
    dash_duo.find_element("#interaction-compute").click()
    dash_duo.wait_for_contains_text(".interaction-graph", "Feature interactions: Forest", timeout=60)
    graph = dash_duo.find_element(".interaction-graph").text
    assert "probability · exact: SHAP interaction values" in graph and "50 of 300 rows (seeded sample)" in graph
    first_pair = dash_duo.find_elements(".interaction-pairs tbody tr")[0].text
    assert first_pair.startswith("1 ") and " × " in first_pair
    found = project.interactions("Forest", 50, progress=lambda *_: pytest.fail("the page's result was not stored"))
    assert found.n_rows == 50
    callback_cache = tmp_path / "dash" / CALLBACK_CACHE
    assert rows_by_mode(callback_cache) and pickled_rows(callback_cache) == 0  # the signing secret at least
    assert pickled_rows(project.store.root / "index") == 0  # the portal's other diskcache database
    assert dash_duo.get_logs() == []


def test_a_slow_compute_shows_progress_and_can_be_cancelled(dash_duo, tmp_path) -> None:
    services = FakeServices()
    services.interaction_delay = 1.5  # a quarter of the rows every 1.5 s
    open_interactions(dash_duo, services, tmp_path / "dash")
    dash_duo.find_element("#interaction-compute").click()
    dash_duo.wait_for_contains_text("#interaction-status", "of 100 rows", timeout=20)
    assert not dash_duo.find_element("#interaction-running").get_attribute("style")  # shown while it runs
    dash_duo.find_element("#interaction-cancel").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda _: dash_duo.find_element("#interaction-compute").is_enabled())
    assert "display: none" in dash_duo.find_element("#interaction-running").get_attribute("style")
    assert "press Compute" in dash_duo.find_element("#interaction-result").text
    services.interaction_delay = 0.0
    dash_duo.find_element("#interaction-compute").click()
    dash_duo.wait_for_contains_text(".interaction-pairs", "tenure × contract", timeout=20)


@contextmanager
def dash_celery_worker(redis_url: str, config: Path, log: Path) -> Iterator[None]:
    """Dash's Celery worker as the README starts it; ready once it answers a ping."""
    env = {**os.environ, "PORTAL_REDIS_URL": redis_url, "PORTAL_CONFIG": str(config), "PORTAL_TASK_SECRET": "s" * 40}
    command = [sys.executable, "-m", "celery", "-A", "portal.web.page_worker:celery_app", "worker"]
    command += ["--concurrency", "1", "--loglevel", "info", "-n", "dash@%h", "--without-mingle"]
    with open(log, "w") as output:
        process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=output, stderr=subprocess.STDOUT)
    try:
        ping = dash_celery(redis_url)
        deadline = time.monotonic() + 180
        while not ping.control.ping(timeout=0.5):
            assert process.poll() is None and time.monotonic() < deadline, log.read_text()[-3000:]
        yield
    finally:
        process.terminate()
        try:
            process.wait(20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_with_redis_compute_runs_on_dashs_celery_worker_and_the_result_is_stored(dash_duo, tmp_path) -> None:
    project = small_project(tmp_path)  # trains the models into the cache the worker will load them from
    with redis_server(tmp_path) as url, dash_celery_worker(url, tmp_path / "project.toml", tmp_path / "worker.log"):
        dash_duo.start_server(create_app(project, background_manager(tmp_path, url)))
        dash_duo.driver.get(dash_duo.server_url + "/interactions")
        dash_duo.wait_for_text_to_equal("#interaction-compute", "Compute", timeout=10)
        choose_rows(dash_duo, "50")
        dash_duo.find_element("#interaction-compute").click()
        dash_duo.wait_for_contains_text(".interaction-graph", "50 of 300 rows", timeout=120)
    assert re.search(r"Task background_callback_\w+\[[\w-]+\] succeeded", (tmp_path / "worker.log").read_text())
    found = project.interactions("Forest", 50, progress=lambda *_: pytest.fail("the worker's result was not stored"))
    assert found.n_rows == 50 and not (tmp_path / CALLBACK_CACHE).exists()
