"""The figure functions, called on FakeServices' results: values drawn equal values computed."""

from __future__ import annotations

import numpy as np
import plotly.graph_objects as go
import pytest

from portal import figures
from portal.figures import SCALES_DIFFER
from portal.results import LOG_ODDS, PROBABILITY, LocalExplanation, Provenance
from tests.fakes import FakeServices


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture(scope="module")
def explanations(services):
    return [services.explanation(name) for name in services.model_names]


def bars_by_feature(trace) -> dict[str, float]:
    return dict(zip(trace.y, trace.x))


def test_model_colors_are_one_distinct_colour_per_model_by_the_names_alphabetical_order(services) -> None:
    colors = figures.model_colors(services.model_names)
    assert list(colors) == list(services.model_names)
    assert len(set(colors.values())) == len(colors)
    palette = figures.PALETTE
    assert figures.model_colors(["b", "A"]) == {"b": palette[1], "A": palette[0]}


def test_importance_defaults_to_share_of_total_on_a_scale_free_axis(explanations) -> None:
    fig = figures.importance_bars(explanations)
    assert {t.name for t in fig.data} == {e.model_name for e in explanations}
    for e in explanations:
        trace = next(t for t in fig.data if t.name == e.model_name)
        drawn = bars_by_feature(trace)
        assert drawn == pytest.approx(dict(zip(e.feature_names, e.share_of_total())))
    assert "scale-free" in fig.layout.xaxis.title.text
    assert fig.layout.xaxis.tickformat == ".0%"


def test_importance_raw_names_each_scale_and_warns_when_they_differ(explanations) -> None:
    fig = figures.importance_bars(explanations, mode=figures.RAW)
    names = {t.name for t in fig.data}
    assert names == {"Random forest (probability)", "Gradient boosting (log-odds)", "EBM (log-odds)"}
    forest = next(t for t in fig.data if t.name.startswith("Random forest"))
    assert bars_by_feature(forest) == pytest.approx(
        dict(zip(explanations[0].feature_names, explanations[0].mean_abs()))
    )
    assert SCALES_DIFFER.split("(")[0] in fig.layout.title.subtitle.text
    assert "log-odds vs probability" in fig.layout.title.subtitle.text


def test_importance_raw_on_one_scale_names_it_on_the_axis_without_warning(explanations) -> None:
    fig = figures.importance_bars(explanations[1:], mode=figures.RAW)
    assert fig.layout.xaxis.title.text == "mean |SHAP| (log-odds)"
    assert "differ" not in fig.layout.title.subtitle.text


def test_importance_keeps_the_feature_order_when_toggled_and_says_when_it_cuts(explanations) -> None:
    share = figures.importance_bars(explanations, max_features=3)
    raw = figures.importance_bars(explanations, mode=figures.RAW, max_features=3)
    assert share.data[0].y == raw.data[0].y and len(share.data[0].y) == 3
    assert "top 3 of 8 features" in share.layout.title.subtitle.text


def test_importance_rejects_an_unknown_mode_and_explains_an_empty_chart(explanations) -> None:
    with pytest.raises(ValueError, match="mode must be one of"):
        figures.importance_bars(explanations, mode="percent")
    assert "ready" in figures.importance_bars([]).layout.annotations[0].text


def test_beeswarm_samples_at_most_sample_size_rows_and_says_n_of_n() -> None:
    big = FakeServices(n_rows=3_000).explanation("EBM")
    fig = figures.beeswarm(big)
    trace = fig.data[0]
    assert isinstance(trace, go.Scattergl)
    assert len(trace.x) == 2_000 * len(big.feature_names)
    assert "2,000 of 3,000 rows" in fig.layout.title.subtitle.text
    assert np.array_equal(trace.x, figures.beeswarm(big).data[0].x)  # seeded


def test_beeswarm_small_sample_points_are_real_contributions(explanations) -> None:
    e = explanations[0]
    fig = figures.beeswarm(e, sample_size=100, max_features=4, titled=False)
    assert len(fig.data[0].x) <= 100 * 4
    assert fig.layout.title.text == "100 of 500 rows (seeded sample)<br>exact: fake"  # two lines in a pane
    assert set(np.asarray(fig.data[0].x)) <= set(e.values.ravel().astype(np.float32))  # sent as float32
    top = e.feature_names[int(np.argmax(e.mean_abs()))]
    assert fig.layout.yaxis.ticktext[-1] == top  # most important drawn on top
    assert fig.layout.xaxis.title.text == "SHAP value (probability)"


