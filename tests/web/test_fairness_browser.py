"""/fairness on the real loan demo in Chromium: charts render, the threshold moves the rates, a link restores the view.

The demo's own credit data (4,454 applicants, age and marital status protected) served by ``python -m portal serve``
with smaller models, a small probability sample and a fresh private cache, so the whole file takes about a minute.
"""

from __future__ import annotations

import os

import pytest
from selenium.common.exceptions import StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from portal.data import LOAN_CONFIG
from tests.web.test_demo_browser import charts, serving

pytestmark = pytest.mark.browser
FAST_LOAN = (
    LOAN_CONFIG.replace("n_estimators = 200, max_depth = 3", "n_estimators = 60, max_depth = 3")
    .replace("n_estimators = 200, max_depth = 8", "n_estimators = 30, max_depth = 6")
    .replace("outer_bags = 4, interactions = 5", "outer_bags = 2, interactions = 3, max_rounds = 300")
    + "\n[explain]\ncommon_sample_rows = 20\n"
)
MODELS = ["Gradient boosting", "Random forest", "EBM"]


@pytest.fixture(scope="module")
def loan_url(tmp_path_factory: pytest.TempPathFactory):
    with serving(tmp_path_factory.mktemp("loan"), FAST_LOAN) as url:
        yield url


def selection_rates(dash_br) -> list[float]:
    """The 'selected' column of every model's group table, model after model."""
    cells = dash_br.driver.find_elements(By.CSS_SELECTOR, ".group-table tbody tr:not(.overall) td:nth-child(2)")
    return [float(c.text) for c in cells]


def wait_for_threshold(dash_br, threshold: str) -> None:
    """Until the chart says it is drawn at ``threshold`` and every model's verdict is there (redraws may swap them)."""

    def drawn(driver) -> bool:
        text = driver.execute_script("const g = document.getElementById('fairness-rates'); return g ? g.innerText : ''")
        return f"≥ {threshold}" in text and len(driver.find_elements(By.CSS_SELECTOR, ".verdict")) == 3

    WebDriverWait(dash_br.driver, 30, ignored_exceptions=(StaleElementReferenceException,)).until(drawn)


def test_fairness_draws_every_model_moves_with_the_threshold_and_a_link_restores_the_view(dash_br, loan_url) -> None:
    dash_br.driver.get(loan_url + "/fairness?attribute=marital&threshold=0.6")
    charts(dash_br, "#fairness-rates", 1, timeout=60)
    wait_for_threshold(dash_br, "0.60")
    assert "marital: " in dash_br.find_element("#fairness-attribute").text
    assert [e.text for e in dash_br.driver.find_elements(By.CSS_SELECTOR, ".fairness-metrics-pane")] != []
    headers = [e.text for e in dash_br.driver.find_elements(By.CSS_SELECTOR, ".model-header")]
    assert headers[:3] == MODELS and len(dash_br.driver.find_elements(By.CSS_SELECTOR, ".verdict")) == 3
    before = selection_rates(dash_br)

    box = dash_br.find_element("#fairness-threshold-box")
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys("0.8", Keys.TAB)  # the box commits on blur as well as on Enter
    wait_for_threshold(dash_br, "0.80")
    after = selection_rates(dash_br)
    assert len(after) == len(before) >= 3 * 4
    assert all(a <= b for a, b in zip(after, before)) and after != before  # a stricter threshold selects fewer
    WebDriverWait(dash_br.driver, 10).until(lambda d: "threshold=0.8" in d.current_url)
    link = dash_br.driver.current_url
    assert "attribute=marital" in link

    charts(dash_br, ".group-explanation-graph", 3, timeout=120)  # every model's explanation by group
    WebDriverWait(dash_br.driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".proxy-table")) >= 3)
    dash_br.wait_for_contains_text(".decision-pane", "Declined", timeout=30)

    dash_br.driver.get("about:blank")
    dash_br.driver.get(link)  # a shared link: the same attribute and threshold
    wait_for_threshold(dash_br, "0.80")
    assert "marital: " in dash_br.find_element("#fairness-attribute").text
    assert dash_br.find_element("#fairness-threshold-box").get_attribute("value") == "0.8"
    assert selection_rates(dash_br) == after
    assert [e for e in dash_br.get_logs() if e["level"] == "SEVERE"] == []


@pytest.mark.parametrize("path", ["/", "/global", "/local?id=A00003", "/feature", "/performance", "/fairness"])
def test_no_loan_page_has_a_serious_accessibility_violation(dash_br, loan_url: str, path: str) -> None:
    """WCAG 2.1 AA by axe-core on the real loan demo."""
    from tests.web.accessibility import serious_violations

    dash_br.driver.get(loan_url + path)
    charts(dash_br, ".js-plotly-plot", 1, timeout=120)
    assert serious_violations(dash_br.driver, settle=2.0) == []


OVERLAPS = """
const boxes = (graph, axis) =>
    [...graph.querySelectorAll('.' + axis + 'tick text')].map(t => t.getBoundingClientRect());
const crossing = (a, b) => Math.min(a.right, b.right) - Math.max(a.left, b.left) > 1
    && Math.min(a.bottom, b.bottom) - Math.max(a.top, b.top) > 1;
return [...document.querySelectorAll('.group-explanation-graph')].map(graph => {
    const out = {};
    for (const axis of ['x', 'y']) {
        const b = boxes(graph, axis);
        let hits = 0;
        for (let i = 0; i < b.length; i++) for (let j = i + 1; j < b.length; j++) if (crossing(b[i], b[j])) hits++;
        out[axis] = {labels: b.length, overlaps: hits};
    }
    return out;
});
"""


@pytest.mark.parametrize("width", [1000, 1600])
def test_an_intersection_of_many_groups_is_readable_every_group_labelled_none_overprinted(
    dash_br, loan_url: str, width: int
) -> None:
    dash_br.driver.get("about:blank")  # resize an idle page: a busy renderer can miss chromedriver's 10 s deadline
    dash_br.driver.set_window_size(width, 1000)
    dash_br.driver.get(loan_url + "/fairness?attribute=age+%26+marital")
    charts(dash_br, ".group-explanation-graph", 3, timeout=120)
    WebDriverWait(dash_br.driver, 30).until(lambda d: all(g["y"]["labels"] >= 18 for g in d.execute_script(OVERLAPS)))
    if shots := os.environ.get("PORTAL_SCREENSHOTS"):  # for people to look at, not for the assertion
        dash_br.driver.find_element(By.CSS_SELECTOR, ".group-explanation-graph").screenshot(
            f"{shots}/fairness-intersection-{width}.png"
        )
    for graph in dash_br.driver.execute_script(OVERLAPS):
        assert graph["x"]["overlaps"] == 0 and graph["y"]["overlaps"] == 0, graph


def test_at_1000_px_every_models_group_table_shows_all_its_rates_without_scrolling_sideways(
    dash_br, loan_url: str
) -> None:
    dash_br.driver.get("about:blank")
    dash_br.driver.set_window_size(1000, 1000)
    dash_br.driver.get(loan_url + "/fairness?attribute=marital")
    WebDriverWait(dash_br.driver, 60).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".group-table")) == 3)
    panes = dash_br.driver.execute_script(
        "return [...document.querySelectorAll('.group-table')].map(t => "
        "[t.scrollWidth, t.clientWidth, t.getBoundingClientRect().left])"
    )
    assert len({round(left) for _w, _c, left in panes}) == 3  # side by side, not stacked
    assert all(scroll <= client + 1 for scroll, client, _left in panes), panes  # precision and accuracy in view
