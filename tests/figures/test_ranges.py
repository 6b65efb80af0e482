"""Robust axis ranges: the 1st-99th percentile with padding, points beyond clamped and marked, panes' union."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from portal.figures._beeswarm import beeswarm, beyond_count
from portal.figures._ranges import beyond_note, clamp, robust_range, union
from portal.figures._waterfall import base_value_note, waterfall
from tests.fakes import FakeServices


def test_the_range_is_the_1st_to_99th_percentile_padded_by_5_percent_and_holds_zero() -> None:
    values = np.linspace(0.0, 1.0, 101)  # percentiles 1 and 99: 0.01 and 0.99 -> 0 and 0.99 (zero kept)
    lo, hi = robust_range(values)
    assert (lo, hi) == pytest.approx((0.0 - 0.05 * 0.99, 0.99 + 0.05 * 0.99))
    spread = np.r_[np.linspace(-0.5, 0.5, 999), -6.0]  # one EBM point at -6
    lo, hi = robust_range(spread)
    assert -0.6 < lo < -0.5 and 0.5 < hi < 0.6  # the -6 does not stretch the axis
    assert robust_range(np.array([np.nan])) == (-1.0, 1.0)
    assert robust_range(np.full(5, 2.0)) == pytest.approx((-0.1, 2.1))  # a constant: 0 to 2, padded


def test_points_beyond_are_moved_to_the_nearer_edge_and_counted() -> None:
    shown, beyond = clamp(np.array([-6.0, -0.2, 0.1, 3.0]), (-0.5, 0.5))
    assert shown.tolist() == [-0.5, -0.2, 0.1, 0.5]
    assert beyond.tolist() == [True, False, False, True]
    assert union([(-0.5, 0.2), (-0.1, 0.9)]) == (-0.5, 0.9)
    assert beyond_note(1) == "1 point beyond the axis, marked ▸ / ◂ at its edge (hover for the value)."
    assert beyond_note(0) == ""


def test_one_extreme_point_no_longer_squeezes_a_beeswarm_and_is_drawn_at_the_edge_with_its_value() -> None:
    ebm = FakeServices().explanation("EBM")
    values = np.array(ebm.values)
    values[7, int(np.argmax(np.abs(values).mean(axis=0)))] = -6.0  # the most important feature: drawn
    figure = beeswarm(replace(ebm, values=values))
    lo, hi = figure.layout.xaxis.range
    assert lo > -3.0 and figure.layout.meta["own"] == [lo, hi] and figure.layout.meta["scale"] == "log-odds"
    edge = next(t for t in figure.data if t.meta == "beyond")
    real = [c[1] for c in edge.customdata]
    assert -6.0 in real and beyond_count(figure) == len(real)
    at = real.index(-6.0)
    assert edge.x[at] == pytest.approx(lo) and edge.marker.symbol[at] == "triangle-left"
    assert figure.layout.xaxis.automargin is True


def test_waterfalls_keep_their_own_range_take_a_shared_one_and_say_where_the_base_value_comes_from() -> None:
    row = FakeServices().explanation("Random forest").row(42)
    own = waterfall(row).layout.xaxis.range
    shared = waterfall(row, x_range=(-1.0, 2.0))
    assert list(shared.layout.xaxis.range) == [-1.0, 2.0] and shared.layout.meta["own"] == list(own)
    assert base_value_note(row, 200, 500) == (
        "Base value 0.27 = the model's mean prediction over its background rows (200 of 500), in probability; "
        "models differ because each averages its own predictions (and may use its own background rows)."
    )


def test_one_extreme_contribution_does_not_flatten_the_dependence_panels() -> None:
    from portal.analyses import FeatureDependence
    from portal.figures import dependence_panels

    x = np.linspace(0, 72, 200)
    gentle = np.linspace(-0.5, 0.5, 200)
    ebm = gentle.copy()
    ebm[3] = -6.0  # one EBM point

    def panel(name, y):
        return FeatureDependence(name, "tenure", x, y, None, None, "log-odds", False, 200, 200)

    figure = dependence_panels([panel("GB", gentle), panel("EBM", ebm)])
    lo, hi = figure.layout.yaxis.range
    assert -0.6 < lo < -0.5 and 0.5 < hi < 0.6  # not stretched to -6
    edge = [t for t in figure.data if getattr(t, "customdata", None) is not None and "beyond" in t.hovertemplate]
    assert len(edge) == 1 and list(edge[0].customdata) == [-6.0] and edge[0].y[0] == pytest.approx(lo)
    assert "1 point beyond the axis, marked ▴ ▾ at its edge" in figure.layout.title.subtitle.text
