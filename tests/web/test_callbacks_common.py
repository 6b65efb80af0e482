"""The pages in the common scale, by calling the callbacks' functions with FakeServices."""

from __future__ import annotations

from dataclasses import replace

import dash
import numpy as np
import pytest
from dash import dcc

from callbacks import global_page, local, shell
from callbacks._common import common_levels, drawn_class, needless_redraw
from layouts import ids
from portal.figures import RAW, SHARE
from portal.results import JobProgress
from tests.fakes import FakeServices
from tests.web.test_callbacks import rows_by_model, text_of, walk

ALL = ["Random forest", "Gradient boosting", "EBM"]
EVERY = {m: 4 for m in ALL}  # the shell's common levels once every probability sample is done


def component(layout, component_id):
    return next(c for c in walk(layout) if getattr(c, "id", None) == component_id)


@pytest.mark.parametrize("path", ["/global", "/local"])
def test_both_pages_open_in_the_common_scale_with_a_visible_toggle(path: str) -> None:
    layout = shell.render_page(FakeServices(), path, "")
    toggle = component(layout, ids.SCALE_TOGGLE)
    assert toggle.value == "common" and [o["value"] for o in toggle.options] == ["common", "native"]
    assert toggle.options[0]["label"].startswith("Common scale: probability")
    assert toggle.options[1]["label"].startswith("Each model's own scale (exact")
    assert not [c for c in walk(layout) if getattr(c, "className", "") == "scale-toggle" and c.style]
    if path == "/global":
        assert component(layout, ids.IMPORTANCE_MODE).value == RAW  # one axis in probability


def test_a_regression_project_hides_the_toggle_and_opens_in_each_models_scale(monkeypatch) -> None:
    services = FakeServices()
    monkeypatch.setattr(services, "facts", lambda: replace(FakeServices().facts(), task="regression"))
    layout = shell.render_page(services, "/global", "")
    assert component(layout, ids.SCALE_TOGGLE).value == "native"
    assert component(layout, ids.IMPORTANCE_MODE).value == SHARE
    hidden = [c for c in walk(layout) if getattr(c, "className", "") == "scale-toggle"]
    assert hidden[0].style == {"display": "none"}


def test_the_importance_chart_in_the_common_scale_shares_one_probability_axis() -> None:
    services = FakeServices()
    figure, note = global_page.importance(services, RAW, ALL, None, None, "common", EVERY)
    assert [t.name for t in figure.data] == [f"{m} (probability)" for m in ALL[::-1]]
    boosted = services.common_explanation("Gradient boosting")
    bars = dict(zip(figure.data[1].y, figure.data[1].x))
    assert bars == pytest.approx(dict(zip(boosted.feature_names, boosted.mean_abs())))
    assert figure.layout.xaxis.title.text == "mean |SHAP| (probability)"
    subtitle = figure.layout.title.subtitle.text
    assert subtitle.startswith("100 of 500 rows (seeded sample) · ") and "All models in probability." in subtitle
    assert "approximate for Gradient boosting, EBM" in subtitle and note == ""


def test_the_toggle_switches_the_chart_and_the_beeswarms_to_each_models_own_scale() -> None:
    services = FakeServices()
    assert global_page.mode_for("native") == SHARE and global_page.mode_for("common") == RAW
    figure, _ = global_page.importance(services, SHARE, ALL, None, None, "native", EVERY)
    forest = services.explanation("Random forest")
    assert dict(zip(figure.data[-1].y, figure.data[-1].x)) == pytest.approx(
        dict(zip(forest.feature_names, forest.share_of_total()))
    )
    assert "seeded sample" not in figure.layout.title.subtitle.text
    common = global_page.beeswarm_pane(services, "EBM", ALL, None, None, "common", EVERY)
    own = global_page.beeswarm_pane(services, "EBM", ALL, None, None, "native", EVERY)
    assert common.figure.layout.title.text == "100 of 500 rows (seeded sample)<br>approximate: fake-permutation"
    assert common.figure.layout.xaxis.title.text == "SHAP value (probability)"
    assert own.figure.layout.title.text == "500 of 500 rows<br>exact: fake"
    assert own.figure.layout.xaxis.title.text == "SHAP value (log-odds)"


def test_a_probability_sample_still_computing_is_drawn_from_its_rows_so_far_and_named() -> None:
    services = FakeServices(common_running=("EBM",))
    levels = common_levels(services, {})
    assert levels == {"Random forest": 4, "Gradient boosting": 4, "EBM": 0}
    figure, note = global_page.importance(services, RAW, ALL, None, None, "common", levels)
    assert [t.name for t in figure.data][0] == "EBM (probability)"
    assert note == "Probability sample still computing (drawn from its rows so far) — EBM 4 of 20 chunks."
    pane = global_page.beeswarm_pane(services, "EBM", ALL, None, None, "common", levels)
    assert pane.figure.layout.title.text.startswith("20 of 500 rows (seeded sample)")
    waiting = global_page.beeswarm_pane(services, "EBM", ALL, None, None, "common", {})
    assert "still being computed" in str(waiting.children)  # the shell has not seen its rows yet


