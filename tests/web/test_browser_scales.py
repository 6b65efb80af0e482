"""Shared axes across side-by-side panes, read from the plotly graphs in headless Chromium.

In the common scale every /global beeswarm is in probability, so all three share one x range (the union of
their own robust ranges); a pane's "own axis" switch gives that pane back its own range, in the browser.
In each model's own scale (probability beside log-odds) nothing is shared and the page says why.
"""

from __future__ import annotations

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import FakeServices
from tests.web.test_browser import open_page, wait_for_count

pytestmark = pytest.mark.browser

RANGES = """
return Array.from(document.querySelectorAll('.beeswarm-graph .js-plotly-plot')).map(
    gd => [gd._fullLayout.xaxis.range.slice(), (gd.layout.meta || {}).own || null]);
"""


def _ranges(dash_duo) -> list:
    return dash_duo.driver.execute_script(RANGES)


def _settled(dash_duo, test, timeout: float = 15) -> list:
    """The graphs' (range, own range) pairs once ``test`` holds of them."""
    WebDriverWait(dash_duo.driver, timeout).until(lambda d: len(_ranges(dash_duo)) == 3 and test(_ranges(dash_duo)))
    return _ranges(dash_duo)


def test_global_beeswarms_share_one_x_range_and_a_pane_switch_gives_it_its_own(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/global")
    wait_for_count(dash_duo, ".beeswarm-graph", 3, timeout=30)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "100 of 500 rows (seeded sample)", timeout=30)
    ranges = _settled(dash_duo, lambda r: all(p[1] for p in r) and len({tuple(p[0]) for p in r}) == 1)
    owns = [p[1] for p in ranges]
    union = [min(o[0] for o in owns), max(o[1] for o in owns)]
    assert ranges[0][0] == pytest.approx(union)
    assert len({tuple(o) for o in owns}) > 1  # the panes' own ranges differ: sharing is not a coincidence
    dash_duo.wait_for_contains_text("#beeswarm-axes-note", "share one x axis (probability)", timeout=10)

    switch = dash_duo.find_elements(".own-axis-switch input")[2]  # the EBM's pane (the third)
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", switch)
    ranges = _settled(dash_duo, lambda r: tuple(r[2][0]) != tuple(r[0][0]))
    assert ranges[2][0] == pytest.approx(ranges[2][1])  # its own range
    assert ranges[0][0] == pytest.approx(union) and ranges[1][0] == pytest.approx(union)  # the others still share

    label = dash_duo.find_elements(".scale-toggle label")[1]
    dash_duo.driver.execute_script("arguments[0].click();", label)  # each model's own scale: probability, log-odds
    dash_duo.wait_for_contains_text("#beeswarm-axes-note", "different scales", timeout=15)
    assert "not shared" in dash_duo.find_element("#beeswarm-axes-note").text
    ranges = _settled(dash_duo, lambda r: all(p[1] and p[0] == pytest.approx(p[1]) for p in r))
    assert dash_duo.get_logs() == []


LOCAL_RANGES = RANGES.replace(".beeswarm-graph", ".waterfall-graph")


def test_local_waterfalls_share_an_axis_in_the_common_scale_and_say_why_not_in_their_own(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00042")
    wait_for_count(dash_duo, ".waterfall-graph", 3, timeout=30)

    def ranges():
        return dash_duo.driver.execute_script(LOCAL_RANGES)

    WebDriverWait(dash_duo.driver, 20).until(
        lambda d: len(ranges()) == 3 and all(p[1] for p in ranges()) and len({tuple(p[0]) for p in ranges()}) == 1
    )
    owns = [p[1] for p in ranges()]
    assert ranges()[0][0] == pytest.approx([min(o[0] for o in owns), max(o[1] for o in owns)])
    dash_duo.wait_for_contains_text("#waterfall-axes-note", "share one x axis (probability)", timeout=10)
    assert (
        "mean prediction over its background rows (200 of 500), in probability"
        in dash_duo.find_element(".base-value-note").text
    )

    label = dash_duo.find_elements(".scale-toggle label")[1]
    dash_duo.driver.execute_script("arguments[0].click();", label)  # each model's own scale
    dash_duo.wait_for_contains_text("#waterfall-axes-note", "different scales (", timeout=15)
    WebDriverWait(dash_duo.driver, 15).until(
        lambda d: len(ranges()) == 3 and all(p[1] and p[0] == pytest.approx(p[1]) for p in ranges())
    )
    assert dash_duo.get_logs() == []


COLOUR_BARS = """
return Array.from(document.querySelectorAll('.beeswarm-graph .js-plotly-plot')).map(
    gd => Array.from(gd.querySelectorAll('.colorbar')).map(c => c.textContent).join(' '));
"""


def test_global_beeswarms_are_coloured_by_feature_value_with_a_colour_bar(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/global")
    wait_for_count(dash_duo, ".beeswarm-graph", 3, timeout=30)
    WebDriverWait(dash_duo.driver, 15).until(lambda d: len(d.execute_script(COLOUR_BARS)) == 3)
    bars = dash_duo.driver.execute_script(COLOUR_BARS)
    assert all("feature value" in b and "low" in b and "high" in b for b in bars), bars
