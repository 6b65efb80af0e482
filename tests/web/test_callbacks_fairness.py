"""/fairness on the fake project (a planted age disparity): its callbacks called directly, their values asserted."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

import dash
import numpy as np
import pandas as pd
import pytest
from dash import html

from callbacks import adverse_reasons, fairness, shell, threshold
from layouts import ids
from layouts.fairness_panels import COLUMNS as TABLE_COLUMNS
from layouts.fairness_panels import metrics_pane
from layouts.fairness_reasons import decision_pane, proxy_pane
from layouts.shell import PAGES
from portal.fairness import COLUMNS
from portal.figures import group_contribution_heatmap, selection_rate_figure
from portal.results import LOG_ODDS, PROBABILITY
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, of_class, walk
from tests.web.test_callbacks_workbench import by_id


def cells(row) -> list[str]:
    """The text of each cell of a table row."""
    return [words(cell) for cell in row.children]


def words(component) -> str:
    """Every piece of text in a layout tree, strings beside components included."""
    found = []

    def visit(node) -> None:
        if isinstance(node, str | int | float) and not isinstance(node, bool):
            found.append(str(node))
        elif isinstance(node, list | tuple):
            for child in node:
                visit(child)
        elif hasattr(node, "to_plotly_json"):
            visit(getattr(node, "children", None))

    visit(component)
    return "".join(found)


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices()


# --- the page and its URL -----------------------------------------------------------------
def test_the_page_is_in_the_navbar_and_restores_attribute_and_threshold_from_its_link(services) -> None:
    assert ("Fairness", "/fairness") in PAGES
    page = shell.render_page(services, "/fairness", "?attribute=senior_citizen&threshold=0.35")
    assert by_id(page, ids.FAIRNESS_ATTRIBUTE).value == "senior_citizen"
    assert by_id(page, ids.FAIRNESS_THRESHOLD).value == 0.35
    options = by_id(page, ids.FAIRNESS_ATTRIBUTE).options
    assert [o["label"] for o in options] == [
        "age: bands <25, 25-40, 40-60, 60+",
        "senior_citizen: 2 groups",
        "age & senior_citizen: intersection, 8 groups",
    ]
    fallback = shell.render_page(services, "/fairness", "?attribute=zip&threshold=7")
    assert by_id(fallback, ids.FAIRNESS_ATTRIBUTE).value == "age"
    assert by_id(fallback, ids.FAIRNESS_THRESHOLD).value == 0.5  # the project's default


def test_the_threshold_slider_names_a_threshold_optimizer_it_does_not_move() -> None:
    plain = FakeServices()
    assert not [c for c in walk(fairness.page(plain, {})) if getattr(c, "id", None) == ids.FAIRNESS_OPTIMIZER_NOTE]
    mitigated = FakeServices()
    mitigated.optimizers = ("EBM",)
    note = by_id(fairness.page(mitigated, {}), ids.FAIRNESS_OPTIMIZER_NOTE).children
    assert note.startswith("'EBM' is a threshold optimizer") and "slider does not change its decisions" in note


def test_the_url_carries_attribute_and_threshold_and_keeps_every_other_key() -> None:
    query = fairness.fairness_query("age & senior_citizen", 0.35000000000000003, "?cohort=x&threshold=0.5")
    assert query == "?cohort=x&threshold=0.35&attribute=age+%26+senior_citizen"
    assert fairness.fairness_query("age", None, "?threshold=0.5") == "?threshold=0.5&attribute=age"


def test_each_threshold_slider_has_one_labelled_box_of_its_own_holding_the_links_value(services) -> None:
    page = shell.render_page(services, "/fairness", "?threshold=0.35")
    slider, box = by_id(page, ids.FAIRNESS_THRESHOLD), by_id(page, ids.FAIRNESS_THRESHOLD_BOX)
    assert slider.allow_direct_input is False  # the slider's own box commits only on blur: it is switched off
    assert (box.type, box.min, box.max, box.step, box.debounce, box.value) == ("number", 0, 1, 0.01, True, 0.35)
    assert any(getattr(n, "html_for", None) == ids.FAIRNESS_THRESHOLD_BOX for n in walk(page))
    performance = shell.render_page(FakeServices(), "/performance", "?threshold=0.6")
    assert by_id(performance, ids.THRESHOLD_SLIDER).value == 0.6 and by_id(performance, ids.THRESHOLD_BOX).value == 0.6
    assert by_id(performance, ids.THRESHOLD_SLIDER).allow_direct_input is False


def test_the_box_moves_the_slider_and_the_slider_the_box_clamping_or_ignoring_bad_input() -> None:
    box = ids.FAIRNESS_THRESHOLD_BOX
    assert threshold.synced(box, box, 0.5, 0.6) == (0.6, dash.no_update, "")  # the caret stays put
    assert threshold.synced(ids.FAIRNESS_THRESHOLD, box, 0.7, 0.6) == (dash.no_update, 0.7, "")
    assert threshold.synced(box, box, 0.5, 7) == (1.0, 1.0, "7 is outside 0 to 1: the threshold is 1.")
    assert threshold.synced(box, box, 0.5, -0.2)[:2] == (0.0, 0.0)
    slider, kept, note = threshold.synced(box, box, 0.5, None)  # the browser sends None for "abc" or ""
    assert (slider, kept) == (dash.no_update, dash.no_update)
    assert note == "Type a probability from 0 to 1 (for example 0.6); the threshold stays 0.5."
    assert threshold.threshold_query(0.6000000000000001, "?cohort=x&threshold=0.5") == "?cohort=x&threshold=0.6"


def test_a_project_that_cannot_have_fairness_says_why_instead_of_the_page() -> None:
    multiclass = FakeServices(classes=("a", "b", "c"))
    page = shell.render_page(multiclass, "/fairness", "")
    alert = of_class(page, "fairness-unsupported")[0]
    assert alert.children[0].children == "This project has no fairness view: "
    assert (
        alert.children[1]
        == multiclass.fairness_support()
        == ("group metrics need a two-class target; this project's target has 3 classes")
    )
    assert not [c for c in walk(page) if getattr(c, "id", None) == ids.FAIRNESS_ATTRIBUTE]


# --- group metrics ------------------------------------------------------------------------
def test_the_chart_draws_each_models_selection_rates_with_their_bootstrap_intervals(services) -> None:
    figure, _cards = fairness.group_metrics(services, "age", 0.5)
    results = services.group_metrics("age", 0.5)
    assert [t.name.split(":")[0] for t in figure.data] == ALL
    for trace, result in zip(figure.data, results):
        rates = [g.selection_rate for g in result.groups]
        np.testing.assert_allclose(trace.x, rates)
        low = [g.intervals["selection_rate"][0] for g in result.groups]
        np.testing.assert_allclose(np.asarray(rates) - np.asarray(trace.error_x.arrayminus), low)
    assert list(figure.data[0].y) == ["&lt;25 (n=8, excluded)", "25-40 (n=40)", "40-60 (n=56)", "60+ (n=21)"]
    assert figure.data[0].marker.opacity[0] < 1 == figure.data[0].marker.opacity[1]  # the excluded group is faded
    assert figure.data[0].name == "Random forest: parity ratio 0.25 ⚠ below 0.8"
    subtitle = figure.layout.title.subtitle.text
    assert "≥ 0.50 · 125 held-out rows · error bars: 95% bootstrap intervals (200 resamples)" in subtitle


def test_each_model_says_whether_it_breaches_the_four_fifths_rule_and_tabulates_every_group(services) -> None:
    _figure, cards = fairness.group_metrics(services, "age", 0.5)
    forest = services.group_metrics("age", 0.5)[0]
    verdicts = of_class(cards, "verdict")
    assert len(verdicts) == 3 and all("breach" in v.className for v in verdicts)
    low, high = forest.disparity.demographic_parity_interval
    assert [f.disparity.verdict for f in services.group_metrics("age", 0.5)] == ["breach"] * 3
    assert words(verdicts[0]) == "Breach of the four-fifths rule: 60+ is decided 'Yes' at 0.25 of 25-40's rate."
    straddling = replace(forest, disparity=replace(forest.disparity, demographic_parity_interval=(0.6, 0.95)))
    (alert,) = of_class(html.Div(metrics_pane(straddling, "Yes")), "verdict")  # the interval crosses 0.8
    assert "inconclusive" in alert.className and alert.color == "warning"
    assert words(alert) == (
        "Inconclusive against the four-fifths rule: 60+ is decided 'Yes' at 0.25 of 25-40's rate; "
        "its 95% interval 0.60–0.95 crosses 0.8."
    )
    text = words(cards)
    assert f"Demographic parity ratio 0.25 (95% interval {low:.2f}–{high:.2f})" in text
    assert "Too few rows (under 20) to count: <25." in text
    table = of_class(cards, "group-table")[0]
    rows = [c for c in walk(table) if type(c).__name__ == "Tr"]
    g = forest.group("40-60")
    expected = ["40-60n=56"] + [f"{g.values[m]:.2f}" for m, *_ in TABLE_COLUMNS]  # rows beneath the name
    assert cells(rows[3]) == expected
    assert "excluded" in rows[1].className and cells(rows[-1])[0] == "alln=125"


def test_the_threshold_moves_every_models_selection_rates(services) -> None:
    low = fairness.group_metrics(services, "age", 0.3)[0]
    high = fairness.group_metrics(services, "age", 0.7)[0]
    for strict, lenient in zip(high.data, low.data):
        assert all(h <= lo for h, lo in zip(strict.x, lenient.x)) and list(strict.x) != list(lenient.x)
    assert "≥ 0.70" in high.layout.title.subtitle.text
    default = fairness.group_metrics(services, "age", None)[0]  # the box beside the slider cleared: the default
    assert "≥ 0.50" in default.layout.title.subtitle.text


def test_an_intersection_lays_each_model_on_its_own_row(services) -> None:
    figure, cards = fairness.group_metrics(services, "age & senior_citizen", 0.5)
    assert len(figure.data[0].y) == 8 and "age=60+ &amp; senior_citizen=Yes" in figure.data[0].y[-1]
    assert [getattr(c, "lg", None) for c in walk(cards) if type(c).__name__ == "Col"] == [None] * 3  # full width
    _figure, side_by_side = fairness.group_metrics(services, "age", 0.5)
    assert [c.lg for c in walk(side_by_side) if type(c).__name__ == "Col"] == [4, 4, 4]


# --- explanations by group ----------------------------------------------------------------
def test_each_model_gets_its_mean_contributions_per_group_and_links_to_the_feature_page(services) -> None:
    row = fairness.explanations(services, "senior_citizen")
    graphs = of_class(row, "group-explanation-graph")
    assert len(graphs) == 3
    grouped = services.group_explanations("senior_citizen", "EBM")
    figure = graphs[2].figure
    heat = figure.data[0]
    assert heat.y[-1] == "<b>senior_citizen</b> (protected)"  # a weak input, listed after the top features
    features = [y.replace("<b>", "").replace("</b> (protected)", "") for y in heat.y]
    expected = np.stack([grouped.contribution_of(f) for f in features])
    np.testing.assert_allclose(heat.z, expected)
    assert "mean SHAP per group (log-odds) · 500 rows" in figure.layout.title.text
    own = of_class(row, "own-contribution")[2].children
    values = grouped.contribution_of("senior_citizen")
    assert own == f"senior_citizen's own mean contribution (log-odds): No {values[0]:+.2f}, Yes {values[1]:+.2f}."
    links = [c.href for c in of_class(row, "feature-link")]
    assert f"/feature?feature={features[0]}&colour-by=group%3A+senior_citizen" in links


def test_the_feature_page_colours_by_a_protected_attributes_groups(services) -> None:
    """The link's colouring is offered on /feature and colours every panel by the banded groups."""
    page = shell.render_page(services, "/feature", "?feature=tenure&colour-by=group%3A+age")
    picker = by_id(page, ids.COLOUR_PICKER)
    assert picker.value == "group: age" and "group: age & senior_citizen" in [o["value"] for o in picker.options]
    bands = services.protected_attributes()[0]
    frame = services.fairness.with_group_column(pd.DataFrame({"x": np.arange(500)}), "group: age")
    assert list(frame["group: age"]) == list(bands.labels)
    explanations = [services.explanation(m) for m in services.model_names]
    panels = services.feature_dependence("tenure", "group: age", explanations)
    for panel in panels:
        assert panel.colour_feature == "group: age" and set(panel.colour_values) == set(bands.groups)


