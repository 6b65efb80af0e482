"""The callbacks' functions called directly with FakeServices: no server, no browser."""

from __future__ import annotations

import time

import dash
import pytest
from dash import dcc

from callbacks import global_page, local, overview, shell
from layouts import ids
from portal.analyses import CommonMethod
from portal.web.app import create_app
from tests.fakes import FAKE_HINT, FakeServices

ALL = ["Random forest", "Gradient boosting", "EBM"]


def walk(component):
    """Every component in a layout tree, depth first."""
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if hasattr(child, "to_plotly_json"):
            yield from walk(child)


def text_of(component) -> str:
    parts = [c.children for c in walk(component) if isinstance(getattr(c, "children", None), str)]
    return " ".join(parts)


def of_class(component, class_name: str) -> list:
    return [c for c in walk(component) if class_name in (getattr(c, "className", None) or "").split()]


def rows_by_model(services: FakeServices, rows: list[list]) -> dict[str, dict]:
    """poll_progress's per-property lists, regrouped as {model: {key: value}}."""
    keys = [key for _kind, _prop, key in shell.ROW_PROPERTIES]
    return {m: {k: rows[j][i] for j, k in enumerate(keys)} for i, m in enumerate(services.model_names)}


def test_poll_keeps_polling_while_a_model_runs_and_stops_once_all_are_done() -> None:
    services = FakeServices(running=("EBM",))
    rows, ready, stop = shell.poll_progress(services, [])
    assert ready == ["Random forest", "Gradient boosting"] and stop is False
    ebm = rows_by_model(services, rows)["EBM"]
    assert ebm["style"] == {} and ebm["text"] == "computing: 3 of 10 chunks" and ebm["value"] == 30.0
    assert rows_by_model(services, rows)["Random forest"]["style"] == {"display": "none"}
    services.finish("EBM")
    rows, ready, stop = shell.poll_progress(services, ready)
    assert ready == ALL and stop is True
    assert all(r["style"] == {"display": "none"} for r in rows_by_model(services, rows).values())


def test_poll_sends_no_update_while_the_set_of_ready_models_is_unchanged() -> None:
    services = FakeServices(running=("EBM",))
    _, ready, _ = shell.poll_progress(services, ["Random forest", "Gradient boosting"])
    assert ready is dash.no_update


def test_a_failed_job_stops_polling_and_shows_its_error_readably() -> None:
    services = FakeServices(failed={"EBM": "MemoryError: chunk 5 needed 9 GiB"})
    rows, ready, stop = shell.poll_progress(services, [])
    assert stop is True and ready == ["Random forest", "Gradient boosting"]
    ebm = rows_by_model(services, rows)["EBM"]
    assert ebm["text"] == "failed: 4 of 10 chunks" and ebm["label"] == "Retry"
    assert ebm["error"] == "The explanation failed. MemoryError: chunk 5 needed 9 GiB"
    pane = global_page.beeswarm_pane(services, "EBM", ready)
    assert "MemoryError" in text_of(pane)


def test_search_returns_at_most_50_matching_ids_and_keeps_the_selection() -> None:
    row_ids = tuple(f"C{i:06d}" for i in range(100_000))
    started = time.perf_counter()
    found = local.search_rows(row_ids, "c0012", "C099999")
    assert time.perf_counter() - started < 0.5
    assert len(found) == 50 and found[0] == "C099999"
    assert all("c0012" in r.lower() for r in found[1:])
    assert local.search_rows(row_ids, "", None) == list(row_ids[:50])
    assert local.search_rows(row_ids, "nothing", None) == []


def test_routing_renders_each_page_and_says_when_there_is_none() -> None:
    services = FakeServices()
    assert of_class(shell.render_page(services, "/", ""), "metrics-graph")
    global_layout = shell.render_page(services, "/global/", "")
    assert [c.id for c in of_class(global_layout, "beeswarm-pane")] == [ids.beeswarm_pane(m) for m in ALL]
    assert "No such page" in text_of(shell.render_page(services, "/nowhere", ""))


def test_local_page_preselects_the_row_named_in_the_query() -> None:
    page = shell.render_page(FakeServices(), "/local", "?id=C00042")
    picker = next(c for c in walk(page) if getattr(c, "id", None) == ids.ROW_PICKER)
    assert picker.value == "C00042" and "C00042" in picker.options and len(picker.options) <= 50
    default = shell.render_page(FakeServices(), "/local", "")
    assert next(c for c in walk(default) if getattr(c, "id", None) == ids.ROW_PICKER).value == "C00000"


def test_importance_draws_ready_models_and_names_the_others() -> None:
    services = FakeServices(running=("EBM",))
    figure, note = global_page.importance(services, "share", ["Random forest", "Gradient boosting"])
    forest = services.explanation("Random forest")
    assert dict(zip(figure.data[-1].y, figure.data[-1].x)) == pytest.approx(
        dict(zip(forest.feature_names, forest.share_of_total()))
    )
    assert [t.name for t in figure.data] == ["Gradient boosting", "Random forest"]  # drawn bottom-up
    assert note == "Not shown yet: EBM (still computing). Bars appear here as explanations become ready."


def test_beeswarm_pane_waits_until_the_model_is_ready() -> None:
    services = FakeServices(running=("EBM",))
    assert of_class(global_page.beeswarm_pane(services, "EBM", ["Random forest"]), "pane-waiting")
    graph = global_page.beeswarm_pane(services, "Random forest", ["Random forest"])
    assert isinstance(graph, dcc.Graph) and graph.figure.layout.title.text == "500 of 500 rows<br>exact: fake"


