"""The churn demo's /global in Chromium: the stacked force plot draws a column per sampled row, a click on a column
opens that row on /local; every chart's toolbar offers PNG and SVG downloads, named "<project>-<chart>-<model>"."""

from __future__ import annotations

import pytest
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.test_demo_browser import charts, demo_url, wait_text  # noqa: F401  (demo_url: the served demo)

pytestmark = pytest.mark.browser
STACKED = """
const gd = document.querySelector('.stacked-graph .js-plotly-plot');
if (!gd || !gd.data) { return null; }
const line = gd.data.find(t => t.meta && t.meta.side === 'prediction');
return {columns: line.customdata.length, first: line.customdata[0][0], layers: gd.data.length,
        title: gd.layout.title.text};
"""
TOOLBARS = """
return Array.from(document.querySelectorAll('.dash-graph[data-download-name]')).map(g => ({
  name: g.getAttribute('data-download-name'),
  buttons: Array.from(g.querySelectorAll('.modebar .download-btn')).map(b => b.getAttribute('aria-label')),
  format: g.querySelector('.js-plotly-plot')._context.toImageButtonOptions.format,
}));
"""


def test_the_stacked_force_plot_draws_the_rows_and_a_click_opens_one_on_local(dash_br, demo_url: str) -> None:  # noqa: F811
    dash_br.driver.set_window_size(1000, 1000)
    dash_br.driver.get(demo_url + "/global")
    charts(dash_br, ".stacked-graph", 1)
    wait_text(dash_br, ".stacked-graph", "rows, ordered by similarity of their explanations")
    drawn = dash_br.driver.execute_script(STACKED)
    assert drawn["columns"] >= 20 and drawn["first"].startswith("C") and drawn["layers"] <= 2 * 9 + 2
    assert f"{drawn['columns']} of 7,043 rows" in drawn["title"]  # the fast demo's common scale: a 20-row sample
    assert dash_br.driver.find_element(By.CSS_SELECTOR, ".stacked-card .model-header").text == "Random forest"

    def click(driver) -> bool:
        """Hover and click a column (again while a redraw swallowed the click) until the page is /local."""
        if "/local?id=" in driver.current_url:
            return True
        layer = driver.find_element(By.CSS_SELECTOR, ".stacked-graph .nsewdrag")
        driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", layer)
        ActionChains(driver).move_to_element(layer).move_by_offset(20, 0).pause(0.5).click().perform()
        return False

    stale = (StaleElementReferenceException, NoSuchElementException)
    WebDriverWait(dash_br.driver, 60, poll_frequency=2, ignored_exceptions=stale).until(click)
    row = dash_br.driver.current_url.split("id=")[1].split("&")[0]
    charts(dash_br, ".waterfall-graph", 3)
    assert dash_br.driver.execute_script("return window.scrollY") == 0  # /local opens at its top
    assert row in dash_br.driver.find_element(By.ID, "row-picker").text


def test_every_global_chart_offers_png_and_svg_named_after_project_chart_and_model(dash_br, demo_url: str) -> None:  # noqa: F811
    dash_br.driver.get(demo_url + "/global")
    charts(dash_br, ".beeswarm-graph", 3)
    charts(dash_br, ".stacked-graph", 1)
    WebDriverWait(dash_br.driver, 30).until(lambda d: len(d.execute_script(TOOLBARS)) >= 6)
    toolbars = {t["name"]: t for t in dash_br.driver.execute_script(TOOLBARS)}
    for name in (
        "telco-customer-churn-importance-models",
        "telco-customer-churn-beeswarm-random-forest",
        "telco-customer-churn-beeswarm-gradient-boosting",
        "telco-customer-churn-beeswarm-ebm",
        "telco-customer-churn-stacked-random-forest",
    ):
        assert name in toolbars, sorted(toolbars)
    beeswarm = toolbars["telco-customer-churn-beeswarm-ebm"]
    assert beeswarm["buttons"] == [f"Download this figure as {f} (beeswarm ebm)" for f in ("PNG", "SVG")]
    assert beeswarm["format"] == "png"
    assert all(len(t["buttons"]) == 2 for t in toolbars.values())
