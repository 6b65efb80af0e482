"""The portal in headless Chromium (dash.testing): pages render, panes fill in, the URL remembers."""

from __future__ import annotations

import json
from dataclasses import replace

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal.results import ProtectedColumn
from portal.web.app import create_app
from tests.fakes import FakeServices

pytestmark = pytest.mark.browser
MODELS = ["Random forest", "Gradient boosting", "EBM"]


def open_page(dash_duo, services: FakeServices, path: str) -> None:
    dash_duo.start_server(create_app(services))
    dash_duo.driver.get(dash_duo.server_url + path)


def wait_for_count(dash_duo, selector: str, count: int, timeout: float = 10) -> list:
    WebDriverWait(dash_duo.driver, timeout).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, selector)) == count)
    return dash_duo.find_elements(selector)


def test_overview_shows_the_summary_and_every_models_metrics(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/")
    dash_duo.wait_for_contains_text(".metrics-graph", "Held-out metrics", timeout=10)
    table = dash_duo.find_element(".metrics-graph").text
    assert all(name in table for name in MODELS) and "AUC" in table and "0.855" in table
    assert "Positive class" in dash_duo.find_element(".summary").text
    assert dash_duo.driver.title == "Telco customer churn (fake)"
    assert dash_duo.get_logs() == []


def test_the_overview_lists_every_protected_attribute_and_whether_models_use_it(dash_duo) -> None:
    """The loan demo's age and marital status are protected and model inputs: the first page must say so
    (it used to list only protected columns that are not inputs, and so showed none)."""
    services = FakeServices()
    loan_like = replace(services.facts(), protected=(ProtectedColumn("age", True), ProtectedColumn("marital", True)))
    services.facts = lambda: loan_like
    open_page(dash_duo, services, "/")
    dash_duo.wait_for_contains_text(".summary", "Protected", timeout=10)
    assert "age (model input), marital (model input)" in dash_duo.find_element(".summary").text
    assert dash_duo.get_logs() == []


#: The beeswarm cards' headers (the stacked force plot's cards below them have theirs).
BEESWARM_HEADERS = ".model-header:not(.stacked-card .model-header)"


def test_global_shows_the_importance_chart_and_one_beeswarm_per_model(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/global")
    dash_duo.wait_for_contains_text("#importance-graph", "Global feature importance", timeout=10)
    swarms = wait_for_count(dash_duo, ".beeswarm-graph", 3)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "of 500 rows", timeout=10)
    assert all(s.find_elements(By.CSS_SELECTOR, "canvas") for s in swarms)  # WebGL points
    headers = [e.text for e in dash_duo.find_elements(BEESWARM_HEADERS)]
    assert headers == MODELS
    choose_own_scale(dash_duo)
    dash_duo.find_elements(".mode-toggle label")[1].click()
    dash_duo.wait_for_contains_text("#importance-graph", "Scales differ", timeout=10)
    assert dash_duo.get_logs() == []


def test_local_preselects_the_row_from_the_url_and_shows_one_waterfall_per_model(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00042")
    wait_for_count(dash_duo, ".waterfall-graph", 3)
    lines = [e.text for e in dash_duo.find_elements(".prediction")]
    assert len(lines) == 3 and lines[0].startswith("Prediction") and "(probability), base value 0.27" in lines[0]
    assert all("(probability)" in line for line in lines)  # the common scale by default
    assert "C00042" in dash_duo.find_element("#row-picker").text
    assert dash_duo.get_logs() == []


def test_searching_a_row_lists_matches_from_the_server_and_puts_the_choice_in_the_url(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local")
    wait_for_count(dash_duo, ".waterfall-graph", 3)
    dash_duo.find_element("#row-picker").click()
    dash_duo.find_element(".dash-dropdown-search").send_keys("0049")
    dash_duo.wait_for_contains_text(".dash-dropdown-options", "C00049", timeout=10)
    options = dash_duo.find_elements(".dash-dropdown-option")
    assert 1 <= len(options) <= 50
    next(o for o in options if o.text == "C00049").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.current_url.endswith("/local?id=C00049"))
    dash_duo.wait_for_contains_text(".key-values", "Key values", timeout=10)


def test_a_running_model_shows_its_rows_so_far_then_all_rows_without_a_reload(dash_duo) -> None:
    services = FakeServices(running=("EBM",))
    open_page(dash_duo, services, "/global")
    choose_own_scale(dash_duo)
    dash_duo.wait_for_contains_text(".progress-area", "EBM", timeout=10)
    assert "3 of 10 chunks" in dash_duo.find_element(".progress-area").text
    swarms = wait_for_count(dash_duo, ".beeswarm-graph", 3)
    dash_duo.wait_for_contains_text("#importance-note", "EBM: 150 of 500 rows so far", timeout=10)
    assert "computed so far: 150 of 500" in swarms[2].text
    services.finish("EBM")
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: not [r for r in d.find_elements(By.CSS_SELECTOR, ".progress-row") if r.is_displayed()]
    )
    dash_duo.wait_for_text_to_equal("#importance-note", "", timeout=10)
    assert "computed so far" not in dash_duo.find_elements(".beeswarm-graph")[2].text


def test_the_progress_button_cancels_and_resumes_a_job(dash_duo) -> None:
    services = FakeServices(running=("EBM",))
    open_page(dash_duo, services, "/global")
    action = f"[id='{_pattern_id('job-action', 'EBM')}']"
    dash_duo.wait_for_text_to_equal(action, "Cancel", timeout=10)
    dash_duo.find_element(action).click()
    dash_duo.wait_for_text_to_equal(action, "Resume", timeout=10)
    assert services.progress("EBM").state == "cancelled"
    dash_duo.find_element(action).click()
    dash_duo.wait_for_text_to_equal(action, "Cancel", timeout=10)
    assert services.progress("EBM").state == "running"


def choose_own_scale(dash_duo) -> None:
    """Switch /global or /local from the common scale (the default) to each model's own."""
    dash_duo.wait_for_element(".scale-toggle label", timeout=10)
    dash_duo.find_elements(".scale-toggle label")[1].click()


def _pattern_id(kind: str, model: str) -> str:
    """The DOM id Dash gives a dict id: its JSON with sorted keys and no spaces."""
    return json.dumps({"model": model, "type": kind}, separators=(",", ":"), sort_keys=True)
