"""A typed threshold commits on Enter (issue 13, item 1), on /fairness and /performance of a loan-like project.

Dash 4's slider box committed only on blur: 0.6 + Enter moved the slider but left the charts, the verdicts and the
URL at 0.50. Each page now has one labelled box beside its slider (the slider's own box is off); Enter commits it
once, everything follows, and the box keeps the focus so the reader can type again.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.web.test_demo_browser import charts, serving, wait_text
from tests.web.test_fairness_browser import FAST_LOAN, wait_for_threshold

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def loan_url(tmp_path_factory: pytest.TempPathFactory):
    with serving(tmp_path_factory.mktemp("loan-threshold"), FAST_LOAN) as url:
        yield url


def type_and_enter(dash_br, box_id: str, text: str) -> None:
    box = dash_br.find_element(f"#{box_id}")
    dash_br.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].focus();", box)
    box.send_keys(Keys.CONTROL, "a")
    box.send_keys(text, Keys.ENTER)


def focused_id(dash_br) -> str:
    return dash_br.driver.switch_to.active_element.get_attribute("id")


def test_fairness_threshold_typed_with_enter_moves_charts_verdicts_and_url(dash_br, loan_url) -> None:
    dash_br.driver.get(loan_url + "/fairness?attribute=marital&keep=1")
    charts(dash_br, "#fairness-rates", 1, timeout=90)
    wait_for_threshold(dash_br, "0.50")
    assert dash_br.driver.find_elements(By.CSS_SELECTOR, "#fairness-threshold input") == []  # one box, not two
    label = dash_br.driver.find_element(By.CSS_SELECTOR, "label[for='fairness-threshold-box']").text
    assert "0 to 1" in label

    type_and_enter(dash_br, "fairness-threshold-box", "0.6")
    wait_for_threshold(dash_br, "0.60")  # the chart and all three verdicts, without leaving the box
    WebDriverWait(dash_br.driver, 10).until(lambda d: "threshold=0.6" in d.current_url)
    assert "keep=1" in dash_br.driver.current_url and "attribute=marital" in dash_br.driver.current_url
    assert focused_id(dash_br) == "fairness-threshold-box"
    handle = dash_br.driver.find_element(By.CSS_SELECTOR, "#fairness-threshold [role='slider']")
    assert handle.get_attribute("aria-valuenow") == "0.6"  # the slider follows the box

    type_and_enter(dash_br, "fairness-threshold-box", "7")  # out of range: refused, with a one-line note
    wait_text(dash_br, "#fairness-threshold-note", "the threshold stays 0.6", timeout=20)
    wait_for_threshold(dash_br, "0.60")


def test_performance_threshold_typed_with_enter_moves_the_confusion_and_url(dash_br, loan_url) -> None:
    dash_br.driver.get(loan_url + "/performance")
    wait_text(dash_br, "#confusion-graph", "Confusion at threshold 0.50", timeout=180)
    assert dash_br.driver.find_elements(By.CSS_SELECTOR, "#threshold-slider input") == []

    type_and_enter(dash_br, "threshold-box", "0.6")
    wait_text(dash_br, "#confusion-graph", "Confusion at threshold 0.60", timeout=30)
    WebDriverWait(dash_br.driver, 10).until(lambda d: "threshold=0.6" in d.current_url)
    assert focused_id(dash_br) == "threshold-box"

    link = dash_br.driver.current_url
    dash_br.driver.get("about:blank")
    dash_br.driver.get(link)  # a shared link opens at its threshold
    wait_text(dash_br, "#confusion-graph", "Confusion at threshold 0.60", timeout=60)
    assert dash_br.find_element("#threshold-box").get_attribute("value") == "0.6"
