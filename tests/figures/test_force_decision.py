"""The force and decision plots of /local, read back: pushes sum to prediction - base value, lines end at
the predictions, red up and blue down, features ordered by total importance, misclassified rows dashed red."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from portal import figures
from portal.figures._decision import decision_order
from portal.figures._style import PUSH_DOWN, PUSH_UP, WARNING
from portal.results import LOG_ODDS, PROBABILITY
from tests.fakes import FakeServices


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices()


@pytest.fixture(scope="module")
def rows(services):
    """Every model's explanation of one row in the common scale (probability)."""
    return [services.explain_row(m, "C00042", "common") for m in services.model_names]


def _bars(fig):
    return [t for t in fig.data if t.type == "bar"]


def test_force_pushes_sum_to_prediction_minus_base_value_for_every_model(rows) -> None:
    fig = figures.force_plot(rows, feature_values={"tenure": 5})
    bars = _bars(fig)
    assert len(bars) == len(rows)
    for local, bar in zip(rows, bars):
        assert sum(bar.x) == pytest.approx(local.output - local.base_value, abs=1e-9)
        assert bar.name == local.model_name
        ends = [b + x for b, x in zip(bar.base, bar.x)]  # each segment ends where the next one starts
        reds = [(b, e) for b, e, x in zip(bar.base, ends, bar.x) if x > 0]
        if reds:
            assert max(e for _, e in reds) == pytest.approx(local.output, abs=1e-9)  # red ends at the prediction


def test_force_colours_red_for_pushes_up_and_blue_for_pushes_down(rows) -> None:
    for bar in _bars(figures.force_plot(rows)):
        assert bar.marker.color == tuple(PUSH_UP if x > 0 else PUSH_DOWN for x in bar.x)


def test_force_labels_the_largest_pushes_and_merges_the_rest(rows) -> None:
    local = rows[0]
    segments = figures.force_segments(local, {"tenure": 5, "contract": "One year"}, max_features=3)
    labels = [s.label for s in segments]
    top = np.argsort(-np.abs(local.values))[:3]
    for i in top:
        name = local.feature_names[i]
        assert any(label == name or label.startswith(f"{name} = ") for label in labels)
    assert "tenure = 5" in labels or "tenure" not in [local.feature_names[i] for i in top]
    merged = [label for label in labels if label.startswith("other ")]
    assert merged and sum(int(label.split()[1]) for label in merged) == len(local.values) - 3
    assert sum(s.push for s in segments) == pytest.approx(local.output - local.base_value, abs=1e-9)


def test_force_shares_one_axis_in_one_scale_and_not_across_scales(services, rows) -> None:
    fig = figures.force_plot(rows)
    assert fig.layout.meta["shared"] is True
    lo, hi = fig.layout.xaxis.range
    for local in rows:
        segments = figures.force_segments(local)
        ends = [local.base_value, local.output, *(s.start for s in segments), *(s.start + s.push for s in segments)]
        assert lo <= min(ends) and max(ends) <= hi
    assert {tuple(fig.layout[f"xaxis{i}"].range or fig.layout.xaxis.range) for i in ("", "2", "3")} == {(lo, hi)}
    assert "probability" in fig.layout.title.text

    own = [services.explanation(m).row(42) for m in services.model_names]  # probability beside log-odds
    fig = figures.force_plot(own)
    assert fig.layout.meta["shared"] is False
    assert "different scales" in fig.layout.title.text
    assert fig.layout.xaxis.range != fig.layout.xaxis2.range


def test_decision_lines_end_at_each_models_prediction_in_model_styles(services, rows) -> None:
    colors = figures.model_colors(services.model_names)
    fig = figures.decision_models(rows, colors=colors, max_features=4)
    assert [t.name for t in fig.data] == [r.model_name for r in rows]
    styles = figures.model_styles(services.model_names)
    for local, line in zip(rows, fig.data):
        assert line.x[0] == pytest.approx(local.base_value, abs=1e-12)
        assert line.x[-1] == pytest.approx(local.output, abs=1e-9)
        assert line.line.color == colors[local.model_name] and line.line.dash == styles[local.model_name].dash


def test_decision_orders_features_by_total_importance_over_the_models(rows) -> None:
    total = np.sum([np.abs(r.values) for r in rows], axis=0)
    shown, rest = decision_order(rows, max_features=5)
    assert shown[::-1] == np.argsort(-total)[:5].tolist()  # the most important at the top
    fig = figures.decision_models(rows, colors=figures.model_colors([r.model_name for r in rows]), max_features=5)
    ticks = list(fig.layout.yaxis.ticktext)
    assert ticks[0] == "base value" and ticks[1] == f"other {len(rest)} features"
    assert ticks[-1] == rows[0].feature_names[int(np.argmax(total))]


def test_decision_in_different_scales_draws_nothing_and_says_why(services) -> None:
    own = [services.explanation(m).row(42) for m in services.model_names]
    fig = figures.decision_models(own, colors=figures.model_colors(services.model_names))
    assert not fig.data
    assert "different scales" in fig.layout.annotations[0].text


def test_decision_rows_highlight_misclassified_rows_and_end_at_predictions(services) -> None:
    explanation = services.explanation("Random forest")
    locals_ = [explanation.row(i) for i in range(60)]
    wrong = [i % 7 == 0 for i in range(60)]
    fig = figures.decision_rows(locals_, misclassified=wrong, of_rows="the first 50 of 500 rows")
    lines = [t for t in fig.data if t.meta in ("row", "misclassified")]
    assert len(lines) == 50  # at most 50 rows
    bad = [t for t in lines if t.meta == "misclassified"]
    assert len(bad) == sum(wrong[:50])
    assert all(t.line.color == WARNING and t.line.dash == "dash" for t in bad)
    assert all(t.line.dash == "solid" and t.line.color != WARNING for t in lines if t.meta == "row")
    ends = {t.name.split()[1]: t.x[-1] for t in lines}
    for local in locals_[:50]:
        assert ends[local.row_id] == pytest.approx(local.output, abs=1e-9)
    assert f"{sum(wrong[:50])} misclassified" in fig.layout.title.text


def test_decision_rows_without_labels_say_so(services) -> None:
    locals_ = [services.explanation("EBM").row(i) for i in range(5)]
    fig = figures.decision_rows(locals_)
    assert "labels not known" in fig.layout.title.text
    assert fig.layout.xaxis.title.text == f"model output ({LOG_ODDS})"


def test_force_of_one_model_in_probability(rows) -> None:
    one = replace(rows[0], values=np.zeros_like(rows[0].values), output=rows[0].base_value)
    fig = figures.force_plot([one])
    assert sum(_bars(fig)[0].x) == pytest.approx(0.0) and PROBABILITY in fig.layout.xaxis.title.text
