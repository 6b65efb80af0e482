"""The workbench in headless Chromium: /feature, /performance, the agreement card and the disagreement table."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import pytest
from selenium.webdriver.support.ui import WebDriverWait

from tests.fakes import FakeServices
from tests.web.test_browser import open_page, wait_for_count

pytestmark = pytest.mark.browser


def click(dash_duo, element) -> None:
    """Click through the DOM: below the fold of dash.testing's window selenium's pointer click lands elsewhere."""
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'}); arguments[0].click();", element)


def test_feature_restores_its_choice_from_a_shared_link_and_writes_a_new_choice_back(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/feature?feature=monthly_charges&colour-by=contract")
    dash_duo.wait_for_contains_text("#dependence-graph", "How each model uses monthly_charges", timeout=30)
    text = dash_duo.find_element("#dependence-graph").text
    assert "Random forest (probability)" in text and "EBM (log-odds)" in text and "contract = One year" in text
    dash_duo.find_element("#feature-picker").click()
    dash_duo.find_element(".dash-dropdown-search").send_keys("tenure")
    dash_duo.wait_for_contains_text(".dash-dropdown-options", "tenure", timeout=30)
    next(o for o in dash_duo.find_elements(".dash-dropdown-option") if o.text == "tenure").click()
    dash_duo.wait_for_contains_text("#dependence-graph", "How each model uses tenure", timeout=30)
    WebDriverWait(dash_duo.driver, 30).until(lambda d: "feature=tenure&colour-by=contract" in d.current_url)
    assert "EBM shape function" in dash_duo.find_element("#dependence-graph").text
    assert dash_duo.get_logs() == []


def test_feature_draws_the_ebm_shape_only_on_the_ebms_panel_and_labels_it_a_reference_elsewhere(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/feature?feature=tenure")
    dash_duo.wait_for_contains_text("#dependence-graph", "How each model uses tenure", timeout=30)
    dash_duo.wait_for_contains_text("#dependence-graph", "EBM shape function", timeout=30)
    traces = dash_duo.driver.execute_script(
        "return document.querySelector('#dependence-graph .js-plotly-plot').data"
        ".map(t => [t.name, t.xaxis || 'x', t.showlegend !== false]);"
    )
    axis = {name: xaxis for name, xaxis, _ in traces}
    shapes = [(name, xaxis) for name, xaxis, _ in traces if "shape" in name]
    assert ("EBM shape function", axis["EBM"]) in shapes  # on the EBM's own panel
    for name, xaxis in shapes:  # over any other panel only as a labelled reference, never as that model's curve
        assert name == "EBM shape (reference)" or xaxis == axis["EBM"], shapes
    assert ("EBM shape (reference)", axis["Gradient boosting"]) in shapes
    assert "EBM shape (reference)" in dash_duo.find_element("#dependence-graph .legend").text
    assert dash_duo.get_logs() == []


def test_performance_draws_every_curve_and_the_threshold_redraws_the_confusion(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/performance")
    names = ("ROC curve", "Precision-recall", "Calibration (reliability)", "Lift")
    WebDriverWait(dash_duo.driver, 30).until(
        lambda d: all(name in " ".join(e.text for e in dash_duo.find_elements(".gtitle")) for name in names)
    )
    dash_duo.wait_for_contains_text("#confusion-graph", "Confusion at threshold 0.50", timeout=30)
    assert "Random forest (AUC 0." in dash_duo.driver.page_source
    handle = dash_duo.find_element("#threshold-slider [role='slider']")
    handle.send_keys("\ue014" * 5)  # arrow right five times: keyboard-friendly
    dash_duo.wait_for_contains_text("#confusion-graph", "Confusion at threshold 0.55", timeout=30)
    assert dash_duo.get_logs() == []


def test_global_shows_the_agreement_heatmap_and_its_statistic_can_change(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/global")
    dash_duo.wait_for_contains_text("#agreement-graph", "Spearman rank correlation", timeout=30)
    wait_for_count(dash_duo, ".rank-table tbody tr", 8, timeout=30)
    click(dash_duo, next(e for e in dash_duo.find_elements("#agreement-statistic label") if "Kendall" in e.text))
    dash_duo.wait_for_contains_text("#agreement-graph", "Kendall's tau-b", timeout=30)
    assert dash_duo.get_logs() == []


def test_choosing_a_row_in_the_disagreement_table_shows_its_waterfalls(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00001")
    wait_for_count(dash_duo, ".key-values", 3, timeout=30)  # the panes above have their final height
    buttons = wait_for_count(dash_duo, ".disagreement-table tbody a", 15, timeout=30)
    row = buttons[0].text
    click(dash_duo, buttons[0])
    WebDriverWait(dash_duo.driver, 30).until(lambda d: d.current_url.endswith(f"/local?id={row}"))
    dash_duo.wait_for_contains_text("#row-picker", row, timeout=30)
    wait_for_count(dash_duo, ".key-values", 3, timeout=30)  # that row's waterfalls
    assert dash_duo.get_logs() == []


def test_what_if_re_explains_every_model_when_a_feature_is_edited(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00002")
    dash_duo.wait_for_contains_text(".whatif-graph", "changed: nothing yet", timeout=30)
    tenure = dash_duo.find_element('#\\{\\"feature\\"\\:\\"tenure\\"\\,\\"type\\"\\:\\"whatif-input\\"\\}')
    dash_duo.driver.execute_script("arguments[0].scrollIntoView({block: 'center'})", tenure)
    tenure.clear()
    tenure.send_keys("70\n")  # Enter commits the debounced number
    dash_duo.wait_for_contains_text(".whatif-graph", "changed: tenure", timeout=30)
    texts = [g.text for g in wait_for_count(dash_duo, ".whatif-graph", 3, timeout=30)]
    assert all("→ 70" in t for t in texts)  # each model's bars label the edit old → new
    assert dash_duo.get_logs() == []


def test_local_reads_each_pane_in_words_finds_rows_by_any_column_and_shows_similar_rows(dash_duo) -> None:
    open_page(dash_duo, FakeServices(), "/local?id=C00002")
    summaries = wait_for_count(dash_duo, ".narrative", 3, timeout=30)
    assert all(s.text.startswith("Predicted probability of churn = Yes (common scale): ") for s in summaries)
    box = dash_duo.find_element("#row-search-text")
    box.send_keys("tenure < 3\n")  # Enter searches: no mouse needed
    dash_duo.wait_for_contains_text("#row-search-results", "rows where tenure < 3", timeout=30)
    match = dash_duo.find_elements(".search-match")[0]
    row = match.text
    click(dash_duo, match)
    WebDriverWait(dash_duo.driver, 30).until(lambda d: f"id={row}&search=tenure" in d.current_url)
    dash_duo.wait_for_contains_text("#row-picker", row, timeout=30)
    dash_duo.wait_for_contains_text("#row-search-results", "rows where tenure < 3", timeout=30)  # kept by the link
    click(dash_duo, dash_duo.find_element("#similar-button"))
    similar = wait_for_count(dash_duo, ".similar-row", 10, timeout=30)
    assert f"{row} (this row)" in dash_duo.find_element(".similar-table").text
    link = urlsplit(similar[0].get_attribute("href"))
    query = parse_qs(link.query)
    assert link.path == "/local" and query.pop("id") == [similar[0].text] and query.pop("search") == ["tenure < 3"]
    assert query in ({}, {"scale": ["common"]})  # the page's scale rides along once the page has written it
    assert dash_duo.get_logs() == []
