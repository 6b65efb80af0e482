"""/global and /local of a multi-class project: a class chooser, and charts that name the class they show."""

from __future__ import annotations

import pytest
from dash import dcc
from selenium.webdriver.common.by import By
from selenium.webdriver.common.keys import Keys
from selenium.webdriver.support.ui import WebDriverWait

from callbacks import global_page, local
from layouts import ids
from portal.figures import SHARE
from portal.web.app import create_app
from tests.fakes import FakeServices

SPECIES = ("setosa", "versicolor", "virginica")
ALL = ["Random forest", "Gradient boosting", "EBM"]
WAIT = 30  # seconds; generous, as the machine may be busy


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices(classes=SPECIES)


def find(component, component_id: str):
    """The component with ``component_id`` in a layout tree."""
    if getattr(component, "id", None) == component_id:
        return component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json") and (found := find(child, component_id)) is not None:
            return found
    return None


def picker_box(page):
    """The picker's dropdown and the box around it (which hides it for projects without classes)."""
    box = next(c for c in page.children if getattr(c, "className", "") == "class-picker")
    return find(box, ids.CLASS_PICKER), box


@pytest.mark.parametrize("build", [global_page.page, local.page], ids=["global", "local"])
def test_the_class_chooser_lists_the_classes_and_starts_on_the_first(services, build) -> None:
    dropdown, box = picker_box(build(services, {}))
    assert isinstance(dropdown, dcc.Dropdown) and box.style == {}
    assert [o["value"] for o in dropdown.options] == list(SPECIES) and dropdown.value == "setosa"
    assert dropdown.persistence and not dropdown.clearable  # the same class on both pages, never none


@pytest.mark.parametrize("build", [global_page.page, local.page], ids=["global", "local"])
def test_a_binary_project_keeps_the_chooser_hidden(build) -> None:
    dropdown, box = picker_box(build(FakeServices(), {}))
    assert box.style == {"display": "none"} and dropdown.options == [] and dropdown.value is None


def test_importance_shows_the_chosen_class_and_names_it(services) -> None:
    figure, _note = global_page.importance(services, SHARE, ALL, None, "virginica")
    assert "class: virginica" in figure.layout.title.text
    forest = services.explanation("Random forest").for_class("virginica")
    bars = next(t for t in figure.data if t.name == "Random forest")
    assert dict(zip(bars.y, bars.x)) == pytest.approx(dict(zip(forest.feature_names, forest.share_of_total())))
    other, _ = global_page.importance(services, SHARE, ALL, None, "setosa")
    assert next(t for t in other.data if t.name == "Random forest").x != bars.x


def test_a_beeswarm_names_its_class_in_the_caption_and_on_its_axis(services) -> None:
    figure = global_page.beeswarm_pane(services, "EBM", ALL, None, "versicolor").figure
    assert figure.layout.title.text.startswith("class: versicolor · 500 of 500 rows")
    assert figure.layout.xaxis.title.text == "SHAP value (logit, class: versicolor)"
    expected = services.explanation("EBM").for_class("versicolor").values
    assert sorted(figure.data[0].x) == pytest.approx(sorted(expected[:, :8].ravel()))


def test_a_waterfall_explains_the_chosen_class_of_the_row(services) -> None:
    pane = local.waterfall_pane(services, "Random forest", "C00003", ALL, "virginica")
    line = pane.children[0].children
    one = services.explanation("Random forest").for_class("virginica").row(3)
    assert line == f"Prediction {one.output:.2f} (probability, class: virginica), base value {one.base_value:.2f}"
    figure = pane.children[2].figure
    assert figure.layout.xaxis.title.text == "model output (probability, class: virginica)"


def test_no_choice_or_a_stale_one_shows_the_first_class(services) -> None:
    for stale in (None, "not-a-class"):
        figure, _ = global_page.importance(services, SHARE, ALL, None, stale)
        assert "class: setosa" in figure.layout.title.text


def test_binary_charts_name_no_class() -> None:
    binary = FakeServices()
    figure, _ = global_page.importance(binary, SHARE, ALL, None, None)
    assert figure.layout.title.text == "<b>Global feature importance</b>"
    pane = local.waterfall_pane(binary, "Random forest", "C00003", ALL, None)
    assert "class" not in pane.children[0].children


@pytest.mark.browser
def test_choosing_another_class_from_the_keyboard_redraws_global_and_carries_to_local(dash_duo, services) -> None:
    dash_duo.start_server(create_app(services))
    dash_duo.driver.get(dash_duo.server_url + "/global")
    dash_duo.wait_for_contains_text("#importance-graph", "class: setosa", timeout=WAIT)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "class: setosa", timeout=WAIT)
    before = _ticks(dash_duo.find_elements(".beeswarm-graph")[0])
    dash_duo.find_element("#class-picker").click()
    search = dash_duo.find_element(".dash-dropdown-search")
    search.send_keys("virg")
    search.send_keys(Keys.ENTER)
    dash_duo.wait_for_contains_text("#importance-graph", "class: virginica", timeout=WAIT)
    dash_duo.wait_for_contains_text(".beeswarm-graph", "class: virginica", timeout=WAIT)
    after = _ticks(dash_duo.find_elements(".beeswarm-graph")[0])
    assert len(before) == 8 and before != after  # another class ranks them otherwise
    dash_duo.driver.get(dash_duo.server_url + "/local?id=C00003")
    WebDriverWait(dash_duo.driver, WAIT).until(lambda d: len(d.find_elements(By.CSS_SELECTOR, ".prediction")) == 3)
    dash_duo.wait_for_contains_text(".prediction", "class: virginica", timeout=WAIT)
    assert "virginica" in dash_duo.find_element("#class-picker").text
    assert dash_duo.get_logs() == []


def _ticks(graph) -> list[str]:
    """The feature names a beeswarm lists, in order: its y axis's tick labels (its text also holds the caption, the
    colour bar's 'low' and 'high' and the toolbar's 'PNG' and 'SVG')."""
    return [tick.text for tick in graph.find_elements(By.CSS_SELECTOR, ".ytick text") if tick.text]
