"""The cohort bar and every page restricted to a cohort, and /global's view in the URL: callbacks called directly."""

from __future__ import annotations

from urllib.parse import parse_qs

import dash
import numpy as np
import pandas as pd
from dash import html

from callbacks import (
    _common,
    agreement,
    cohort,
    disagreement,
    feature,
    global_link,
    global_page,
    local,
    performance,
    shell,
)
from layouts import ids
from layouts.cohort_bar import ERROR, STATUS
from portal.analyses import COMMON, NATIVE
from portal.figures import RAW, SHARE
from portal.project import Cohorts
from portal.results import RowIndex
from portal.web.app import create_app
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, text_of, walk
from tests.web.test_callbacks_workbench import by_id

YOUNG = "tenure < 12"
EVERYONE_TRACE = "everyone (outline)"


def test_a_page_opens_on_the_cohort_its_link_names_and_counts_its_rows() -> None:
    services = FakeServices()
    page = shell.render_page(services, "/global", "?cohort=tenure<12;contract=One+year")
    rows = services.cohort_rows("tenure < 12; contract = One year")
    assert by_id(page, ids.COHORT).data == "tenure < 12; contract = One year" == by_id(page, ids.COHORT_INPUT).value
    assert (
        by_id(page, ids.COHORT_STATUS).children
        == f"Cohort: {rows.n_rows} of 500 rows — charts show the cohort, compared with everyone."
    )
    assert 0 < rows.n_rows < 100
    help_text = text_of(page)
    assert (
        "prediction: EBM" in help_text and "error: Random forest" in help_text and "probability of 'Yes'" in help_text
    )


def test_a_wrong_cohort_in_a_link_is_named_in_red_and_the_page_shows_everyone() -> None:
    page = shell.render_page(FakeServices(), "/feature", "?cohort=tenure+<+ten")
    status = by_id(page, ids.COHORT_STATUS)
    assert status.children == "cohort filter 'tenure < ten': 'tenure' is numeric, so write a number"
    assert (
        status.className == ERROR
        and by_id(page, ids.COHORT).data == ""
        and by_id(page, ids.COHORT_INPUT).value == "tenure < ten"
    )
    assert not [c for c in walk(shell.render_page(FakeServices(), "/", "")) if getattr(c, "id", None) == ids.COHORT]


def test_applying_keeps_the_other_keys_a_wrong_text_changes_only_the_line_and_clear_is_everyone() -> None:
    services = FakeServices()
    store, text, search, line, style = cohort.apply_cohort(services, False, "tenure<12", "?id=C00007&cohort=old")
    assert (store, text, search, style) == (YOUNG, YOUNG, "?id=C00007&cohort=tenure+%3C+12", STATUS)
    assert line.startswith(f"Cohort: {services.cohort_rows(YOUNG).n_rows} of 500 rows")
    wrong = cohort.apply_cohort(services, False, "age > 3", "?id=C00007")
    assert wrong[:3] == (dash.no_update,) * 3 and wrong[4] == ERROR and "no column 'age'" in wrong[3]
    cleared = cohort.apply_cohort(services, True, YOUNG, "?id=C00007&cohort=tenure+%3C+12")
    assert cleared[:3] == ("", "", "?id=C00007") and cleared[3].startswith("Everyone: 500 rows")


def test_the_navbar_carries_the_cohort_to_the_pages_that_use_it() -> None:
    hrefs, active = cohort.nav_links("/feature", "?feature=tenure&cohort=tenure+%3C+12")
    assert hrefs == [
        "/",
        "/global?cohort=tenure+%3C+12",
        "/local?cohort=tenure+%3C+12",
        "/feature?cohort=tenure+%3C+12",
        "/performance?cohort=tenure+%3C+12",
        "/interactions",
        "/fairness",  # group metrics are of everyone: no cohort bar there
        "/monitoring",  # windows of every row
    ]
    assert active == [False, False, False, True, False, False, False, False]
    assert cohort.nav_links("/global/", "")[0][1] == "/global" and cohort.nav_links("/global/", "")[1][1]


