"""Identical requests for an aggregate view are answered from memory, and only within the same job state."""

from __future__ import annotations

import json

import dash
from dash import Input, Output, dcc, html

from portal.web import VIEWER, Registrar
from portal.web._response_memo import ResponseMemo, job_state, remember_responses
from portal.web._roles import UPDATE_ROUTE
from portal.web.app import create_app
from tests.fakes import FakeServices


def _app(state: list, memo: ResponseMemo | None = None):
    app = dash.Dash(__name__)
    app.layout = html.Div([dcc.Input(id="x"), html.Div(id="drawn"), html.Div(id="plain")])
    registrar, calls = Registrar(app), {"drawn": 0, "plain": 0}

    @registrar.callback(VIEWER, Output("drawn", "children"), Input("x", "value"), memo=True)
    def _drawn(value):
        calls["drawn"] += 1
        if value == "boom":
            raise ValueError("a callback that fails")
        return f"{value} drawn at state {state[0]}"

    @registrar.callback(VIEWER, Output("plain", "children"), Input("x", "value"))
    def _plain(value):
        calls["plain"] += 1
        return value

    kept = remember_responses(app, registrar.memoized, lambda: state[0], memo)
    return app, calls, kept


def _post(app, output: str, value: str):
    body = {
        "output": f"{output}.children",
        "outputs": {"id": output, "property": "children"},
        "inputs": [{"id": "x", "property": "value", "value": value}],
        "changedPropIds": ["x.value"],
    }
    return app.server.test_client().post(f"/{UPDATE_ROUTE}", json=body)


def test_the_same_request_in_the_same_state_is_answered_once_and_identically() -> None:
    state = [1]
    app, calls, memo = _app(state)
    first, second = _post(app, "drawn", "a"), _post(app, "drawn", "a")
    assert (first.status_code, second.status_code) == (200, 200)
    assert first.data == second.data and b"a drawn at state 1" in first.data
    assert second.mimetype == first.mimetype == "application/json"
    assert calls["drawn"] == 1 and memo.hits == 1
    assert b"b drawn" in _post(app, "drawn", "b").data and calls["drawn"] == 2  # another request: drawn


def test_a_job_that_moves_on_makes_a_new_key_so_no_answer_is_stale() -> None:
    state = [1]
    app, calls, _ = _app(state)
    _post(app, "drawn", "a")
    state[0] = 2  # a chunk committed, a job ended
    assert b"a drawn at state 2" in _post(app, "drawn", "a").data and calls["drawn"] == 2


def test_callbacks_not_marked_and_failed_answers_are_never_kept() -> None:
    app, calls, memo = _app([1])
    _post(app, "plain", "a"), _post(app, "plain", "a")
    assert calls["plain"] == 2
    assert _post(app, "drawn", "boom").status_code == 500 and _post(app, "drawn", "boom").status_code == 500
    assert calls["drawn"] == 2 and memo.hits == 0


def test_the_least_recently_used_answers_go_beyond_the_byte_cap() -> None:
    app, calls, _ = _app([1], ResponseMemo(max_bytes=200))  # room for about two answers of ~70 bytes
    for value in ("a", "b", "c"):
        _post(app, "drawn", value)
    _post(app, "drawn", "c")
    assert calls["drawn"] == 3  # c still kept
    _post(app, "drawn", "a")
    assert calls["drawn"] == 4  # a was dropped to make room


def test_the_portal_keeps_the_global_figures_and_never_a_rows_values() -> None:
    app = create_app(FakeServices())
    memoized = _memoized_outputs(app)
    assert {"importance-graph", "agreement-graph", "stacked-panes", "beeswarm-pane"} <= memoized
    assert not memoized & {"waterfall-pane", "whatif-error", "row-search-results", "decision-graph", "force-graph"}


def _memoized_outputs(app) -> set[str]:
    """The first output id of every callback the app answers from memory (pattern ids by their type)."""
    names = set()
    for key in app.server.config["PORTAL_MEMOIZED"]:
        first = key.strip(".").split("...")[0].rsplit(".", 1)[0]
        names.add(json.loads(first)["type"] if first.startswith("{") else first)
    return names


def test_the_job_state_names_every_model_s_jobs() -> None:
    services = FakeServices()
    state = job_state(services)
    assert [entry[0] for entry in state] == list(services.model_names)
    assert all(entry[1] == services.progress(entry[0]).state for entry in state)
