"""The churn demo as a user meets it: the CLI serves it, a real browser waits for every model's charts.

The demo's own data and model kinds, served by ``python -m portal serve`` (waitress, worker processes,
a fresh private cache), with smaller forests so the suite stays quick.
"""

from __future__ import annotations

import socket
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.project.test_project import FAST_CHURN

pytestmark = pytest.mark.browser
ROOT = Path(__file__).parents[2]
MODELS = ["Random forest", "Gradient boosting", "EBM"]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@contextmanager
def serving(folder: Path, project_text: str) -> Iterator[str]:
    """``python -m portal serve`` on ``project_text`` with a private cache in ``folder``; yields its URL."""
    config = folder / "project.toml"
    config.write_text(project_text + f'\n[cache]\ndir = "{folder / "cache"}"\n')
    url = f"http://127.0.0.1:{free_port()}"
    with (folder / "server.log").open("w") as log:
        server = subprocess.Popen(
            [sys.executable, "-m", "portal", "serve", "--config", str(config), "--port", url.rsplit(":", 1)[1]],
            cwd=ROOT,
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(url, server, folder / "server.log")
            yield url
        finally:
            server.terminate()
            server.wait(timeout=30)


@pytest.fixture(scope="module")
def demo_url(tmp_path_factory: pytest.TempPathFactory):
    with serving(tmp_path_factory.mktemp("demo"), FAST_CHURN) as url:
        yield url


def wait_until_serving(url: str, server: subprocess.Popen, log: Path, timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server stopped:\n{log.read_text()}")
        try:
            urllib.request.urlopen(url, timeout=2)
            return
        except OSError:
            time.sleep(0.5)
    raise AssertionError(f"the server did not answer in {timeout} s:\n{log.read_text()}")


def charts(dash_br, selector: str, count: int, timeout: float = 180) -> list:
    """Wait until ``count`` charts are drawn (plotly's svg is inside), polling while jobs finish."""
    WebDriverWait(dash_br.driver, timeout, poll_frequency=1).until(
        lambda d: len(d.find_elements(By.CSS_SELECTOR, f"{selector} .main-svg")) >= count
    )
    return dash_br.driver.find_elements(By.CSS_SELECTOR, selector)


def all_jobs_done(dash_br, timeout: float = 180) -> None:
    """The progress rows hide themselves once every model's explanation is complete."""
    WebDriverWait(dash_br.driver, timeout, poll_frequency=1).until(
        lambda d: (
            d.find_elements(By.CSS_SELECTOR, ".progress-row")
            and not [r for r in d.find_elements(By.CSS_SELECTOR, ".progress-row") if r.is_displayed()]
        )
    )


def test_global_page_shows_every_models_charts_once_explained(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/global")
    charts(dash_br, ".beeswarm-graph", 3)  # from the rows computed so far, then from all rows
    all_jobs_done(dash_br)
    WebDriverWait(dash_br.driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(
        lambda d: all(
            "of 7,043 rows" in s.text and "so far" not in s.text
            for s in d.find_elements(By.CSS_SELECTOR, ".beeswarm-graph")
        )
    )
    swarms = dash_br.driver.find_elements(By.CSS_SELECTOR, ".beeswarm-graph")
    headers = dash_br.driver.find_elements(By.CSS_SELECTOR, ".model-header:not(.stacked-card .model-header)")
    assert [e.text for e in headers] == MODELS  # the beeswarms' (the stacked force plot's card has one too)
    assert len(swarms) == 3 and "exact: " in swarms[0].text  # the forest's own values, in probability already
    assert all("approximate: sampled permutations" in s.text for s in swarms[1:])  # 18 columns: sampled
    assert all("feature value" in s.text and "high" in s.text for s in swarms)  # coloured by value, with its bar
    importance = dash_br.driver.find_element(By.ID, "importance-graph").text
    assert "Global feature importance" in importance and "contract" in importance
    assert "20 of 7,043 rows (seeded sample)" in importance and "mean |SHAP| (probability)" in importance


def test_local_page_shows_one_waterfall_per_model_for_a_customer(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/local?id=C00003")
    charts(dash_br, ".waterfall-graph", 3)
    lines = [e.text for e in dash_br.driver.find_elements(By.CSS_SELECTOR, ".prediction")]
    assert len(lines) == 3
    assert all("(probability)" in line for line in lines)  # the common scale, explained on demand


def test_local_force_link_draws_a_force_bar_per_model_and_the_decision_plot(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/local?id=C00003&chart=force")
    wait_text(dash_br, ".force-graph", "prediction", timeout=180)
    script = "return Array.from(document.querySelectorAll('{}')).map(g => g.data.map(t => [t.type, t.name]));"
    force = dash_br.driver.execute_script(script.format(".force-graph .js-plotly-plot"))
    assert [name for kind, name in force[0] if kind == "bar"] == MODELS
    wait_text(dash_br, ".decision-graph", "base value")
    decision = dash_br.driver.execute_script(script.format(".decision-graph .js-plotly-plot"))
    assert [name for _, name in decision[0]] == MODELS


def wait_text(dash_br, selector: str, text: str, timeout: float = 60) -> None:
    stale = (StaleElementReferenceException,)
    WebDriverWait(dash_br.driver, timeout, poll_frequency=0.5, ignored_exceptions=stale).until(
        lambda d: any(text in e.text for e in d.find_elements(By.CSS_SELECTOR, selector))
    )


def test_a_feature_link_restores_its_view_and_a_new_choice_is_written_back(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/feature?feature=monthly_charges&colour-by=contract")
    wait_text(dash_br, "#dependence-graph", "How each model uses monthly_charges", timeout=180)
    text = dash_br.driver.find_element(By.ID, "dependence-graph").text
    assert all(f"{m} (" in text for m in MODELS) and "contract = Month-to-month" in text
    assert "of 7,043 rows" in text
    dash_br.driver.get(demo_url + "/feature?feature=tenure&colour-by=contract&cohort=tenure+%3C+12")
    wait_text(dash_br, "#dependence-graph", "How each model uses tenure")
    wait_text(dash_br, "#cohort-status", "of 7,043 rows")
    assert dash_br.driver.find_element(By.ID, "cohort-input").get_attribute("value") == "tenure < 12"


def test_performance_draws_every_curve_and_the_threshold_moves_the_confusion(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/performance")
    wait_text(dash_br, "#confusion-graph", "Confusion at threshold 0.50", timeout=180)
    page = dash_br.driver.page_source
    assert all(f"{m} (AUC 0." in page for m in MODELS) and "1,761 held-out rows" in page
    handle = dash_br.driver.find_element(By.CSS_SELECTOR, "#threshold-slider [role='slider']")
    handle.send_keys("\ue014" * 10)  # arrow right ten times: keyboard-friendly
    wait_text(dash_br, "#confusion-graph", "Confusion at threshold 0.60")


def test_a_global_link_restores_models_scale_and_cohort(dash_br, demo_url: str) -> None:
    dash_br.driver.get(demo_url + "/global?models=Random+forest,EBM&scale=native&cohort=contract+%3D+Month-to-month")
    wait_text(dash_br, "#cohort-status", "Cohort: 3,875 of 7,043 rows", timeout=180)
    checked = dash_br.driver.find_element(By.CSS_SELECTOR, "#scale-toggle input:checked")
    assert checked.get_attribute("value") == "native"
    wait_text(dash_br, "#importance-graph", "everyone (outline)")
    assert "Gradient boosting" not in dash_br.driver.find_element(By.ID, "importance-graph").text
    charts(dash_br, ".beeswarm-graph", 2)


@pytest.mark.parametrize("path", ["/", "/global", "/local?id=C00003", "/feature", "/performance", "/interactions"])
def test_no_churn_page_has_a_serious_accessibility_violation(dash_br, demo_url: str, path: str) -> None:
    """WCAG 2.1 AA by axe-core on the real demo (its /fairness: tests/web/test_fairness_browser.py, on loan)."""
    from tests.web.accessibility import serious_violations

    dash_br.driver.get(demo_url + path)
    if path == "/interactions":  # no chart until Compute
        WebDriverWait(dash_br.driver, 60).until(lambda d: d.find_elements(By.CSS_SELECTOR, "button"))
    else:
        charts(dash_br, ".js-plotly-plot", 1, timeout=120)
    assert serious_violations(dash_br.driver, settle=2.0) == []
