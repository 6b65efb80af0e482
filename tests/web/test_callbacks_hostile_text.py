"""Hostile text at the callbacks (issue 17): a cohort, search or what-if value past the cap, or a row the data
lacks, is one line in the page; nothing computed before changes, and no box is the only guard."""

from __future__ import annotations

import dash

from callbacks import cohort, local, local_charts, neighbours, row_search, shell, whatif
from layouts import ids
from layouts.cohort_bar import ERROR
from portal.analyses import MAX_TEXT
from tests.fakes import FakeServices
from tests.web.test_callbacks import text_of
from tests.web.test_callbacks_workbench import by_id

PROBE = " " * 2_000 + "x"  # the probe's cohort: 39.5 s of a frozen server under the old pattern
LONG_LINE = f"is 2,001 characters long; shorten it to at most {MAX_TEXT:,} characters"


def test_a_cohort_past_the_cap_is_one_red_line_and_the_applied_cohort_stays() -> None:
    services = FakeServices()
    store, text, search, line, style = cohort.apply_cohort(services, False, PROBE, "?cohort=tenure+%3C+12")
    assert (store, text, search, style) == (dash.no_update, dash.no_update, dash.no_update, ERROR)
    assert line.startswith("cohort '") and LONG_LINE in line and "\n" not in line


def test_a_link_with_a_cohort_past_the_cap_opens_on_everyone_naming_the_cap() -> None:
    page = shell.render_page(FakeServices(), "/global", "?cohort=" + "+" * 2_000 + "x")
    status = by_id(page, ids.COHORT_STATUS)
    assert LONG_LINE in status.children and status.className == ERROR and by_id(page, ids.COHORT).data == ""
    assert len(by_id(page, ids.COHORT_INPUT).value) == MAX_TEXT
    assert cohort.nav_links("/global", "?cohort=" + "x" * (MAX_TEXT + 1))[0][1] == "/global"  # not carried along
    assert cohort.applied(FakeServices(), PROBE) is None


def test_the_boxes_say_the_cap_too() -> None:
    cohort_page = shell.render_page(FakeServices(), "/global", "")
    assert by_id(cohort_page, ids.COHORT_INPUT).maxLength == MAX_TEXT
    local_page = shell.render_page(FakeServices(), "/local", "?id=C00002")
    assert by_id(local_page, ids.ROW_SEARCH_TEXT).maxLength == MAX_TEXT


def test_a_search_past_the_cap_is_one_line_whatever_part_carries_it() -> None:
    services = FakeServices()
    message = text_of(row_search.search_view(services, "x" + " " * 20_000 + "y", None))
    assert message.startswith("Search 'x") and "is 20,002 characters long" in message
    assert text_of(row_search.search_view(services, "3", "t" * 600)).startswith("Search column 'ttt")
    assert text_of(row_search.search_view(services, "", None, "", "s" * 600)).startswith("Search sort 'sss")


def test_what_if_of_a_row_the_data_lacks_is_one_line_not_an_error_page() -> None:
    services = FakeServices()
    names = list(services.feature_names())
    values = whatif.reset_values(services, "NOBODY", names)
    assert values == [None] * len(names)
    error, results = whatif.what_if_view(services, "NOBODY", names, values, "native")
    assert (error, results) == ("No row 'NOBODY' in the data to change; choose one of its rows.", "")
    error, _ = whatif.what_if_view(services, "C" * 10_000, names, values, "native")
    assert error.startswith("No row 'CCC") and len(error) < 150


def test_a_what_if_value_past_the_cap_is_one_line() -> None:
    services = FakeServices()
    names = list(services.feature_names())
    values = whatif.reset_values(services, "C00005", names)
    values[names.index("contract")] = "=" * 100_000
    error, results = whatif.what_if_view(services, "C00005", names, values, "native")
    assert results == "" and error == (
        f"A what-if value of 'contract' is 100,000 characters long; a value holds at most {MAX_TEXT}: "
        "use the data's own."
    )


AT_CAP, PAST_CAP = "x" * MAX_TEXT, "x" * (MAX_TEXT + 1)
PAST_LINE = f"is {MAX_TEXT + 1:,} characters long; shorten it to at most {MAX_TEXT:,} characters."


def test_the_row_pickers_search_past_the_cap_is_one_disabled_line_and_at_the_cap_is_searched() -> None:
    refused = local.search_rows(["C00001", "C00002"], PAST_CAP, "C00001")
    assert refused[0]["disabled"] and refused[0]["label"].startswith("Row search 'xxx")
    assert refused[0]["label"].endswith(PAST_LINE) and "\n" not in refused[0]["label"] and refused[1:] == ["C00001"]
    assert local.search_rows(["C00001", "C00002"], AT_CAP, None) == []  # searched: no id holds it
    assert local.search_rows(["C00001", "C00002"], "0002", None) == ["C00002"]


def test_a_row_id_past_the_cap_is_one_line_in_every_local_chart_and_at_the_cap_is_looked_up() -> None:
    services = FakeServices()
    model, ready = services.model_names[0], list(services.model_names)
    pane = local.waterfall_pane(services, model, PAST_CAP, ready)
    assert pane.children.startswith("Row id 'xxx") and pane.children.endswith(PAST_LINE)
    assert "not in this model's explanation" in text_of(local.waterfall_pane(services, model, AT_CAP, ready))
    for figure, note in (
        local_charts.force_view(services, PAST_CAP, ready, None, "native"),
        local_charts.decision_view(services, None, None, PAST_CAP, {"ready": ready}),
    ):
        assert figure.layout.annotations[0].text.endswith(PAST_LINE) and note == ""
    at_cap, _ = local_charts.force_view(services, AT_CAP, ready, None, "native")
    assert PAST_LINE not in str(at_cap.layout.annotations[0].text)


def test_a_local_link_past_the_cap_opens_and_its_search_is_refused_in_one_line() -> None:
    page = shell.render_page(FakeServices(), "/local", f"?id={PAST_CAP}&search={PAST_CAP}")
    assert by_id(page, ids.ROW_SEARCH_TEXT).value == PAST_CAP  # shown as written; the search callback refuses it
    message = text_of(row_search.search_view(FakeServices(), PAST_CAP, None))
    assert message.startswith("Search 'xxx") and message.endswith(PAST_LINE)
    assert "characters long" not in text_of(row_search.search_view(FakeServices(), AT_CAP, None))


def test_a_what_if_value_at_the_cap_is_accepted_and_one_past_it_refused() -> None:
    services = FakeServices()
    names = list(services.feature_names())
    values = whatif.reset_values(services, "C00005", names)
    values[names.index("contract")] = PAST_CAP
    error, _ = whatif.what_if_view(services, "C00005", names, values, "native")
    assert error.startswith("A what-if value of 'contract' is 501 characters long")
    values[names.index("contract")] = AT_CAP
    error, _ = whatif.what_if_view(services, "C00005", names, values, "native")
    assert "characters long" not in error


def test_similar_rows_of_a_row_id_past_the_cap_are_one_line_and_at_the_cap_are_looked_up() -> None:
    services = FakeServices()
    ready = list(services.model_names)
    line = neighbours.similar_view(services, PAST_CAP, None, ready)
    assert isinstance(line, str) and line.startswith("Row id 'xxx") and line.endswith(PAST_LINE)
    assert PAST_LINE not in str(neighbours.similar_view(services, AT_CAP, None, ready))
