"""/monitoring on the fake project (five months, planted changes from 2024-04): its callbacks called directly."""

from __future__ import annotations

import time
from dataclasses import replace

import numpy as np
import pytest

from callbacks import monitoring, shell
from layouts import ids
from layouts.shell import PAGES
from layouts.shell import shell as shell_layout
from portal.analyses import (
    COMMON,
    OWN_SCALE,
    PREVIOUS,
    REFERENCE,
    feature_changes,
    monitoring_summary,
    window_alerts,
    window_change,
)
from portal.figures import model_colors
from tests.fakes import FakeServices
from tests.web.test_callbacks import text_of, walk
from tests.web.test_callbacks_fairness import words
from tests.web.test_callbacks_workbench import by_id


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices()


def ready(services) -> bool:
    """Poll the report's state as the page does until it is built."""
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line, done = monitoring.report_state(services, wait=1.0)
        if done:
            return line == ""
    return False


def test_the_window_and_baseline_come_from_the_url(services) -> None:
    page = shell.render_page(services, "/monitoring", "?window=2024-04&against=previous")
    assert by_id(page, ids.MONITORING_WINDOW).value == "2024-04"
    assert by_id(page, ids.MONITORING_AGAINST).value == PREVIOUS
    assert by_id(page, ids.MONITORING_NOTE).children == ""
    options = [o["value"] for o in by_id(page, ids.MONITORING_WINDOW).options]
    assert options == ["2024-03", "2024-04", "2024-05"]  # the reference windows are the baseline, not a choice


def test_a_link_with_values_that_are_not_ones_falls_back_with_a_note(services) -> None:
    page = shell.render_page(services, "/monitoring", "?window=2016-01&against=yesterday")
    assert by_id(page, ids.MONITORING_WINDOW).value == "2024-05"
    assert by_id(page, ids.MONITORING_AGAINST).value == REFERENCE
    assert by_id(page, ids.MONITORING_NOTE).children == (
        "There is no window '2016-01' after the reference; showing 2024-05, the latest. "
        "'yesterday' is not a baseline (reference, previous or year-before); comparing against the reference."
    )


def test_changing_the_controls_writes_them_to_the_url_keeping_other_keys() -> None:
    assert monitoring.monitoring_query("2024-04", "previous", "?cohort=x&window=2024-05") == (
        "?cohort=x&window=2024-04&against=previous"
    )


def test_the_summary_is_the_reports_sentences_and_names_the_rows(services) -> None:
    assert ready(services)
    report = services.monitoring()
    panel = monitoring.summary_panel(services, True, "2024-05", REFERENCE)
    sentences = monitoring_summary(report, "2024-05", REFERENCE, outcome="churn = Yes")
    assert panel.children[0].children == " ".join(sentences)
    assert sentences[0].startswith("In 2024-05 the Random forest's mean probability of churn = Yes rose by")
    assert "Random forest now leans more on contract than in the reference" in sentences[2]
    assert panel.children[1].children == "2024-05: 100 of 500 rows; the reference (2024-01..2024-02): 200 rows."
    assert len(panel.children) == 2  # a project without a time column links to no window


def test_the_summary_opens_the_windows_rows_on_every_page_as_a_cohort(services, monkeypatch) -> None:
    from dataclasses import replace

    assert ready(services)
    timed = replace(services.facts(), time="arrival_date")
    monkeypatch.setattr(services, "facts", lambda: timed)
    panel = monitoring.summary_panel(services, True, "2024-05", REFERENCE)
    links = [c for c in walk(panel) if type(c).__name__ == "A"]
    assert [a.children for a in links] == ["Global", "Local", "Feature", "Performance"]
    assert links[0].href == "/global?cohort=arrival_date+%3D+2024-05"
    assert {a.href.split("?")[1] for a in links} == {"cohort=arrival_date+%3D+2024-05"}


