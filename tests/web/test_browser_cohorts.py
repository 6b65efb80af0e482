"""Cohorts and shared links in headless Chromium: apply a cohort, open a link to a view, read a wrong cohort's error."""

from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import FakeServices
from tests.web.test_browser import open_page, wait_for_count
from tests.web.test_browser_workbench import click

pytestmark = pytest.mark.browser
LINK = "/global?models=Random+forest%2CEBM&scale=native&agreement-k=7&cohort=tenure+%3C+12"


def query_of(dash_duo) -> dict:
    return parse_qs(urlparse(dash_duo.driver.current_url).query)


def test_applying_a_cohort_counts_its_rows_redraws_the_charts_and_keeps_it_in_the_url(dash_duo) -> None:
    services = FakeServices()
    open_page(dash_duo, services, "/global")
    dash_duo.wait_for_contains_text("#cohort-status", "Everyone: 500 rows", timeout=30)
    dash_duo.wait_for_contains_text("#importance-graph", "Global feature importance", timeout=30)
    assert "everyone (outline)" not in dash_duo.find_element("#importance-graph").text
    box = dash_duo.find_element("#cohort-input")
    box.send_keys("tenure<12\n")  # Enter applies
    n = services.cohort_rows("tenure < 12").n_rows
    dash_duo.wait_for_contains_text("#cohort-status", f"Cohort: {n} of 500 rows", timeout=30)
    dash_duo.wait_for_contains_text("#importance-graph", "everyone (outline)", timeout=30)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "grey: everyone", timeout=30)
    assert box.get_attribute("value") == "tenure < 12"  # written back as the link will read it
    WebDriverWait(dash_duo.driver, 30).until(lambda d: query_of(dash_duo).get("cohort") == ["tenure < 12"])
    feature_link = dash_duo.find_element("a.nav-link[href^='/feature']")
    assert feature_link.get_attribute("href").endswith("/feature?cohort=tenure+%3C+12")  # the cohort follows
    click(dash_duo, dash_duo.find_element("#cohort-clear"))
    dash_duo.wait_for_contains_text("#cohort-status", "Everyone: 500 rows", timeout=30)
    WebDriverWait(dash_duo.driver, 30).until(lambda d: "cohort" not in query_of(dash_duo))
    assert dash_duo.get_logs() == []


def test_a_shared_link_restores_the_cohort_and_the_global_view(dash_duo) -> None:
    services = FakeServices()
    open_page(dash_duo, services, LINK)
    n = services.cohort_rows("tenure < 12").n_rows
    dash_duo.wait_for_contains_text("#cohort-status", f"Cohort: {n} of 500 rows", timeout=30)
    assert dash_duo.find_element("#cohort-input").get_attribute("value") == "tenure < 12"
    ticked = {
        e.find_element("xpath", "..").text: e.is_selected()
        for e in dash_duo.find_elements("#model-chooser input[type='checkbox']")
    }
    assert ticked == {"Random forest": True, "Gradient boosting": False, "EBM": True}
    checked = dash_duo.find_element("#scale-toggle input:checked")
    assert checked.get_attribute("value") == "native"
    assert dash_duo.find_element("#agreement-k").get_attribute("value") == "7"
    dash_duo.wait_for_contains_text("#importance-graph", "everyone (outline)", timeout=30)
    assert "Gradient boosting" not in dash_duo.find_element("#importance-graph").text
    wait_for_count(dash_duo, ".beeswarm-graph", 2, timeout=30)  # the unticked model's beeswarm is not drawn
    dash_duo.wait_for_contains_text("#agreement-graph", "cohort tenure < 12", timeout=30)
    k = dash_duo.find_element("#agreement-k")
    k.send_keys("\ue013")  # arrow up: 8
    WebDriverWait(dash_duo.driver, 30).until(lambda d: query_of(dash_duo).get("agreement-k") == ["8"])
    assert query_of(dash_duo)["cohort"] == ["tenure < 12"] and query_of(dash_duo)["models"] == ["Random forest,EBM"]
    assert dash_duo.get_logs() == []


def test_a_wrong_cohort_shows_its_error_in_red_and_the_charts_stay(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/performance?cohort=tenure+%3C+12")
    dash_duo.wait_for_contains_text("#performance-roc", "everyone", timeout=30)
    box = dash_duo.find_element("#cohort-input")
    box.clear()
    box.send_keys("tenure < twelve")
    click(dash_duo, dash_duo.find_element("#cohort-apply"))
    dash_duo.wait_for_contains_text("#cohort-status", "'tenure' is numeric, so write a number", timeout=30)
    assert "text-danger" in dash_duo.find_element("#cohort-status").get_attribute("class")
    assert "everyone" in dash_duo.find_element("#performance-roc").text  # still the last cohort that read
    assert query_of(dash_duo)["cohort"] == ["tenure < 12"]
    assert dash_duo.get_logs() == []