def test_an_attribute_that_is_not_an_input_says_so_and_a_running_model_waits() -> None:
    services = FakeServices(running=("EBM",), failed={"Gradient boosting": "out of memory"})
    row = fairness.explanations(services, "age")
    own = of_class(row, "own-contribution")
    assert len(own) == 2 and all(o.children.startswith("age is not an input of this model") for o in own)
    text = words(row)
    assert "EBM's explanation is still being computed" not in text  # 30% of its rows are explained: drawn
    assert "out of memory" in text and len(of_class(row, "group-explanation-graph")) == 2
    assert "150 rows" in of_class(row, "group-explanation-graph")[1].figure.layout.title.text


# --- proxies ------------------------------------------------------------------------------
def test_proxy_tables_rank_each_models_features_and_show_the_direct_use_apart(services) -> None:
    row = fairness.proxies(services, "senior_citizen")
    tables = services.proxy_tables("senior_citizen")
    direct = of_class(row, "direct-use")
    assert len(direct) == 3 and "senior_citizen is derived from 'senior_citizen', which is a model input" in words(
        direct[0]
    )
    first = of_class(row, "model-pane")[0]
    body = [r for r in walk(first) if type(r).__name__ == "Tr" and type(r.children[0]).__name__ == "Td"]
    ranked = [words(r.children[1].children[0]) for r in body]  # the feature's name above its reason
    assert ranked == [r.feature for r in tables[0].rows] and "senior_citizen" not in ranked
    assert "more features, lower risk" in words(of_class(first, "more-proxies")[0])
    assert tables[0].rows[0].reason in words(first)


