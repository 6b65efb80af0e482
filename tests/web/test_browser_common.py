"""The scale toggle in headless Chromium: the common scale by default, each model's own on a click or a key."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.keys import Keys

from tests.fakes import FakeServices
from tests.web.test_browser import open_page, wait_for_count

pytestmark = pytest.mark.browser


def test_the_scale_toggle_switches_the_global_views_and_local_remembers_it(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/global")
    # the first draw: a loaded machine may need more than 10 s
    dash_duo.wait_for_contains_text("#importance-graph", "100 of 500 rows (seeded sample)", timeout=30)
    assert "approximate for Gradient boosting, EBM" in dash_duo.find_element("#importance-graph").text
    assert "mean |SHAP| (probability)" in dash_duo.find_element("#importance-graph").text
    wait_for_count(dash_duo, ".beeswarm-graph", 3)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "100 of 500 rows (seeded sample)", timeout=10)

    dash_duo.find_elements(".scale-toggle label")[1].click()  # each model's own scale
    dash_duo.wait_for_contains_text("#importance-graph", "Shares sum to 100% per model", timeout=10)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "500 of 500 rows", timeout=10)

    dash_duo.driver.switch_to.active_element.send_keys(Keys.ARROW_LEFT)  # the keyboard takes it back
    dash_duo.wait_for_contains_text("#importance-graph", "100 of 500 rows (seeded sample)", timeout=10)

    dash_duo.find_elements(".scale-toggle label")[1].click()
    dash_duo.wait_for_contains_text("#importance-graph", "Shares sum to 100% per model", timeout=10)
    dash_duo.find_element("a[href='/local']").click()  # the same browser session: the choice is kept
    wait_for_count(dash_duo, ".waterfall-graph", 3)
    dash_duo.wait_for_contains_text(".prediction", "Prediction", timeout=10)
    lines = [e.text for e in dash_duo.find_elements(".prediction")]
    assert "(probability)" in lines[0] and "(log-odds" in lines[1] and "(log-odds" in lines[2]
    assert dash_duo.get_logs() == []
