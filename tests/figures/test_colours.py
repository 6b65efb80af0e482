"""Model colours: the same for the same names in every project, and readable (WCAG 2.1 AA) wherever they carry
text."""

from __future__ import annotations

from portal import figures
from portal.data import demo_config
from tests.fakes import FakeServices

WHITE = "#FFFFFF"
AA = 4.5


def luminance(colour: str) -> float:
    """WCAG 2.1 relative luminance of a #RRGGBB colour."""
    channels = [int(colour.lstrip("#")[i : i + 2], 16) / 255 for i in (0, 2, 4)]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(one: str, other: str) -> float:
    light, dark = sorted((luminance(one), luminance(other)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def test_the_contrast_formula_gives_the_known_ratios() -> None:
    assert round(contrast("#000000", WHITE), 1) == 21.0 and round(contrast("#E69F00", WHITE), 2) == 2.25


def test_every_text_colour_the_palette_yields_reads_at_4_5_to_1_on_white() -> None:
    names = [f"model {i}" for i in range(12)]  # past the palette's length: it repeats
    for colour in {*figures.TEXT_PALETTE, *figures.model_text_colors(names).values()}:
        assert contrast(colour, WHITE) >= AA, colour
    assert all(figures.text_color(mark) == text for mark, text in zip(figures.PALETTE, figures.TEXT_PALETTE))


def test_white_header_text_reads_at_4_5_to_1_on_every_model_colour_of_the_metrics_table() -> None:
    header = figures.metrics_table(FakeServices().metrics()).data[0].header
    for fill, font in zip(header.fill.color, header.font.color):
        if font == "white":
            assert contrast(fill, WHITE) >= AA, fill


def test_the_same_model_names_get_the_same_colours_in_projects_listing_them_in_other_orders() -> None:
    churn, loan = ([m.name for m in demo_config(name).models] for name in ("churn", "loan"))
    assert churn != loan and sorted(churn) == sorted(loan)
    for colours in (figures.model_colors, figures.model_text_colors):
        assert colours(churn) == colours(loan)
        assert list(colours(loan)) == loan  # keys keep the project's order
