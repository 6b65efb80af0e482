"""/global's stacked force plot called directly with FakeServices: the card on the page, one model or two side by
side on the same rows, the page's scale and cohort, and a click's way to /local."""

from __future__ import annotations

from dash import dcc

from callbacks import global_page, stacked_force
from layouts import ids
from portal.analyses import BY_PREDICTION
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, walk
from tests.web.test_callbacks_local_tools import by_id

VIEW = {"ready": ALL, "scale": "native"}


def _graphs(children) -> list[dcc.Graph]:
    return [c for c in walk(children) if isinstance(c, dcc.Graph)]


def _line(graph):
    return next(t for t in graph.figure.data if t.meta and t.meta["side"] == "prediction")


def test_the_global_page_holds_the_card_with_every_order() -> None:
    services = FakeServices()
    page = global_page.page(services, {})
    assert by_id(page, ids.STACKED_MODEL).value == services.model_names[0]
    orders = [o["value"] for o in by_id(page, ids.STACKED_ORDER).options]
    assert orders[:2] == ["similarity", "prediction"] and "tenure" in orders


def test_one_model_draws_one_pane_of_a_thousand_rows() -> None:
    services = FakeServices(n_rows=1_500)
    children, note = stacked_force.stacked_view(services, "EBM", None, None, VIEW)
    (graph,) = _graphs(children)
    assert graph.id == {"type": ids.STACKED_GRAPH, "model": "EBM"} and note == ""
    assert len(_line(graph).y) == 1_000 and "1,000 of 1,500 rows" in graph.figure.layout.title.text


def test_two_models_side_by_side_draw_the_same_rows_in_the_first_ones_order() -> None:
    services = FakeServices()
    children, note = stacked_force.stacked_view(services, "EBM", "Random forest", BY_PREDICTION, VIEW)
    first, second = _graphs(children)
    assert list(_line(first).customdata[:, 0]) == list(_line(second).customdata[:, 0])
    assert "(as EBM)" in second.figure.layout.xaxis.title.text and "EBM's order" in note
    assert first.figure.layout.yaxis.range == second.figure.layout.yaxis.range  # one scale: one y range


def test_the_same_model_twice_is_drawn_once_and_a_cohort_restricts_the_rows() -> None:
    services = FakeServices()
    children, _ = stacked_force.stacked_view(services, "EBM", "EBM", None, VIEW)
    assert len(_graphs(children)) == 1
    cohort = {**VIEW, "cohort": "tenure < 12"}
    children, _ = stacked_force.stacked_view(services, "EBM", None, None, cohort)
    rows = set(services.cohort_rows("tenure < 12").row_ids.astype(str))
    assert set(_line(_graphs(children)[0]).customdata[:, 0]) <= rows


def test_the_common_scale_draws_probability_once_its_rows_are_seen() -> None:
    services = FakeServices()
    levels = {m: 4 for m in services.model_names}
    children, _ = stacked_force.stacked_view(services, "EBM", None, None, {"scale": "common", "levels": levels})
    assert "probability" in _graphs(children)[0].figure.layout.yaxis.title.text
    children, note = stacked_force.stacked_view(services, "EBM", None, None, {"scale": "common", "levels": {}})
    assert not _graphs(children) and "EBM" in note


def test_a_click_opens_the_row_on_local_with_the_scale_class_and_cohort() -> None:
    click = {"points": [{"curveNumber": 19, "pointIndex": 3, "customdata": ["C00042", "0.27", "reasons"]}]}
    assert stacked_force.clicked_row(click) == "C00042"
    assert stacked_force.clicked_row({"points": [{"curveNumber": 2}]}) is None
    href = stacked_force.open_row("?models=EBM&scale=common&cohort=tenure+%3C+12&agreement-k=5", "C00042")
    assert href == "/local?id=C00042&scale=common&cohort=tenure+%3C+12"


def test_two_models_of_a_thousand_rows_stay_under_a_megabyte() -> None:
    from plotly.io.json import to_json_plotly

    services = FakeServices(n_rows=1_500)
    children, _ = stacked_force.stacked_view(services, "EBM", "Random forest", None, VIEW)
    assert [len(_line(g).y) for g in _graphs(children)] == [1_000, 1_000]
    assert len(to_json_plotly(children)) < 1_000_000
