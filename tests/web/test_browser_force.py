"""/local's force and decision plots in headless Chromium (FakeServices): a link with ``chart=force`` opens one
force bar per model on one axis, the toggle goes back to the waterfalls and writes the URL, the decision plot
draws a line per model, then 50 rows of one model."""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import MODELS, FakeServices
from tests.web.test_browser import open_page, wait_for_count

pytestmark = pytest.mark.browser

FORCE = """
const gd = document.querySelector('.force-graph .js-plotly-plot');
if (!gd || !gd.data) { return null; }
return {bars: gd.data.filter(t => t.type === 'bar').map(t => t.name), shared: gd.layout.meta.shared,
        visible: gd.offsetParent !== null};
"""
DECISION = """
const gd = document.querySelector('.decision-graph .js-plotly-plot');
return gd && gd.data ? gd.data.map(t => [t.name, t.meta || null]) : null;
"""


def _click(dash_duo, selector: str, index: int) -> None:
    label = dash_duo.find_elements(selector)[index]
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", label)


def test_a_force_link_shows_a_force_plot_per_model_and_the_decision_plot_is_drawn(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00042&chart=force")
    WebDriverWait(dash_duo.driver, 30).until(lambda d: (d.execute_script(FORCE) or {}).get("bars"))
    force = dash_duo.driver.execute_script(FORCE)
    assert force == {"bars": list(MODELS), "shared": True, "visible": True}  # common scale: one axis
    dash_duo.wait_for_contains_text(".force-graph", "prediction", timeout=10)
    assert not dash_duo.find_element("#waterfall-panes").is_displayed()

    WebDriverWait(dash_duo.driver, 30).until(lambda d: d.execute_script(DECISION))
    assert [name for name, _ in dash_duo.driver.execute_script(DECISION)] == list(MODELS)

    _click(dash_duo, "#local-chart label", 0)  # back to the waterfalls
    wait_for_count(dash_duo, ".waterfall-graph", 3, timeout=30)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: "chart=force" not in d.current_url)
    assert not dash_duo.find_element("#force-card").is_displayed()

    _click(dash_duo, "#decision-mode label", 1)  # 50 rows of one model
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: sum(meta in ("row", "misclassified") for _, meta in d.execute_script(DECISION) or []) == 50
    )
    assert any(meta == "misclassified" for _, meta in dash_duo.driver.execute_script(DECISION))
    assert dash_duo.find_element("#decision-model-box").is_displayed()
    assert dash_duo.get_logs() == []
