"""Every page in headless Chromium, checked against WCAG 2.1 AA with axe-core: no serious or critical violation.

The fake project here covers every page quickly; tests/web/test_demo_browser.py and test_fairness_browser.py run
the same check on the real churn and loan demos.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal.web.app import create_app
from tests.fakes import FakeServices
from tests.web.accessibility import serious_violations

pytestmark = pytest.mark.browser
PAGES = {  # path -> what shows the page has drawn
    "/": ".metrics-graph .main-svg",
    "/global": "#importance-graph .main-svg",
    "/local?id=C00003": ".waterfall-graph .main-svg",
    "/feature": ".js-plotly-plot .main-svg",
    "/performance": ".js-plotly-plot .main-svg",
    "/interactions": "button",
    "/fairness": ".js-plotly-plot .main-svg",
    "/monitoring": ".monitoring-change-graph .main-svg",
}


@pytest.mark.parametrize("path", list(PAGES))
def test_no_page_has_a_serious_accessibility_violation(dash_duo, path: str) -> None:
    dash_duo.start_server(create_app(FakeServices()))
    dash_duo.driver.get(dash_duo.server_url + path)
    WebDriverWait(dash_duo.driver, 30).until(lambda d: d.find_elements(By.CSS_SELECTOR, PAGES[path]))
    assert serious_violations(dash_duo.driver) == []


def test_the_page_says_its_language() -> None:
    app = create_app(FakeServices())
    assert '<html lang="en">' in app.index_string


def test_the_progress_rows_of_running_jobs_have_no_serious_violation(dash_duo) -> None:
    """While jobs run, the shell shows a progress bar per model: each named after its model, its text at 4.5:1."""
    running = FakeServices(running=("Random forest", "Gradient boosting", "EBM"))
    dash_duo.start_server(create_app(running))
    dash_duo.driver.get(dash_duo.server_url + "/")
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: [b for b in d.find_elements(By.CSS_SELECTOR, "[role='progressbar']") if b.is_displayed()]
    )
    WebDriverWait(dash_duo.driver, 10).until(
        lambda d: all(b.get_attribute("aria-label") for b in d.find_elements(By.CSS_SELECTOR, "[role='progressbar']"))
    )
    labels = [
        b.get_attribute("aria-label") for b in dash_duo.driver.find_elements(By.CSS_SELECTOR, "[role='progressbar']")
    ]
    assert "EBM: progress of the computation" in labels
    assert serious_violations(dash_duo.driver) == []