def test_a_flagged_proxy_row_is_highlighted() -> None:
    table = FakeServices().proxy_tables("age")[0]
    flagged = replace(table, rows=(replace(table.rows[0], flagged=True), *table.rows[1:]))
    rows = [r for r in walk(html.Div(proxy_pane(flagged))) if type(r).__name__ == "Tr"]
    assert "table-danger" in rows[1].className and "proxy risk" in words(rows[1]) and rows[2].className == ""


# --- adverse-action reasons ---------------------------------------------------------------
def test_the_picker_lists_only_declined_rows_searched_on_the_server_and_preselects_the_first(services) -> None:
    options, value, note = adverse_reasons.declined_options(services, 0.5, "", None, "age")
    assert len(options) == adverse_reasons.MAX_OPTIONS and value == options[0]["value"] == "C00000"
    declined = adverse_reasons.declined_rows(services, 0.5)
    scores = {m: services._positive_scores(m) for m in services.model_names}
    for i, row_id in enumerate(declined.row_ids[:20]):
        position = services.row_ids().index(row_id)
        assert declined.votes[i] == sum(scores[m][position] < 0.5 for m in services.model_names) > 0
    assert note.startswith(f"{len(declined.row_ids)} of 500 rows are not decided 'Yes' by at least one model at 0.50 (")
    assert options[0]["label"].startswith("C00000 · not decided 'Yes' by 3 of 3 · age ")
    found, kept, _ = adverse_reasons.declined_options(services, 0.5, "c00049", "C00007", "age")
    assert [o["value"] for o in found] == ["C00007", "C00049"] and kept is dash.no_update