def test_the_progress_row_follows_the_common_job_once_the_models_own_is_done() -> None:
    services = FakeServices(common_running=("EBM",))
    rows, ready, stop = shell.poll_progress(services, [])
    ebm = rows_by_model(services, rows)["EBM"]
    assert ready == ALL and stop is False
    assert ebm["style"] == {} and ebm["text"] == "probability sample, computing: 4 of 20 chunks"
    assert ebm["value"] == 20.0 and ebm["label"] == "Cancel"
    assert rows_by_model(services, rows)["Gradient boosting"]["style"] == {"display": "none"}
    services.finish_common("EBM")
    rows, _, stop = shell.poll_progress(services, ready)
    assert stop is True and rows_by_model(services, rows)["EBM"]["style"] == {"display": "none"}
    assert common_levels(services, EVERY) is dash.no_update


def test_waterfalls_default_to_the_common_scale_explained_on_demand_and_toggle_to_the_own_scale() -> None:
    services = FakeServices()
    pane = local.waterfall_pane(services, "Gradient boosting", "C00042", ALL, None, "common")
    row = services.explain_row("Gradient boosting", "C00042", "common")
    assert services.rows_explained[0] == ("Gradient boosting", "C00042", "common")
    assert text_of(pane).startswith(f"Prediction {row.output:.2f} (probability), base value 0.27")
    assert "approximate: fake-permutation · common scale (probability)" in text_of(pane)
    figure = next(c for c in walk(pane) if isinstance(c, dcc.Graph)).figure
    assert sum(figure.data[0].x) == pytest.approx(row.output - row.base_value)
    assert figure.layout.xaxis.title.text == "model output (probability)"
    own = local.waterfall_pane(services, "Gradient boosting", "C00042", ALL, None, "native")
    assert "(log-odds, ≈" in text_of(own) and "common scale" not in text_of(own)
    assert "'nobody' is not in this model's explanation" in text_of(
        local.waterfall_pane(services, "EBM", "nobody", ALL, None, "common")
    )


def test_a_multiclass_waterfall_in_the_common_scale_shows_the_chosen_class() -> None:
    services = FakeServices(classes=("a", "b", "c"))
    pane = local.waterfall_pane(services, "EBM", "C00001", ALL, "b", "common")
    row = services.explain_row("EBM", "C00001", "common", "b")
    assert row.explained_class == "b" and np.isfinite(row.output)
    assert text_of(pane).startswith(f"Prediction {row.output:.2f} (probability, class: b)")


def test_a_store_of_the_other_scale_does_not_redraw_a_pane_drawn_in_this_scale() -> None:
    common, native = drawn_class("model-pane", "common"), drawn_class("model-pane", "native")
    assert common == "model-pane drawn-common" and drawn_class(common, "native") == "model-pane drawn-native"
    assert needless_redraw([ids.READY_MODELS], "common", common)
    assert needless_redraw([ids.SAMPLED_MODELS], "common", common)
    assert needless_redraw([ids.COMMON_LEVELS], "native", native)
    assert not needless_redraw([ids.COMMON_LEVELS], "common", common)
    assert not needless_redraw([ids.READY_MODELS, ids.COMMON_LEVELS], "common", common)  # one poll sets both stores
    assert not needless_redraw([ids.READY_MODELS], "native", native) and not needless_redraw([], "common", common)


def test_a_pane_never_drawn_in_the_scale_is_drawn_whatever_triggered_it() -> None:
    """Dash drops a pane's initial call when a poll's call arrives with it: that call must still draw."""
    assert not needless_redraw([ids.READY_MODELS], "common", "model-pane waterfall-pane")
    assert not needless_redraw([ids.READY_MODELS], "common", drawn_class("model-pane", "native"))
    assert not needless_redraw([ids.COMMON_LEVELS], "native", None)


def test_a_model_without_a_probability_scale_says_why_instead_of_waiting(monkeypatch) -> None:
    services = FakeServices()
    reason = "not available in probability: 'EBM' averages its members' log-odds"
    unavailable = JobProgress("EBM", 0, 0, "unavailable", reason)
    original = services.common_progress
    monkeypatch.setattr(services, "common_progress", lambda m: unavailable if m == "EBM" else original(m))
    drawn = services.common_explanation
    monkeypatch.setattr(services, "common_explanation", lambda m: None if m == "EBM" else drawn(m))
    levels = common_levels(services, {})
    assert "EBM" not in levels
    figure, note = global_page.importance(services, RAW, ALL, None, None, "common", levels)
    assert note == "Not shown yet: EBM (no probability scale). Bars appear here as explanations become ready."
    assert [t.name for t in figure.data] == ["Gradient boosting (probability)", "Random forest (probability)"]
    assert text_of(global_page.beeswarm_pane(services, "EBM", ALL, None, None, "common", levels)) == reason
    rows, _, stop = shell.poll_progress(services, [])
    assert stop is True and rows_by_model(services, rows)["EBM"]["style"] == {"display": "none"}
