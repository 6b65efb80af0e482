"""Every finished figure carries plotly_white, applied without validating the template again."""

from __future__ import annotations

import plotly.graph_objects as go
import plotly.io as pio
import pytest

from portal.figures._style import finish


def test_a_finished_figure_is_the_one_the_validated_template_gives() -> None:
    ours = finish(go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h")), "Title", "caption")
    expected = go.Figure(go.Bar(x=[1, 2], y=["a", "b"], orientation="h"))
    expected.update_layout(template="plotly_white")
    assert ours.layout.template == pio.templates["plotly_white"]
    assert ours.to_plotly_json()["layout"]["template"] == expected.to_plotly_json()["layout"]["template"]
    with pytest.raises(ValueError):  # validation is back on afterwards
        ours.update_layout(not_a_property=1)