def test_importance_draws_the_cohorts_bars_over_outlines_of_everyones() -> None:
    services = FakeServices()
    figure, _note = global_page.importance(services, SHARE, ALL, cohort=YOUNG)
    names = [t.name for t in figure.data]
    assert names == ["EBM", EVERYONE_TRACE, "Gradient boosting", EVERYONE_TRACE, "Random forest", EVERYONE_TRACE]
    rows = services.cohort_rows(YOUNG)
    ebm, outline = figure.data[0], figure.data[1]
    for trace, explanation in (
        (ebm, rows.restrict(services.explanation("EBM"))),
        (outline, services.explanation("EBM")),
    ):
        shares = dict(zip(explanation.feature_names, explanation.share_of_total()))
        assert np.allclose(trace.x, [shares[f] for f in trace.y])
    assert ebm.offsetgroup == outline.offsetgroup == "EBM" and outline.marker.line.width == 1.5
    assert "cohort <b>tenure &lt; 12</b> (bars) against everyone (outlines)" in figure.layout.title.subtitle.text
    assert [t.showlegend for t in figure.data if t.name == EVERYONE_TRACE] == [True, False, False]


def test_the_models_ticked_are_the_only_ones_drawn() -> None:
    services = FakeServices()
    figure, _ = global_page.importance(services, SHARE, ALL, shown=["EBM", "Random forest"])
    assert [t.name for t in figure.data] == ["EBM", "Random forest"]
    nothing, _ = global_page.importance(services, SHARE, ALL, shown=[])
    assert "Tick a model" in nothing.layout.annotations[0].text
    assert global_page.beeswarm_pane(services, "Gradient boosting", ALL, shown=["EBM"]) is None
    assert global_link.beeswarm_columns(services, ["EBM"]) == [{"display": "none"}, {"display": "none"}, {}]


def test_agreement_ranks_the_cohorts_importances_of_the_models_ticked() -> None:
    services = FakeServices()
    figure, _table, note = agreement.agreement_view(
        services, "spearman", 5, ALL, cohort=YOUNG, shown=["EBM", "Random forest"]
    )
    assert list(figure.data[0].x) == ["Random forest", "EBM"]
    assert "cohort tenure &lt; 12: ranks of mean |contribution|" in figure.layout.title.subtitle.text
    assert note == ""  # every row is explained: the cohort's fewer rows are not "computed so far"


def test_a_beeswarm_of_a_cohort_draws_everyone_behind_in_grey_and_stays_under_a_megabyte() -> None:
    services = FakeServices(n_rows=20_000)
    pane = global_page.beeswarm_pane(services, "EBM", ALL, cohort="tenure >= 12")
    behind, front = pane.figure.data[:2]  # then the few points beyond the axis, at its edge
    features = len(services.feature_names())
    assert behind.hoverinfo == "skip" and len(behind.x) == 800 * features and len(front.x) == 1_200 * features
    cohort_ids = set(services.cohort_rows("tenure >= 12").row_ids.tolist())
    assert {row for row, _value in front.customdata.tolist()} <= cohort_ids  # (row, its value of the feature)
    assert "cohort: 1,200 of 16," in pane.figure.layout.title.text and "grey: everyone" in pane.figure.layout.title.text
    assert len(pane.figure.to_json()) < 1_000_000  # what the browser receives


def test_dependence_of_a_cohort_is_drawn_over_everyones_points() -> None:
    services = FakeServices(n_rows=300)
    figure, _note = feature.dependence_figure(services, "tenure", None, [], ALL, cohort=YOUNG)
    everyone = [t for t in figure.data if t.name == "everyone"]
    front = [t for t in figure.data if t.name in ALL]
    assert len(everyone) == 3 and [t.showlegend for t in everyone] == [True, False, False]
    assert all(len(t.x) == 300 for t in everyone) and all(np.all(np.asarray(t.x) < 12) for t in front)
    assert len(front[0].x) == services.cohort_rows(YOUNG).n_rows
    assert feature.feature_query("age", None, "?feature=tenure&cohort=x") == "?feature=age&cohort=x"


