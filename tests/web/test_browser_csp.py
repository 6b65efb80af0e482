"""The Content-Security-Policy in headless Chromium: every page draws its charts and the console shows no
violation (a blocked inline script or eval would leave a page blank and log "Refused to ...")."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from portal.web.app import create_app
from tests.fakes import FakeServices

pytestmark = pytest.mark.browser
PAGES = {  # path: what the page shows once its callbacks have answered
    "/": ".metrics-graph .main-svg",
    "/global": ".js-plotly-plot .gl-container canvas",  # the beeswarms: Scattergl, drawn by regl
    "/local": ".js-plotly-plot .main-svg",
    "/feature": "#dependence-graph .main-svg",
    "/performance": "#confusion-graph .main-svg",
    "/fairness": "#fairness-rates .main-svg",
}


LISTEN = (
    "window.__csp = []; "
    "document.addEventListener('securitypolicyviolation', e => window.__csp.push(e.violatedDirective))"
)


def violations(dash_duo) -> list[str]:
    """The console's reports and the page's own violation events (a blocked eval inside a try logs nothing)."""
    words = ("Content Security Policy", "Refused to")
    logged = [entry["message"] for entry in dash_duo.get_logs() if any(w in entry["message"] for w in words)]
    return logged + dash_duo.driver.execute_script("return window.__csp || []")


def test_every_page_renders_under_the_policy_with_no_violation(dash_duo) -> None:
    dash_duo.start_server(create_app(FakeServices()))
    for path, drawn in PAGES.items():
        dash_duo.driver.get(dash_duo.server_url + path)
        dash_duo.driver.execute_script(LISTEN)  # before the callbacks have drawn the charts
        WebDriverWait(dash_duo.driver, 15).until(lambda d, css=drawn: d.find_elements(By.CSS_SELECTOR, css))
        assert violations(dash_duo) == [], path
    policy = dash_duo.driver.execute_script("return fetch('/').then(r => r.headers.get('Content-Security-Policy'))")
    assert "frame-ancestors 'none'" in policy and "'unsafe-inline'" not in policy.split("script-src")[1].split(";")[0]
