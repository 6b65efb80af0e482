"""The beeswarm coloured by feature value, read back from the figure: SHAP's low-blue-to-high-red, grey missing."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest

from portal import figures
from portal.figures._feature_colours import MISSING, RED_BLUE
from tests.fakes import FakeServices

BLUE, RED = RED_BLUE[0], RED_BLUE[-1]


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices(n_rows=400)


def _only(services: FakeServices, feature: str, column: np.ndarray):
    """The EBM's explanation with ``feature`` given ``column`` as its contributions and every other feature ~0,
    so ``feature`` is the one drawn with ``max_features=1``."""
    e = services.explanation("EBM")
    values = np.full_like(e.values, 1e-6)
    values[:, e.feature_names.index(feature)] = column
    return replace(e, values=values)


def _colour_at(figure, shade: float) -> str:
    scale = figure.data[0].marker.colorscale
    return scale[int(round(shade / 255 * (len(scale) - 1)))][1]


def _by_value(figure):
    """(values as text, shades 0..255) of the coloured trace."""
    trace = next(t for t in figure.data if t.name == "by value")
    return np.asarray(trace.customdata)[:, 1], np.asarray(trace.marker.color, dtype=float)


def test_higher_values_that_push_up_are_the_reddest(services) -> None:
    features = services.feature_values()
    tenure = features["tenure"].to_numpy(dtype=float)
    figure = figures.beeswarm(_only(services, "tenure", (tenure - 36) / 36), max_features=1, features=features)
    text, shades = _by_value(figure)
    values = text.astype(float)
    assert shades[np.argmax(values)] == 255 and _colour_at(figure, 255) == RED
    assert shades[np.argmin(values)] == 0 and _colour_at(figure, 0) == BLUE
    assert np.corrcoef(values, shades)[0, 1] > 0.95


def test_one_outlier_does_not_wash_a_feature_out(services) -> None:
    features = services.feature_values().copy()
    features.loc[features.index[0], "monthly_charges"] = 1e7
    column = features["monthly_charges"].to_numpy(dtype=float)
    figure = figures.beeswarm(_only(services, "monthly_charges", column / 1e3), max_features=1, features=features)
    text, shades = _by_value(figure)
    assert shades[text.astype(float) == 1e7] == 255
    assert 0.3 < np.mean(shades) / 255 < 0.7  # scaled by the 5th-95th percentile, not by the outlier


def test_missing_values_are_grey_and_say_missing(services) -> None:
    features = services.feature_values().copy()
    features["tenure"] = features["tenure"].astype(float)
    features.loc[features.index[:25], "tenure"] = np.nan
    figure = figures.beeswarm(_only(services, "tenure", np.linspace(-1, 1, 400)), max_features=1, features=features)
    grey = next(t for t in figure.data if t.name == "missing")
    assert grey.marker.color == MISSING and len(grey.x) == 25
    assert set(np.asarray(grey.customdata)[:, 1]) == {"missing"}
    assert "missing" not in set(_by_value(figure)[0])


def test_categories_are_coloured_by_their_rank_of_mean_contribution(services) -> None:
    features = services.feature_values()
    push = {"Month-to-month": 0.8, "One year": -0.1, "Two year": -0.6}
    column = features["contract"].map(push).to_numpy(dtype=float)
    figure = figures.beeswarm(_only(services, "contract", column), max_features=1, features=features)
    text, shades = _by_value(figure)
    assert {t: set(shades[text == t]) for t in push} == {"Month-to-month": {255}, "One year": {128}, "Two year": {0}}


def test_the_colour_bar_says_feature_value_low_to_high_and_hover_names_row_value_and_shap(services) -> None:
    figure = figures.beeswarm(services.explanation("EBM"), titled=False, features=services.feature_values())
    trace = figure.data[0]
    assert trace.marker.showscale and trace.marker.colorbar.title.text == "feature value"
    assert list(trace.marker.colorbar.ticktext) == ["low", "high"]
    assert "row %{customdata[0]}" in trace.hovertemplate and "value: %{customdata[1]}" in trace.hovertemplate
    assert "SHAP value" in trace.hovertemplate
    assert figure.layout.meta["own"]  # the shared-axis switch still finds the pane's own range


def test_a_cohort_keeps_everyone_grey_behind_its_coloured_points(services) -> None:
    everyone = services.explanation("EBM")
    cohort = replace(everyone, values=everyone.values[:50], row_ids=everyone.row_ids[:50])
    figure = figures.beeswarm(cohort, background=everyone, features=services.feature_values())
    assert figure.data[0].name == "everyone" and figure.data[1].name == "by value"


def test_points_beyond_the_axis_take_their_value_colour(services) -> None:
    features = services.feature_values()
    tenure = features["tenure"].to_numpy(dtype=float)
    column = (tenure - 36) / 36
    column[np.argmax(tenure)] = 50.0  # far beyond the axis, and the highest value: red
    figure = figures.beeswarm(_only(services, "tenure", column), max_features=1, features=features)
    beyond = next(t for t in figure.data if t.meta == "beyond")
    assert list(beyond.marker.color) == [RED]
    assert float(beyond.customdata[0][2]) == tenure.max()


def test_without_the_data_points_keep_the_model_colour(services) -> None:
    figure = figures.beeswarm(services.explanation("EBM"), color="#123456")
    assert figure.data[0].marker.color == "#123456" and not figure.data[0].marker.showscale


def test_the_colours_are_shaps_own_red_blue() -> None:
    pytest.importorskip("matplotlib")
    from matplotlib.colors import to_hex
    from shap.plots.colors import red_blue

    assert [to_hex(red_blue(i / 10)) for i in range(11)] == list(RED_BLUE)


def test_categorical_frames_with_an_order_are_categories() -> None:
    from portal.figures._feature_colours import feature_levels

    bands = pd.Series(pd.Categorical(["<25", "60+", None], categories=["<25", "25-40", "40-60", "60+"]))
    levels, text = feature_levels(bands, np.array([-1.0, 1.0, 0.0]))
    assert list(levels[:2]) == [0.0, 1.0] and np.isnan(levels[2]) and text[2] == "missing"


def test_a_panes_caption_wraps_beside_the_toolbar_and_the_pane_grows_by_its_extra_lines(services) -> None:
    """At a 1,000 px window a side-by-side pane fits about 38 characters beside its toolbar: a long method (an
    ensemble's members) wraps onto lines of its own instead of running under the toolbar, cut off."""
    e = services.explanation("EBM")
    short = figures.beeswarm(e, titled=False)
    long_method = replace(e.provenance, method="a method whose name alone is longer than a pane's caption line")
    long = figures.beeswarm(replace(e, provenance=long_method), titled=False)
    lines = long.layout.title.text.split("<br>")
    assert len(lines) == len(short.layout.title.text.split("<br>")) + 1
    assert all(len(line) <= 38 for line in lines)
    assert long.layout.margin.t - short.layout.margin.t == 17
    assert long.layout.height - short.layout.height == 17


def test_a_static_figures_caption_wraps_to_its_width_and_the_figure_grows_by_the_added_lines(services) -> None:
    """The report draws figures 900 px wide with no browser to reflow them: the importance chart's subtitle ran
    past the edge ('... whatever their sca'). Wrapped, every line fits and the plot keeps its height."""
    figure = figures.beeswarm(services.explanation("EBM"))
    long = figure.layout.title.subtitle.text + " · " + "a long explanation of the scale " * 5
    figure.update_layout(title_subtitle_text=long, height=400, margin_t=80)
    fitted = figures.fit_caption(figure, 500)
    lines = fitted.layout.title.subtitle.text.split("<br>")
    assert len(lines) > 1 and all(len(line) <= int((500 - 40) / 6.6) for line in lines)
    assert fitted.layout.height == 400 + 17 * (len(lines) - 1)
    assert fitted.layout.margin.t == 80 + 17 * (len(lines) - 1)
    assert (
        figures.fit_caption(figures.beeswarm(services.explanation("EBM")), 2000).layout.title.subtitle.text.count(
            "<br>"
        )
        == 0
    )  # a caption that fits is left alone
