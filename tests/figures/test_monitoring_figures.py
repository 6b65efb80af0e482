"""The monitoring figures draw the report's own numbers: shares per window, the exact mean change, PSI, errors."""

from __future__ import annotations

import numpy as np
import pytest

from portal.analyses import REFERENCE, window_change
from portal.figures import (
    drift_figure,
    error_over_time,
    mean_change_figure,
    model_colors,
    share_over_time,
    shared_change_range,
    top_features,
)
from tests.tiny_monitoring import tiny_report


@pytest.fixture(scope="module")
def report():
    return tiny_report()


def test_each_features_share_is_a_line_per_model_in_its_colour_with_the_reference_shaded(report) -> None:
    colors = model_colors(report.model_names)
    fig = share_over_time(report, colors, "2017-03")
    assert top_features(report, "2017-03") == ["b", "a"]
    assert [a["text"] for a in fig.layout.annotations[:2]] == ["b", "a"]
    forest_b = next(t for t in fig.data if t.name == "Forest" and t.xaxis == "x")
    np.testing.assert_allclose(forest_b.y, [a.share[1] for a in report.model("Forest").attribution])
    assert forest_b.line.color == colors["Forest"] and list(forest_b.x) == ["2017-01", "2017-02", "2017-03"]
    shapes = fig.layout.shapes
    assert any(s.type == "rect" and s.x0 == -0.5 and s.x1 == 0.5 for s in shapes)  # the reference band
    assert any(s.type == "line" and s.x0 == 2 for s in shapes)  # the chosen window
    against_before = share_over_time(report, colors, "2017-03", "previous")
    assert any(s.type == "line" and s.x0 == 1 for s in against_before.layout.shapes)
    assert "dotted: 2017-03, faint: 2017-02" in against_before.layout.title.subtitle.text


def test_the_mean_change_bars_are_the_exact_parts_and_say_the_scale(report) -> None:
    change = window_change(report.model("Ensemble"), "2017-03", REFERENCE)
    fig = mean_change_figure(change, "raw", shared_change_range([change]))
    assert dict(zip(fig.data[0].customdata, fig.data[0].x)) == pytest.approx({"a": 2.0, "b": 0.5})
    assert list(fig.data[0].y) == ["b +0.5", "a +2"]
    assert "raw" not in fig.layout.xaxis.title.text and "model output units" in fig.layout.xaxis.title.text
    assert fig.layout.title.text == "reference 12 → 2017-03 14.5 (+2.5, exact)"


def test_the_drift_panel_ranks_psi_and_draws_the_alert_line(report) -> None:
    fig = drift_figure(report, "2017-03")
    assert list(fig.data[0].y) == ["b", "a"]  # largest at the top
    assert fig.data[0].x[1] == pytest.approx(report.drift.psi[2, 0])
    assert fig.layout.shapes[0].x0 == report.thresholds.psi
    assert "2017-03 (4 rows) · top 2 of 2 features" in fig.layout.title.subtitle.text


def test_no_labels_no_error_panel(report) -> None:
    assert error_over_time(report, model_colors(report.model_names), "2017-03") is None