def test_the_figures_carry_the_reports_numbers(services) -> None:
    assert ready(services)
    report = services.monitoring()
    shares = monitoring.shares_panel(services, True, "2024-04")
    contract = next(t for t in shares.data if t.name == "EBM" and t.xaxis == "x")  # contract leads the panes
    assert shares.layout.annotations[0].text == "contract"
    np.testing.assert_allclose(contract.y, [a.share[1] for a in report.model("EBM").attribution])
    panes = monitoring.waterfalls_panel(services, True, "2024-04", PREVIOUS)
    graphs = [c for c in walk(panes) if getattr(c, "className", "") == "monitoring-change-graph"]
    assert len(graphs) == 3
    change = window_change(report.model("Gradient boosting"), "2024-04", PREVIOUS)
    bars = dict(zip(graphs[1].figure.data[0].customdata, graphs[1].figure.data[0].x))
    assert bars["contract"] == pytest.approx(dict(change.contributions)["contract"])
    assert "log-odds" in graphs[1].figure.layout.xaxis.title.text
    assert graphs[0].figure.layout.xaxis.range is None  # probability and log-odds: each its own axis
    drift = monitoring.drift_panel(services, True, "2024-04")
    assert dict(zip(drift.data[0].y, drift.data[0].x))["tenure"] == pytest.approx(report.drift.psi[3, 0])
    errors = monitoring.errors_panel(services, True, "2024-04")
    brier = next(t for t in errors.figure.data if t.name == "EBM")
    assert list(brier.y) == pytest.approx([e.get("Brier") for e in report.model("EBM").errors])


def test_the_table_ranks_what_changed_most_and_the_alerts_list_the_windows(services) -> None:
    assert ready(services)
    report = services.monitoring()
    table = monitoring.changes_panel(services, True, "2024-05", REFERENCE)
    first = table.children[2].children[0]
    top = feature_changes(report, "2024-05", REFERENCE)[0]
    assert [td.children for td in first.children][:3] == [top.feature, top.model, f"{top.before:.0%} → {top.after:.0%}"]
    assert table.children[0].children.startswith("Top 12 of 24 (model, feature) pairs")
    alerts = monitoring.alerts_panel(services, True, "2024-04")
    assert words(alerts).startswith(f"{len(window_alerts(report, '2024-04'))} alerts in 2024-04")
    assert "tenure's values in 2024-04 differ from the reference's" in words(alerts)


def test_while_explanations_run_the_page_says_how_far_they_are_never_a_traceback() -> None:
    running = FakeServices(running=("EBM",))
    line, done = monitoring.report_state(running, wait=2.0)
    assert not done and line == (
        "Monitoring needs every row explained by every model; still computing: EBM (3 of 10 chunks)."
    )
    assert text_of(monitoring.summary_panel(running, False, "2024-05", REFERENCE)) == monitoring.NOT_READY
    running.finish("EBM")
    assert ready(running)


def test_a_project_without_monitoring_says_how_to_enable_it_and_has_no_nav_entry() -> None:
    plain = FakeServices(monitored=False)
    page = shell.render_page(plain, "/monitoring", "")
    assert monitoring.NOT_MONITORED in text_of(page) and "[monitoring]" in text_of(page)
    nav = shell_layout("t", plain.model_names, model_colors(plain.model_names), monitored=False)
    items = [c for c in walk(nav) if type(c).__name__ == "NavItem"]
    assert [i.className for i in items][-1] == "d-none" and PAGES[-1][1] == "/monitoring"
    shown = shell_layout("t", plain.model_names, model_colors(plain.model_names), monitored=True)
    assert [c.className for c in walk(shown) if type(c).__name__ == "NavItem"][-1] is None


def test_a_report_that_cannot_be_built_is_one_line_and_the_next_poll_tries_again() -> None:
    broken = FakeServices()
    calls = []

    def fails():
        calls.append(1)
        raise RuntimeError("disk full\nTraceback (most recent call last): ...")

    broken.monitoring = fails
    assert monitoring.report_state(broken, wait=2.0) == ("The monitoring report could not be built: disk full", False)
    monitoring.report_state(broken, wait=2.0)
    assert len(calls) == 2


def test_the_window_before_the_first_after_the_reference_is_the_last_reference_window(services) -> None:
    assert ready(services)
    panel = monitoring.summary_panel(services, True, "2024-03", PREVIOUS)
    assert " against 2024-02, from " in panel.children[0].children


# --- the common scale (probability on the seeded sample) ---------------------------------------------------------
def common_ready(services) -> bool:
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        line, done = monitoring.report_state(services, wait=1.0, scale=COMMON)
        if done:
            return line == ""
    return False