def test_waterfall_pane_shows_prediction_line_and_a_waterfall_that_adds_up() -> None:
    services = FakeServices()
    pane = local.waterfall_pane(services, "Random forest", "C00042", ALL)
    row = services.explanation("Random forest").row(42)
    assert text_of(pane).startswith(f"Prediction {row.output:.2f} (probability), base value 0.27")
    figure = next(c for c in walk(pane) if isinstance(c, dcc.Graph)).figure
    assert sum(figure.data[0].x) == pytest.approx(row.output - row.base_value)
    assert "Key values:" in text_of(pane)


def test_waterfall_pane_for_an_unknown_row_says_so() -> None:
    pane = local.waterfall_pane(FakeServices(), "EBM", "no-such-id", ALL)
    assert "'no-such-id' is not in this model's explanation" in text_of(pane)


def test_create_app_wires_every_callback_and_takes_the_projects_title() -> None:
    app = create_app(FakeServices())
    assert app.title == "Telco customer churn (fake)"
    outputs = " ".join(app.callback_map)
    for component_id in (
        ids.PAGE,
        ids.PROGRESS_POLL,
        ids.IMPORTANCE_GRAPH,
        ids.ROW_PICKER,
        ids.BEESWARM_PANE,
        ids.WATERFALL_PANE,
    ):
        assert component_id in outputs


def test_a_running_model_shows_its_rows_so_far_on_the_global_page() -> None:
    services = FakeServices(running=("EBM",))
    levels = shell.sample_levels(services, {})
    assert levels == {"EBM": 1}  # 3 of 10 chunks: the second quarter
    assert shell.sample_levels(services, levels) is dash.no_update
    pane = global_page.beeswarm_pane(services, "EBM", ["Random forest", "Gradient boosting"], levels)
    assert "computed so far: 150 of 500" in pane.figure.layout.title.text
    figure, note = global_page.importance(services, "share", ["Random forest", "Gradient boosting"], levels)
    assert [t.name for t in figure.data] == ["EBM", "Gradient boosting", "Random forest"]
    assert note.startswith("Computed so far") and "EBM: 150 of 500 rows so far" in note
    waiting = global_page.beeswarm_pane(services, "EBM", ["Random forest", "Gradient boosting"], None)
    assert "still being computed" in str(waiting.children)  # without sample levels, nothing partial is drawn


def test_the_progress_button_cancels_a_running_job_and_resumes_a_cancelled_one() -> None:
    services = FakeServices(running=("EBM",))
    assert shell.act_on_job(services, "EBM", None) is False  # buttons redrawn, nothing clicked
    assert shell.act_on_job(services, "EBM", 1) is True
    assert services.progress("EBM").state == "cancelled"
    rows, _, stop = shell.poll_progress(services, [])
    ebm = rows_by_model(services, rows)["EBM"]
    assert stop is True and ebm["label"] == "Resume" and ebm["text"] == "cancelled: 3 of 10 chunks"
    shell.act_on_job(services, "EBM", 1)
    rows, _, stop = shell.poll_progress(services, [])
    assert stop is False and rows_by_model(services, rows)["EBM"]["label"] == "Cancel"


def test_overview_says_how_each_model_is_explained() -> None:
    page = overview.page(FakeServices(), {})
    table = text_of(of_class(page, "methods-table")[0])
    assert "Random forest" in table and "exact: fake" in table and "probability" in table and "log-odds" in table


def test_overview_names_each_models_method_in_probability_beside_its_own() -> None:
    table = of_class(overview.page(FakeServices(), {}), "methods-table")[0]
    heads = [c.children for c in walk(table) if type(c).__name__ == "Th"]
    assert heads == ["model", "own method", "own scale", "in probability (cross-model views)"]
    common = [text_of(cell) for cell in of_class(table, "common-method")]
    assert common == [
        f"exact: fake {overview.ITS_OWN}",  # the forest: already in probability
        f"approximate: fake-permutation {FAKE_HINT}",
        f"approximate: fake-permutation {FAKE_HINT}",
    ]


class RegressionServices(FakeServices):
    def common_methods(self):
        return ()  # one scale already


def test_a_regression_overview_has_no_probability_column() -> None:
    table = of_class(overview.page(RegressionServices(), {}), "methods-table")[0]
    assert [c.children for c in walk(table) if type(c).__name__ == "Th"] == ["model", "own method", "own scale"]
    assert of_class(table, "common-method") == [] and "exact: fake" in text_of(table)


def test_an_average_without_a_probability_scale_says_why_in_the_overview() -> None:
    reason = "not available in probability: 'X' averages its members' log-odds"

    class WithAverage(FakeServices):
        def common_methods(self):
            return (CommonMethod(None, reason=reason), *super().common_methods()[1:])

    table = of_class(overview.page(WithAverage(), {}), "methods-table")[0]
    assert text_of(of_class(table, "common-method")[0]) == reason


def test_a_global_beeswarm_pane_colours_points_by_the_datas_values_with_a_colour_bar() -> None:
    services = FakeServices()
    pane = global_page.beeswarm_pane(services, "EBM", ALL)
    coloured = pane.figure.data[0]
    assert coloured.marker.colorbar.title.text == "feature value" and coloured.marker.colorscale
    row, value = coloured.customdata[0]
    feature = pane.figure.layout.yaxis.ticktext[0]  # the first points drawn sit on the bottom feature
    assert str(services.row_values(row)[feature]) == value or float(value) == float(services.row_values(row)[feature])
