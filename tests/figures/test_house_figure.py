"""A figure built in one step (house_figure) is the figure finish() leaves when built piece by piece."""

from __future__ import annotations

import plotly.graph_objects as go
import pytest

from portal.figures._style import finish, house_figure, merged


def test_merged_lays_nested_keys_over_the_base_and_leaves_both_untouched() -> None:
    base = {"margin": {"l": 10, "r": 20}, "title": {"text": "a", "font": {"size": 13}}, "height": 100}
    over = {"margin": {"r": 44}, "title": {"font": {"size": 15}}, "showlegend": False}
    assert merged(base, over) == {
        "margin": {"l": 10, "r": 44},
        "title": {"text": "a", "font": {"size": 15}},
        "height": 100,
        "showlegend": False,
    }
    assert base["margin"] == {"l": 10, "r": 20} and over["margin"] == {"r": 44}


@pytest.mark.parametrize(("title", "subtitle"), [("T", "sub"), ("", "caption only"), ("T", ""), ("", "")])
def test_one_step_equals_piece_by_piece(title: str, subtitle: str) -> None:
    bar = {"type": "bar", "x": [1.0, -2.0], "y": ["a", "b"], "orientation": "h", "marker": {"color": "#0072B2"}}
    piecewise = go.Figure([go.Bar(x=[1.0, -2.0], y=["a", "b"], orientation="h", marker_color="#0072B2")])
    piecewise.update_xaxes(title="contribution", nticks=5)
    piecewise = finish(piecewise, title, subtitle, height=300).update_layout(margin_t=95, title_font_size=15)

    layout = {"xaxis": {"title": {"text": "contribution"}, "nticks": 5}, "margin": {"t": 95}}
    layout["title"] = {"font": {"size": 15}}
    one_step = house_figure([bar], layout, title, subtitle, height=300)

    assert one_step.to_plotly_json() == piecewise.to_plotly_json()
    assert one_step.layout.template.layout.plot_bgcolor == "white"  # the house template, not plotly's default


def test_a_wrong_key_is_still_refused() -> None:
    """Built in one step, the figure is still validated once: a misspelt property fails here, not in a browser."""
    with pytest.raises(ValueError, match="colr"):
        house_figure([{"type": "bar", "x": [1], "marker": {"colr": "red"}}], {}, "title")