def test_the_scale_comes_from_the_url_own_by_default_and_is_written_back(services) -> None:
    assert by_id(shell.render_page(services, "/monitoring", ""), ids.MONITORING_SCALE).value == OWN_SCALE
    page = shell.render_page(services, "/monitoring", "?window=2024-04&against=reference&scale=common")
    assert by_id(page, ids.MONITORING_SCALE).value == COMMON
    assert [o["value"] for o in by_id(page, ids.MONITORING_SCALE).options] == [OWN_SCALE, COMMON]
    assert monitoring.monitoring_query("2024-04", "reference", "?cohort=x", COMMON) == (
        "?cohort=x&window=2024-04&against=reference&scale=common"
    )
    assert monitoring.monitoring_query("2024-04", "reference", "?scale=common", OWN_SCALE) == (
        "?window=2024-04&against=reference"
    )


def test_in_the_common_scale_every_panel_says_probability_and_n_of_n_rows_and_the_panes_share_an_axis(
    services,
) -> None:
    assert ready(services) and common_ready(services)
    report = services.monitoring(COMMON)
    n, of = report.windows.counts()["2024-04"], report.windows.whole_counts()["2024-04"]
    line = f"probability (common scale) · {n} of {of} rows of the window (seeded sample)"
    assert 0 < n < of == 100
    summary = monitoring.summary_panel(services, True, "2024-04", REFERENCE, COMMON)
    assert f"2024-04: {n} of 100 rows of the window" in text_of(summary) and "probability" in text_of(summary)
    assert monitoring.shares_panel(services, True, "2024-04", REFERENCE, COMMON).layout.title.subtitle.text.startswith(
        line
    )
    assert monitoring.drift_panel(services, True, "2024-04", COMMON).layout.title.subtitle.text.startswith(line)
    errors = monitoring.errors_panel(services, True, "2024-04", COMMON)
    assert errors.figure.layout.title.subtitle.text.startswith(line)
    assert text_of(monitoring.changes_panel(services, True, "2024-04", REFERENCE, COMMON)).startswith(line)
    panes = monitoring.waterfalls_panel(services, True, "2024-04", REFERENCE, COMMON)
    assert text_of(panes).startswith(f"{line} · one x axis")
    graphs = [c for c in walk(panes) if getattr(c, "className", "") == "monitoring-change-graph"]
    assert len(graphs) == 3 and graphs[0].figure.layout.xaxis.range is not None
    assert len({tuple(g.figure.layout.xaxis.range) for g in graphs}) == 1  # one axis: they are in one scale now
    assert all("probability" in g.figure.layout.xaxis.title.text for g in graphs)
    alerts = monitoring.alerts_panel(services, True, "2024-04", COMMON)
    assert words(alerts).startswith(monitoring.COMMON_ALERTS)  # the own scale's alerts, said so
    own = monitoring.waterfalls_panel(services, True, "2024-04", REFERENCE)
    assert text_of(own).startswith(monitoring.OWN_PANES) and "common" not in text_of(
        monitoring.summary_panel(services, True, "2024-04", REFERENCE)
    )


def test_a_window_the_sample_misses_says_so_and_running_common_jobs_are_one_line() -> None:
    running = FakeServices(common_running=("EBM",))
    assert ready(running)
    line, done = monitoring.report_state(running, wait=2.0, scale=COMMON)
    assert not done and line.startswith("Monitoring in the common scale (probability) waits: ")
    assert text_of(monitoring.summary_panel(running, True, "2024-05", REFERENCE, COMMON)) == monitoring.NOT_READY
    services = FakeServices()
    assert ready(services) and common_ready(services)
    report = services.monitoring(COMMON)
    empty = report.windows.restricted(np.flatnonzero(report.windows.row_window != 4))
    missing = replace(report, windows=empty)
    assert monitoring._none_sampled(missing, "2024-05") == monitoring.NONE_SAMPLED.format(window="2024-05", of=100)


def test_a_window_can_be_compared_with_the_same_window_a_year_before(services) -> None:
    from portal.analyses import YEAR_BEFORE

    page = shell.render_page(services, "/monitoring", "?window=2024-05&against=year-before")
    toggle = by_id(page, ids.MONITORING_AGAINST)
    assert toggle.value == YEAR_BEFORE and by_id(page, ids.MONITORING_NOTE).children == ""
    assert {"label": "the same window a year before", "value": YEAR_BEFORE} in toggle.options
    assert ready(services)  # the fake's months start in 2024: no May 2023, so the summary says it used the reference
    panel = monitoring.summary_panel(services, True, "2024-05", YEAR_BEFORE)
    assert "against the reference (2024-01..2024-02)" in panel.children[0].children
