"""The pricing demo's /monitoring in a real browser: served by the CLI with smaller models and a fresh cache, the page
shows a progress line while the explanations run, then the summary in words and every chart for all four models."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By

from portal.data import PRICING_CONFIG
from tests.web.test_demo_browser import charts, serving, wait_text

pytestmark = pytest.mark.browser
MODELS = ["Random forest", "Histogram boosting", "EBM", "Pricing ensemble"]
FAST_PRICING = (
    PRICING_CONFIG.replace("n_estimators = 60, max_depth = 8", "n_estimators = 8, max_depth = 6")
    .replace("max_iter = 150", "max_iter = 20")
    .replace("outer_bags = 2, interactions = 0, max_rounds = 1000", "outer_bags = 1, interactions = 0, max_rounds = 60")
)


def test_the_pricing_demo_monitoring_page_says_what_changed_and_draws_every_model(dash_br, tmp_path) -> None:
    assert FAST_PRICING.count("n_estimators = 8") == FAST_PRICING.count("max_rounds = 60") == 1
    with serving(tmp_path, FAST_PRICING) as url:
        dash_br.driver.get(url + "/monitoring?window=2017-07&against=reference")
        charts(dash_br, ".monitoring-change-graph", 4, timeout=150)
        wait_text(dash_br, "#monitoring-summary", "In 2017-07 the Pricing ensemble's mean avg_price_per_room")
        text = dash_br.driver.find_element(By.ID, "monitoring-summary").text
        assert "against the reference (2016-07..2016-12)" in text and "(raw output units)" in text
        assert "2017-07: " in text and " of 15,402 rows" in text
        headers = [
            e.text for e in dash_br.driver.find_elements(By.CSS_SELECTOR, "#monitoring-waterfalls .model-header")
        ]
        assert headers == MODELS
        assert "share of attribution over time" in dash_br.driver.find_element(By.ID, "monitoring-shares").text
        assert "Data drift" in dash_br.driver.find_element(By.ID, "monitoring-drift").text
        assert "Error over time (MAE)" in dash_br.driver.find_element(By.ID, "monitoring-errors").text
        assert dash_br.driver.find_elements(By.CSS_SELECTOR, ".monitoring-table tbody tr")
        assert dash_br.driver.find_element(By.LINK_TEXT, "Monitoring").is_displayed()