def test_a_declined_applicants_reasons_are_each_models_own(services) -> None:
    view = adverse_reasons.reasons(services, "C00000", 0.5)
    decisions = services.adverse_reasons("C00000", 0.5)
    text = words(view)
    assert text.startswith("Row C00000: age = ") and "senior_citizen = " in text
    panes = of_class(view, "decision-pane")
    assert len(panes) == 3
    for pane, decision in zip(panes, decisions):
        items = [words(li) for li in walk(pane) if type(li).__name__ == "Li"]
        assert [i.split(" = ")[0] for i in items] == [r.feature for r in decision.reasons]
        assert f"{decision.reasons[0].contribution:+.3f}" in items[0]
        assert f"probability of 'Yes' {decision.score:.2f}, below the threshold 0.50" in words(pane)
    assert words(adverse_reasons.reasons(services, None, 0.5)) == (
        "Choose a row not decided 'Yes' above to read each model's reasons."
    )
    assert "No row 'nobody'" in words(adverse_reasons.reasons(services, "nobody", 0.5))


def test_each_models_reasons_name_their_scale_and_the_panel_says_when_the_scales_differ(services, monkeypatch) -> None:
    decisions = services.adverse_reasons("C00000", 0.5)
    scales = (LOG_ODDS, PROBABILITY, LOG_ODDS)
    mixed = tuple(replace(d, output_scale=scale) for d, scale in zip(decisions, scales))
    monkeypatch.setattr(services, "adverse_reasons", lambda row_id, threshold=None: mixed)
    view = adverse_reasons.reasons(services, "C00000", 0.5)
    (note,) = of_class(view, "scales-differ")
    names = [d.model_name for d in mixed]
    assert words(note) == (
        f"Scales differ: {names[0]} in log-odds, {names[1]} in probability, {names[2]} in log-odds; "
        "compare ranks, not sizes."
    )
    panes = of_class(view, "decision-pane")
    titles = [words(t) for p in panes for t in walk(p) if "fw-semibold" in str(getattr(t, "className", ""))]
    assert [t.rsplit(", in ", 1)[1] for t in titles] == ["log-odds", "probability", "log-odds"]
    same = tuple(replace(d, output_scale=PROBABILITY) for d in decisions)
    monkeypatch.setattr(services, "adverse_reasons", lambda row_id, threshold=None: same)
    assert of_class(adverse_reasons.reasons(services, "C00000", 0.5), "scales-differ") == []


