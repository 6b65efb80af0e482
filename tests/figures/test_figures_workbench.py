"""The workbench's figures draw the values they are given, name scales and samples, and stay small."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from portal.analyses import (
    FeatureDependence,
    ShapeFunction,
    agreement,
    classification_curves,
    confusion_at,
    regression_diagnostics,
)
from portal.figures import (
    agreement_heatmap,
    calibration_figure,
    confusion_figure,
    dependence_panels,
    lift_figure,
    predicted_actual_figure,
    residuals_figure,
    roc_figure,
    segment_error_figure,
)
from portal.results import LOG_ODDS, PROBABILITY

FEATURES = ("tenure", "contract", "charges")


def test_the_agreement_heatmap_shows_the_chosen_statistic_with_its_basis() -> None:
    matrix = agreement({"RF": np.array([3.0, 2, 1]), "GB": np.array([1.0, 2, 3]), "flat": np.zeros(3)}, FEATURES, k=2)
    fig = agreement_heatmap(matrix, "kendall", basis="common scale: probability · 500 of 7,043 rows")
    heat = fig.data[0]
    assert np.asarray(heat.z)[0, 1] == pytest.approx(-1.0) and list(heat.x) == ["RF", "GB", "flat"]
    assert heat.text[0][2] == "n/a"  # a flat model has no ranking
    assert "Kendall's tau-b" in fig.layout.title.text and "500 of 7,043 rows" in fig.layout.title.subtitle.text
    overlap = agreement_heatmap(matrix, "top_k_overlap")
    assert overlap.data[0].zmin == 0.0 and "top-2 overlap" in overlap.layout.title.text
    with pytest.raises(ValueError, match="statistic must be one of"):
        agreement_heatmap(matrix, "pearson")


def panel(name: str, scale: str, categorical: bool = False) -> FeatureDependence:
    values = np.array(["a", "b", "a"], dtype=object) if categorical else np.array([1.0, 2.0, 3.0])
    return FeatureDependence(
        name,
        "tenure",
        values,
        np.array([0.1, -0.2, 0.3]),
        "contract",
        np.array(["m", "y", "m"], dtype=object),
        scale,
        categorical,
        3,
        7_043,
    )


def test_dependence_panels_share_an_axis_only_in_one_scale_and_draw_the_shape_function() -> None:
    shape = ShapeFunction("tenure", np.array([1.0, 3.0]), np.array([0.2, -0.2]), PROBABILITY)
    fig = dependence_panels([panel("RF", PROBABILITY), panel("GB", PROBABILITY)], shape=shape)
    assert fig.layout.yaxis2.matches == "y" or fig.layout.yaxis2.showticklabels is False
    assert [t.name for t in fig.data].count("EBM shape (reference)") == 2  # no EBM panel: a reference on each
    levels = [t for t in fig.data if t.name == "contract = m"]
    assert len(levels) == 2 and list(levels[0].y) == [0.1, 0.3] and levels[0].showlegend and not levels[1].showlegend
    numeric = dependence_panels([replace(panel("RF", PROBABILITY), colour_values=np.array([5.0, 1.0, 2.0]))])
    assert list(numeric.data[0].marker.color) == [5.0, 1.0, 2.0] and numeric.data[0].marker.showscale
    assert "3 of 7,043 rows" in fig.layout.title.subtitle.text
    mixed = dependence_panels([panel("RF", PROBABILITY), panel("GB", LOG_ODDS)], shape=shape)
    assert "scales differ" in mixed.layout.title.subtitle.text
    assert [t.name for t in mixed.data].count("EBM shape (reference)") == 1  # only over the panel in its scale
    boxes = dependence_panels([panel("RF", PROBABILITY, categorical=True)])
    assert boxes.data[0].type == "box"


def test_the_ebm_shape_is_drawn_as_the_ebms_curve_only_on_its_panel_and_as_a_labelled_reference_elsewhere() -> None:
    shape = ShapeFunction("tenure", np.array([1.0, 3.0]), np.array([0.2, -0.2]), LOG_ODDS, "EBM")
    colours = {"RF": "#0072B2", "GB": "#E69F00", "EBM": "#009E73"}
    panels = [panel("RF", PROBABILITY), panel("GB", LOG_ODDS), panel("EBM", LOG_ODDS)]
    fig = dependence_panels(panels, colors=colours, shape=shape)
    own = [t for t in fig.data if t.name == "EBM shape function"]
    assert [t.xaxis for t in own] == ["x3"]  # the EBM's panel only, never over the booster's points
    reference = [t for t in fig.data if t.name == "EBM shape (reference)"]
    assert [t.xaxis for t in reference] == ["x2"] and reference[0].showlegend  # named in the legend
    assert reference[0].line.color == "#009E73" and reference[0].line.dash == "dash"  # in the EBM's colour


def test_categories_and_colour_levels_are_drawn_in_the_order_the_panel_gives() -> None:
    bands = ("<25", "25-40", "40-60", "60+")
    values = np.array(["60+", "<25", "40-60", "25-40"], dtype=object)
    boxes = FeatureDependence("RF", "age", values, np.zeros(4), None, None, PROBABILITY, True, 4, 4, levels=bands)
    fig = dependence_panels([boxes])
    shown = [band.replace("<", "&lt;") for band in bands]  # escaped for plotly, which shows '<25' as written
    assert fig.layout.xaxis.categoryorder == "array" and list(fig.layout.xaxis.categoryarray) == shown
    coloured = FeatureDependence(
        "RF",
        "tenure",
        np.arange(4.0),
        np.zeros(4),
        "group: age",
        values,
        PROBABILITY,
        False,
        4,
        4,
        colour_levels=bands,
    )
    legend = [t.name for t in dependence_panels([coloured]).data if t.showlegend]
    assert legend == [f"group: age = {band}" for band in shown]


def test_performance_figures_name_each_models_score_and_stay_small() -> None:
    rng = np.random.default_rng(1)
    y = rng.integers(0, 2, 20_000)
    curves = [
        classification_curves(name, y, np.clip(y * s + rng.random(20_000) * (1 - s), 0, 1))
        for name, s in (("RF", 0.3), ("GB", 0.1))
    ]
    roc = roc_figure(curves)
    assert roc.data[1].name.startswith("RF (AUC 0.") and len(roc.data[1].x) <= 200
    assert len(roc.to_json()) < 1_000_000
    assert "Brier" in calibration_figure(curves).data[1].name
    assert lift_figure(curves).layout.xaxis.tickformat == ".0%"
    confusion = confusion_figure({c.model_name: confusion_at(y, np.full(len(y), 0.7), 0.5) for c in curves})
    assert list(confusion.data[0].y) == [int(y.sum()), int(len(y) - y.sum()), 0, 0]


def test_regression_figures_draw_the_sample_and_segments() -> None:
    actual = np.arange(100.0)
    diagnostics = [
        regression_diagnostics("price", actual, actual + 2, {"cut": np.array(["a", "b"] * 50)}, max_points=40)
    ]
    assert len(predicted_actual_figure(diagnostics, unit="USD").data[1].x) == 40
    assert residuals_figure(diagnostics).data[0].y.tolist() == [-2.0] * 40
    bars = segment_error_figure(diagnostics, "cut")
    assert list(bars.data[0].y) == [2.0, 2.0]
    assert "Choose a segment" in segment_error_figure(diagnostics, "nope").layout.annotations[0].text


def test_what_if_bars_fit_a_pane_a_third_of_1000_px_wide_with_the_toolbar_beside_the_title() -> None:
    """At 1000 px the title ran under the plotly toolbar, long labels were cut at the left edge and the legend
    overprinted the axis title: the toolbar now stands upright at the right, labels wrap, the subtitle says
    which bar is which."""
    from portal.figures import what_if_bars
    from tests.fakes import FakeServices

    services = FakeServices()
    before = services.explain_row("EBM", "C00003", scale="native")
    after = replace(before, output=before.output + 0.1, values=before.values * 0.5)
    names = list(before.feature_names)
    values = {n: "Electronic check" if n == "payment_method" else 1.5 for n in names}
    fig = what_if_bars(before, after, color="#0072B2", changed=["tenure"], values_before=values, values_after=values)
    assert fig.layout.modebar.orientation == "v" and fig.layout.margin.r >= 30
    assert fig.layout.showlegend is False and "top bar: edited" in fig.layout.title.subtitle.text
    assert "payment_method<br>= Electronic check" in fig.data[0].y
    assert fig.data[1].marker.pattern.shape in ("", None)  # the first model by name (its colour) has no pattern


def test_a_zero_one_feature_is_drawn_as_two_categories_with_the_ebm_shape_at_each() -> None:
    flag = replace(panel("RF", PROBABILITY), values=np.array([1.0, 0.0, 1.0]), colour_feature=None, colour_values=None)
    shape = ShapeFunction("tenure", np.linspace(0.0, 1.0, 11), np.linspace(-0.2, 0.2, 11), PROBABILITY, "RF")
    fig = dependence_panels([flag], shape=shape)
    box = fig.data[0]
    assert box.type == "box" and sorted(set(box.x)) == ["0", "1"]
    assert list(fig.layout.xaxis.categoryarray) == ["0", "1"]
    own = next(t for t in fig.data if t.name == "EBM shape function")
    assert list(own.x) == ["0", "1"] and list(own.y) == pytest.approx([-0.2, 0.2])
    counts = replace(flag, values=np.array([0.0, 1.0, 2.0]))  # three values: still a number line
    assert dependence_panels([counts]).data[0].type == "scattergl"


def test_long_category_labels_push_the_legend_below_their_slant() -> None:
    long = ("Month-to-month", "One year", "Two year")
    values = np.array(list(long), dtype=object)
    boxes = FeatureDependence("RF", "contract", values, np.zeros(3), None, None, PROBABILITY, True, 3, 3, levels=long)
    short = replace(boxes, values=np.array(["a", "b", "c"], dtype=object), levels=("a", "b", "c"))
    assert dependence_panels([boxes]).layout.legend.y < dependence_panels([short]).layout.legend.y


def test_boxes_say_they_are_not_coloured_instead_of_naming_a_colouring_they_do_not_draw() -> None:
    boxes = dependence_panels([panel("RF", PROBABILITY, categorical=True)])
    assert "boxes per category are not coloured by contract" in boxes.layout.title.subtitle.text
    assert "colour: contract" in dependence_panels([panel("RF", PROBABILITY)]).layout.title.subtitle.text
