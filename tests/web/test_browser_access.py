"""Keyboard access in headless Chromium: the first Tab reaches "Skip to content", shown while focused."""

from __future__ import annotations

import pytest
from selenium.webdriver.common.action_chains import ActionChains
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import FakeServices
from tests.web.test_browser import open_page

pytestmark = pytest.mark.browser


def test_the_first_tab_focuses_a_visible_skip_link_that_moves_the_focus_to_the_page(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/")
    dash_duo.wait_for_contains_text(".metrics-graph", "Held-out metrics", timeout=30)
    ActionChains(dash_duo.driver).send_keys(Keys.TAB).perform()
    focused = dash_duo.driver.switch_to.active_element
    assert focused.get_attribute("id") == "skip-link" and focused.text == "Skip to content"
    top = dash_duo.driver.execute_script("return arguments[0].getBoundingClientRect().top", focused)
    assert focused.is_displayed() and top >= 0  # on screen while it has the focus
    focused.send_keys(Keys.ENTER)
    WebDriverWait(dash_duo.driver, 10).until(lambda d: d.switch_to.active_element.get_attribute("id") == "page")
    assert dash_duo.get_logs() == []