def test_performance_of_a_cohort_puts_everyones_numbers_beside_and_says_when_it_has_none() -> None:
    services = FakeServices()
    roc, *_ = performance.curves(services, None, YOUNG)
    mine = {c.model_name: c for c in services.classification_curves(None, YOUNG)}
    everyone = {c.model_name: c for c in services.classification_curves()}
    names = [t.name for t in roc.data]
    ebm = f"EBM (AUC {mine['EBM'].roc_auc:.3f}; everyone {everyone['EBM'].roc_auc:.3f})"
    assert ebm in names and "dotted: everyone" in names and mine["EBM"].n < 125
    assert f"cohort: {mine['EBM'].n} of 125 held-out rows" in roc.layout.title.subtitle.text
    counts = performance.confusion(services, 0.5, None, YOUNG)
    assert "; everyone " in counts.data[0].name and sum(counts.data[0].y) == mine["EBM"].n
    none = performance.curves(services, None, "tenure > 1000")
    assert all("no held-out rows" in f.layout.annotations[0].text for f in none)


def test_the_local_page_lists_and_ranks_only_the_cohorts_rows() -> None:
    services = FakeServices()
    rows = set(services.cohort_rows(YOUNG).row_ids.tolist())
    page = shell.render_page(services, "/local", "?cohort=tenure+%3C+12")
    picker = by_id(page, ids.ROW_PICKER)
    assert picker.value in rows and set(picker.options) <= rows and len(picker.options) == 50
    table = disagreement.disagreement_view(services, "prediction", ALL, cohort=YOUNG)
    links = [c.children for c in walk(table) if getattr(c, "className", None) == "disagreement-row"]
    assert len(links) == 15 and set(links) <= rows
    assert f"of {len(rows)} rows every model has explained" in text_of(table)
    assert set(local.search_rows(sorted(rows), "C001", None)) <= rows


def test_a_global_link_restores_models_class_scale_and_k_and_the_page_writes_them_back() -> None:
    services = FakeServices(classes=("a", "b", "c"))
    query = "?models=Random+forest%2CEBM&class=b&scale=native&agreement-k=7&cohort=tenure+%3C+12"
    page = shell.render_page(services, "/global", query)
    assert by_id(page, ids.MODEL_CHOOSER).value == ["Random forest", "EBM"]
    assert by_id(page, ids.CLASS_PICKER).value == "b" and by_id(page, ids.CLASS_PICKER).persistence is False
    assert by_id(page, ids.SCALE_TOGGLE).value == "native" and by_id(page, ids.AGREEMENT_K).value == 7
    written = write_view(services, ["EBM", "Random forest"], "b", "native", 7, query)
    assert parse_qs(written.lstrip("?")) == parse_qs(query.lstrip("?"))  # every key kept, the cohort too
    assert write_view(services, list(services.model_names), "a", "common", 5, "?cohort=x") == (
        "?cohort=x&class=a&scale=common"
    )
    odd = global_link.read_view(
        services, {"models": ["Nobody"], "class": ["z"], "scale": ["odd"], "agreement-k": ["0"]}
    )
    assert odd == global_link.GlobalView(services.model_names, None, None, 5)
    defaults = shell.render_page(FakeServices(), "/global", "")
    assert by_id(defaults, ids.SCALE_TOGGLE).persistence is True and by_id(defaults, ids.AGREEMENT_K).value == 5


def write_view(services, shown, class_name, scale, k, search: str) -> str:
    """What the page's two URL writers write between them: the models and k, then the class and the scale."""
    models = global_link.models_query(services, shown, k, search)
    return global_link.class_scale_query(services, class_name, scale, models)