def test_the_csv_of_every_declined_rows_reasons_is_written_on_the_server_and_sent_as_a_download(services) -> None:
    sent, note = adverse_reasons.reasons_csv(services, 0.4)
    assert sent["filename"] == "adverse-reasons-threshold-0.40.csv"
    lines = list(csv.reader(io.StringIO(sent["content"])))
    assert tuple(lines[0]) == COLUMNS
    expected = services.write_adverse_reasons(io.StringIO(), 0.4)
    assert len(lines) - 1 == expected.lines
    assert note == (
        f"{expected.lines:,} reasons for the rows not decided 'Yes' at 0.40: "
        + ", ".join(f"{n:,} by {m}" for m, n in expected.declined.items())
        + "."
    )
    waiting = FakeServices(running=tuple(ALL))
    assert adverse_reasons.reasons_csv(waiting, 0.4) == (dash.no_update, adverse_reasons.NONE_FINISHED)


# --- the figures on their own -------------------------------------------------------------
def test_a_heatmap_names_its_scale_marks_the_protected_input_and_writes_small_values_finely(services) -> None:
    grouped = services.group_explanations("senior_citizen", "Random forest")
    figure = group_contribution_heatmap(grouped, protected=["senior_citizen"], top=3)
    assert len(figure.data[0].y) == 4 and figure.data[0].y[-1] == "<b>senior_citizen</b> (protected)"
    assert figure.layout.title.text.startswith("mean SHAP per group (probability)")
    assert all(len(t.split(".")[1]) == 3 for t in np.ravel(figure.data[0].text))  # probabilities: 3 decimals
    assert selection_rate_figure(()).layout.annotations[0].text == "No model to show."


# --- the words follow the project's outcome ---------------------------------------------------
LENDING_WORDS = re.compile(r"declin|adverse.action", re.IGNORECASE)


