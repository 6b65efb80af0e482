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


MODELS = ("Random forest", "Gradient boosting", "EBM")


def test_three_models_differ_in_dash_symbol_and_pattern_as_well_as_colour() -> None:
    styles = figures.model_styles(MODELS)
    for part in ("color", "dash", "symbol", "pattern"):
        assert len({getattr(s, part) for s in styles.values()}) == 3, part
    assert styles["EBM"] == figures.ModelStyle("#0072B2", "solid", "circle", "")  # first by name: plain
    assert all(s.dash != "dot" for s in figures.model_styles(f"m{i}" for i in range(8)).values())  # dot = everyone


def test_a_model_keeps_its_dash_symbol_and_pattern_in_projects_listing_its_names_in_other_orders() -> None:
    churn, loan = ([m.name for m in demo_config(name).models] for name in ("churn", "loan"))
    assert figures.model_styles(churn) == figures.model_styles(loan)
    assert figures.model_style("Gradient boosting", loan) == figures.model_styles(churn)["Gradient boosting"]
    assert all(figures.model_styles(churn)[n].color == c for n, c in figures.model_colors(churn).items())


def test_curves_draw_each_model_in_its_own_dash_and_marker_symbol() -> None:
    services = FakeServices()
    colours = figures.model_colors(services.model_names)
    for draw in (figures.roc_figure, figures.precision_recall_figure, figures.calibration_figure):
        traces = draw(services.classification_curves(), colours).data
        lines = [t for t in traces if t.name and t.name.startswith(MODELS)]  # not the diagonal
        assert len(lines) == 3
        assert len({t.line.dash for t in lines}) == 3 and len({t.marker.symbol for t in lines}) == 3
        assert {t.name.split(" (")[0]: t.line.dash for t in lines} == {
            n: s.dash for n, s in figures.model_styles(services.model_names).items()
        }


def test_bars_of_several_models_carry_each_models_pattern() -> None:
    services = FakeServices()
    colours = figures.model_colors(services.model_names)
    explanations = [services.explanation(n) for n in services.model_names]
    attribute = services.protected_attributes()[0].name
    charts = {
        "importance": figures.importance_bars(explanations, colors=colours),
        "confusion": figures.confusion_figure(services.confusions(0.5), colours),
        "fairness": figures.selection_rate_figure(services.group_metrics(attribute), colours),
    }
    expected = {s.pattern for s in figures.model_styles(services.model_names).values()}
    for chart, fig in charts.items():
        patterns = [t.marker.pattern.shape or "" for t in fig.data]
        assert len(patterns) == 3 and set(patterns) == expected, chart
        assert all(t.marker.pattern.fillmode == "overlay" for t in fig.data), chart  # the colour stays the fill
