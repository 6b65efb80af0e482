"""/local's force and decision plots called directly with FakeServices: the page's toggle and its URL key,
the figures in each scale, the rows mode with its misclassified rows."""

from __future__ import annotations

import pytest

from callbacks import local, local_charts
from layouts import ids
from layouts.local_charts import COHORT, DISAGREEMENT, MODELS
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL
from tests.web.test_callbacks_local_tools import by_id


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices()


def test_the_page_opens_on_the_waterfalls_and_a_link_may_open_the_force_plot(services) -> None:
    page = local.page(services, {"id": ["C00042"]})
    assert by_id(page, ids.LOCAL_CHART).value == "waterfall"
    assert by_id(page, ids.FORCE_CARD).style == {"display": "none"}
    assert by_id(page, ids.DECISION_GRAPH) is not None
    page = local.page(services, {"id": ["C00042"], "chart": ["force"]})
    assert by_id(page, ids.LOCAL_CHART).value == "force"
    assert by_id(page, ids.WATERFALL_PANES).style == {"display": "none"} and by_id(page, ids.FORCE_CARD).style == {}


def test_the_chart_key_joins_the_url_and_leaves_it_for_the_default() -> None:
    assert local_charts.chart_query("force", "?id=C00001&cohort=x") == "?id=C00001&cohort=x&chart=force"
    assert local_charts.chart_query("waterfall", "?id=C00001&chart=force") == "?id=C00001"


def test_the_force_plot_draws_every_model_on_one_axis_in_the_common_scale(services) -> None:
    figure, note = local_charts.force_view(services, "C00042", ALL, None, "common")
    bars = [t for t in figure.data if t.type == "bar"]
    assert [b.name for b in bars] == list(services.model_names) and note == ""
    assert figure.layout.meta["shared"] is True
    for bar, model in zip(bars, services.model_names):
        local_ = services.explain_row(model, "C00042", "common")
        assert sum(bar.x) == pytest.approx(local_.output - local_.base_value, abs=1e-9)


def test_the_force_plot_in_own_scales_does_not_share_its_axis_and_names_models_not_ready() -> None:
    services = FakeServices(running=("EBM",))
    figure, note = local_charts.force_view(services, "C00042", ["Random forest", "Gradient boosting"], None, "native")
    assert figure.layout.meta["shared"] is False and "different scales" in figure.layout.title.text
    assert "EBM" in note


def test_the_decision_plot_of_the_models_ends_at_each_prediction(services) -> None:
    view = {"ready": ALL, "scale": "common"}
    figure, note = local_charts.decision_view(services, MODELS, None, "C00042", view)
    for line, model in zip(figure.data, services.model_names):
        assert line.name == model
        assert line.x[-1] == pytest.approx(services.explain_row(model, "C00042", "common").output, abs=1e-9)
    figure, _ = local_charts.decision_view(services, MODELS, None, "C00042", {"ready": ALL, "scale": "native"})
    assert not figure.data and "different scales" in figure.layout.annotations[0].text


@pytest.mark.parametrize("mode", [COHORT, DISAGREEMENT])
def test_the_rows_mode_draws_up_to_50_rows_of_one_model_with_misclassified_rows_dashed(services, mode) -> None:
    view = {"ready": ALL, "scale": "native"}
    figure, note = local_charts.decision_view(services, mode, "Gradient boosting", "C00042", view)
    assert "predicts 'Yes' (probability 0.5 or more) and the row's churn is not" in note
    lines = [t for t in figure.data if t.meta in ("row", "misclassified")]
    assert 0 < len(lines) <= 50
    labels = services.cohort_rows("churn = Yes").row_ids.tolist()
    explanation = services.explanation("Gradient boosting")
    outputs = dict(zip(explanation.row_ids.tolist(), explanation.outputs.tolist()))
    for line in lines:
        row = line.name.split()[1]
        wrong = (outputs[row] >= 0) != (row in labels)
        assert (line.meta == "misclassified") == wrong
    assert "misclassified" in figure.layout.title.text


def test_the_rows_mode_follows_the_cohort(services) -> None:
    view = {"ready": ALL, "scale": "native", "cohort": "tenure < 12"}
    figure, _ = local_charts.decision_view(services, COHORT, "EBM", None, view)
    rows = set(services.cohort_rows("tenure < 12").row_ids.tolist())
    names = [t.name.split()[1] for t in figure.data if t.meta in ("row", "misclassified")]
    assert names and set(names) <= rows
    assert "the cohort's first" in figure.layout.title.text