def test_waterfall_bars_sum_to_output_minus_base(services, explanations) -> None:
    local = explanations[1].row(42)
    fig = figures.waterfall(local, feature_values=services.row_values(local.row_id), max_features=3)
    steps = fig.data[0]
    assert sum(steps.x) == pytest.approx(local.output - local.base_value, abs=1e-12)
    assert steps.base == local.base_value
    assert steps.y[0] == "other 5 features" and len(steps.x) == 4
    assert list(fig.data[1].x) == [local.base_value, local.output]
    assert fig.layout.xaxis.title.text == "model output (log-odds)"
    assert "log-odds" in fig.layout.title.subtitle.text


def test_waterfall_labels_carry_the_rows_values(services, explanations) -> None:
    local = explanations[0].row(3)
    values = services.row_values(local.row_id)
    fig = figures.waterfall(local, feature_values=values)
    top = local.feature_names[int(np.argmax(np.abs(local.values)))]
    assert fig.data[0].y[-1].startswith(f"{top}<br>") and str(values[top])[:4] in fig.data[0].y[-1]
    assert figures.key_values(local, values, k=2)[0].startswith(f"{top} = ")


def local_explanation(scale: str, output: float, base: float) -> LocalExplanation:
    return LocalExplanation(
        "m", ("a", "b"), "r1", np.array([output - base, 0.0]), base, output, scale, Provenance("m", "d", "fake", True)
    )


def test_prediction_text_names_the_scale() -> None:
    assert figures.prediction_text(local_explanation(PROBABILITY, 0.72, 0.27)) == (
        "Prediction 0.72 (probability), base value 0.27"
    )
    assert figures.prediction_text(local_explanation(LOG_ODDS, 0.0, -1.0)) == (
        "Prediction 0.00 (log-odds, ≈ 0.50 probability), base value -1.00"
    )


def test_metrics_table_heads_columns_in_model_colours_and_bolds_the_best(services) -> None:
    fig = figures.metrics_table(services.metrics())
    table = fig.data[0]
    colors = figures.model_text_colors(services.model_names)
    assert list(table.header.fill.color[1:]) == list(colors.values())
    rows = list(table.cells.values[0])
    ebm = table.cells.values[3]
    assert ebm[rows.index("AUC")] == "<b>0.855</b>" and ebm[rows.index("Brier score")] == "<b>0.132</b>"
    assert table.cells.values[1][rows.index("AUC")] == "0.842"


def test_metrics_table_makes_room_for_a_model_name_that_wraps_its_header(services) -> None:
    from dataclasses import replace

    metrics = services.metrics()
    short = [replace(m, model_name=f"M{i}") for i, m in enumerate(metrics)]
    long = [replace(m, model_name=f"Gradient boosting {i}") for i, m in enumerate(metrics)]
    rows = len(metrics[0].values) + 1  # every metric and the test rows
    assert figures.metrics_table(short).layout.height == 130 + 30 * rows
    assert figures.metrics_table(long).layout.height == 130 + 30 * rows + 22  # a second header line


def test_every_view_names_the_method_and_flags_approximate_models() -> None:
    from dataclasses import replace

    from portal.figures import method_label
    from portal.results import Provenance

    services = FakeServices()
    forest = services.explanation("Random forest")
    exact = replace(forest, provenance=Provenance("m", "d", "tree_shap_path_dependent", exact=True))
    sampled = replace(
        forest, model_name="Vendor", provenance=Provenance("m", "d", "shapley_permutation_approximate", exact=False)
    )
    assert method_label(exact.provenance) == "exact: TreeSHAP (path-dependent)"
    assert method_label(sampled.provenance) == "approximate: sampled permutations"
    assert "approximate: sampled permutations" in figures.beeswarm(sampled).layout.title.subtitle.text
    assert "exact for every model shown" in figures.importance_bars([exact]).layout.title.subtitle.text
    assert "approximate for Vendor" in figures.importance_bars([exact, sampled]).layout.title.subtitle.text


@pytest.mark.parametrize(
    ("exact", "label"),
    [
        ((True, True, True), "exact: weighted average of A (0.5), B (0.33) and C (0.17), each exact"),
        ((True, False, False), "approximate: weighted average of A (0.5), B (0.33) and C (0.17); B and C approximate"),
        ((False, False, False), "approximate: weighted average of A (0.5), B (0.33) and C (0.17), each approximate"),
    ],
)
def test_an_averages_method_label_names_its_members_weights_and_approximate_ones(exact, label) -> None:
    from portal.figures import method_label
    from portal.results import AverageMember, Provenance

    weights = (3 / 6, 2 / 6, 1 / 6)
    members = tuple(AverageMember(n, w, "m", e) for n, w, e in zip("ABC", weights, exact))
    assert method_label(Provenance("f", "d", "weighted_average(m, m, m)", all(exact), members=members)) == label
    bare = Provenance("f", "d", "weighted_average(m, m, m)", True)  # an average whose members are not named
    assert method_label(bare) == "exact: weighted average of its members' values"
