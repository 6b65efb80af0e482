"""Model names written in their colour on the pages read at 4.5:1 on white (WCAG 2.1 AA)."""

from __future__ import annotations

from callbacks import overview
from tests.fakes import FakeServices
from tests.figures.test_colours import AA, WHITE, contrast


def text_colours(component) -> list[str]:
    """Every ``style={"color": ...}`` in a Dash component tree."""
    found = []
    style = getattr(component, "style", None) or {}
    if "color" in style:
        found.append(style["color"])
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, (str, int, float)):
            found += text_colours(child)
    return found


def test_the_overview_writes_every_model_name_in_a_colour_readable_on_white() -> None:
    colours = text_colours(overview.page(FakeServices(), {}))
    assert len(colours) == 3
    assert all(contrast(c, WHITE) >= AA for c in colours), colours