def test_the_placeholder_is_a_cohort_in_the_projects_own_columns() -> None:
    services = FakeServices()
    rng = np.random.default_rng(4)
    loan = pd.DataFrame(
        {
            "seniority": rng.integers(0, 30, 500),
            "home": rng.choice(["owner", "rent", "parents"], 500, p=[0.5, 0.3, 0.2]),
            "marital": rng.choice(["married", "single"], 500),
            "status": rng.choice(["good", "bad"], 500),
        }
    )
    services.cohorts = Cohorts(
        lambda: loan, RowIndex(services.row_ids()), (), lambda _m: (np.zeros(500), np.zeros(500))
    )
    median = int(loan["seniority"].median())
    page = shell.render_page(services, "/global", "")
    assert by_id(page, ids.COHORT_INPUT).placeholder == f"everyone — or e.g. seniority < {median}; home = owner"
    assert "tenure" not in by_id(page, ids.COHORT_INPUT).placeholder
    page = shell.render_page(services, "/global", "?cohort=marital+%3D+Married")  # any case
    assert by_id(page, ids.COHORT_STATUS).children.startswith(f"Cohort: {(loan['marital'] == 'married').sum()} of 500")
    wrong = shell.render_page(services, "/global", "?cohort=seniority")
    assert f"write e.g. 'seniority < {median}; home = owner'" in by_id(wrong, ids.COHORT_STATUS).children


def test_a_cohort_in_the_common_scale_says_how_many_of_its_rows_the_sample_holds_and_offers_the_own_scale() -> None:
    services = FakeServices()
    every = {m: 4 for m in services.model_names}
    rows = services.cohort_rows(YOUNG)
    _figure, note = global_page.importance(services, RAW, ALL, scale=COMMON, levels=every, cohort=YOUNG)
    held = rows.restrict(services.common_explanation("Gradient boosting")).n_rows
    assert 0 < held < rows.n_rows < 200
    assert f"The common scale's sample holds {held} of the cohort's {rows.n_rows} rows: a thin basis." in text_of(
        html.Div(note)
    )
    button = by_id(html.Div(note), ids.TO_OWN_SCALE)
    assert button.children == f"Show each model's own scale (exact, all {rows.n_rows} rows)"
    _figure, native = global_page.importance(services, SHARE, ALL, scale=NATIVE, cohort=YOUNG)
    assert "sample holds" not in text_of(native)  # each model's own scale covers every row
    _figure, everyone = global_page.importance(services, RAW, ALL, scale=COMMON, levels=every)
    assert "sample holds" not in text_of(everyone)


def test_a_cohort_the_sample_holds_enough_of_is_counted_without_the_offer(monkeypatch) -> None:
    services = FakeServices()
    every = {m: 4 for m in services.model_names}
    rows = services.cohort_rows(YOUNG)
    held = rows.restrict(services.common_explanation("Gradient boosting")).n_rows
    monkeypatch.setattr(_common, "THIN_SAMPLE", held)
    _figure, note = global_page.importance(services, RAW, ALL, scale=COMMON, levels=every, cohort=YOUNG)
    assert note == f"The common scale's sample holds {held} of the cohort's {rows.n_rows} rows."


def test_the_offer_flips_the_scale_toggle_to_each_models_own_scale() -> None:
    app = create_app(FakeServices())
    found = [k for k in app.callback_map if k.startswith(f"{ids.SCALE_TOGGLE}.value")]
    assert found and app.callback_map[found[0]]["inputs"] == [{"id": ids.TO_OWN_SCALE, "property": "n_clicks"}]


def test_a_project_with_a_time_column_says_how_a_cohort_names_its_dates(monkeypatch) -> None:
    from dataclasses import replace

    from callbacks.cohort import column_notes

    services = FakeServices()
    assert not any("holds dates" in note for note in column_notes(services))  # no time column: nothing said
    timed = replace(services.facts(), time="arrival_date")
    monkeypatch.setattr(services, "facts", lambda: timed)
    (dates,) = [note for note in column_notes(services) if "holds dates" in note]
    assert dates.startswith("'arrival_date' holds dates: 'arrival_date = 2017-07' is July 2017's rows")
