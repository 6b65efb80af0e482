"""/local's row search in headless Chromium: the cohort grammar's filters on predictions, sorted by risk."""

from __future__ import annotations

import numpy as np
import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import FakeServices
from tests.web.test_browser import open_page
from tests.web.test_browser_workbench import click

pytestmark = pytest.mark.browser
GB = "Gradient boosting"


def test_a_search_on_a_prediction_sorted_by_risk_lists_the_highest_first(dash_duo) -> None:
    services = FakeServices()
    open_page(dash_duo, services, "/local")
    dash_duo.wait_for_element("#row-search-sort", timeout=30)
    dash_duo.select_dcc_dropdown("#row-search-sort", f"Highest prediction: {GB} first")
    box = dash_duo.find_element("#row-search-text")
    box.send_keys(f"prediction: {GB} > 0.8\n")
    heading = f"rows where prediction: {GB} > 0.8, highest prediction: {GB} first"
    dash_duo.wait_for_contains_text("#row-search-results", heading, timeout=30)
    predicted, _error = services._cohort_predictions(GB)  # the fake's probabilities of churn, every row
    order = np.argsort(-predicted, kind="stable")
    expected = [services.row_ids()[i] for i in order if predicted[i] > 0.8][:50]
    shown = [a.text for a in dash_duo.find_elements(".search-match")]
    assert shown == expected and len(expected) > 10
    cells = [float(td.text) for td in dash_duo.find_elements(".match-table tbody tr td:nth-child(2)")]
    assert cells == sorted(cells, reverse=True) and min(cells) > 0.8
    first = dash_duo.find_elements(".search-match")[0]
    assert "search-sort=prediction%3A+Gradient+boosting" in first.get_attribute("href")  # the link keeps the sort
    WebDriverWait(dash_duo.driver, 5).until(lambda d: dash_duo.get_logs() == [])


def test_a_cohort_thin_in_the_common_sample_offers_each_models_own_scale(dash_duo) -> None:
    services = FakeServices()
    open_page(dash_duo, services, "/global?cohort=tenure+%3C+12")
    n = services.cohort_rows("tenure < 12").n_rows
    dash_duo.wait_for_contains_text("#importance-note", f"of the cohort's {n} rows: a thin basis", timeout=30)
    click(dash_duo, dash_duo.find_element("#to-own-scale"))
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: dash_duo.find_element("#scale-toggle input:checked").get_attribute("value") == "native"
    )
    dash_duo.wait_for_contains_text("#importance-graph", "everyone (outline)", timeout=30)
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: "sample holds" not in dash_duo.find_element("#importance-note").text
    )
    assert dash_duo.get_logs() == []