def visible_text(component) -> str:
    """Every piece of text a reader sees in a layout tree: children, labels, placeholders, tooltips, options."""
    found = []
    for node in walk(component):
        for prop in ("children", "label", "placeholder", "title"):
            value = getattr(node, prop, None)
            if isinstance(value, str):
                found.append(value)
        found += [o["label"] for o in getattr(node, "options", None) or [] if isinstance(o, dict)]
    return " | ".join(found)


def reasons_section_text(services: FakeServices) -> str:
    """The section of reasons as the reader meets it: the page (heading, intro, picker label and placeholder,
    download button), the picker's options and note, the nudge to pick, a row's decisions (declined, not declined,
    and with no reasons at all) and the CSV's note."""
    page = shell.render_page(services, "/fairness", "")
    options, _value, note = adverse_reasons.declined_options(services, 0.5, "", None, "age")
    decision = services.adverse_reasons("C00000", 0.5)[0]
    panes = [
        decision_pane(decision, "Yes", fairness.other_decision(services)),
        decision_pane(replace(decision, declined=False), "Yes", fairness.other_decision(services)),
        decision_pane(replace(decision, reasons=()), "Yes", fairness.other_decision(services)),
    ]
    shown = [
        visible_text(page),
        *(o["label"] for o in options),
        note,
        visible_text(adverse_reasons.reasons(services, None, 0.5)),
        visible_text(adverse_reasons.reasons(services, "C00000", 0.5)),
        visible_text(html.Div([part for pane in panes for part in pane])),
        adverse_reasons.reasons_csv(services, 0.4)[1],
    ]
    return " | ".join(shown)


def test_a_churn_project_never_declines_anyone_its_words_follow_the_positive_class(services) -> None:
    text = reasons_section_text(services)
    assert not LENDING_WORDS.findall(text)
    assert "applicant" not in text.lower()
    assert "No feature pushed this model away from 'Yes'." in text
    assert "Strongest pushes away from 'Yes' (decided 'Yes' all the same), in " in text
    page = shell.render_page(services, "/fairness", "")
    assert [c.children for c in of_class(page, "section-title")][-1] == "Reasons for not deciding 'Yes'"
    label = next(n for n in walk(page) if getattr(n, "html_for", None) == ids.DECLINED_PICKER)
    assert label.children == "Row not decided 'Yes'"
    assert by_id(page, ids.REASONS_DOWNLOAD_BUTTON).children == "Download reasons for all rows not decided 'Yes' (CSV)"
    assert "the features that pushed it most away from 'Yes'" in visible_text(page)
    badges = [b.children for b in walk(adverse_reasons.reasons(services, "C00000", 0.5)) if type(b).__name__ == "Badge"]
    assert badges == ["Not decided 'Yes'"] * 3  # every model declines C00000 at 0.5, in churn's words


def test_a_lending_project_declines_applicants_and_gives_adverse_action_reasons() -> None:
    lending = FakeServices(outcome_words="lending")
    text = reasons_section_text(lending)
    for said in (
        "Adverse-action reasons",
        "Pick an applicant declined by at least one model at the threshold",
        "toward decline",
        "Declined applicant",
        "Download reasons for all rows declined (CSV)",
        "Choose a declined applicant above to read each model's reasons.",
        "C00000 · declined by 3 of 3 · age ",
        "No feature pushed this model toward decline.",
        "reasons for the rows declined at 0.40: ",
    ):
        assert said in text
    badges = [b.children for b in walk(adverse_reasons.reasons(lending, "C00000", 0.5)) if type(b).__name__ == "Badge"]
    assert badges == ["Declined"] * 3
    assert words(adverse_reasons.reasons(lending, "C00000", 0.5)).startswith("Applicant C00000: age = ")
    page = shell.render_page(lending, "/fairness", "")
    assert by_id(page, ids.DECLINED_PICKER).id == "declined-picker"  # ids are promises to scripts: unchanged
    assert adverse_reasons.reasons_csv(lending, 0.4)[0]["filename"] == "adverse-reasons-threshold-0.40.csv"
