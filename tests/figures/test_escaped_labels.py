"""The user's text inside figures (issue 17): plotly reads a subset of HTML in titles, ticks, legends and hovers,
so a column named '<b>x</b>' or '<a href=...>' must show as written, never as bold text or a link."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import plotly.io as pio

from portal import figures
from portal.analyses import agreement, dependence
from portal.results import PROBABILITY, Explanation, ModelMetrics, Provenance

BOLD, LINK, MODEL = "<b>x</b>", '<a href="javascript:alert(1)">y</a>', "<i>M</i>"
CATEGORY = "<img src=x onerror=alert(2)>"
IDS = np.array([f"r{i}" for i in range(40)], dtype=object)


def _explanation() -> Explanation:
    rng = np.random.default_rng(0)
    values = rng.normal(size=(40, 2))
    base = np.full(40, 0.3)
    provenance = Provenance("m", "d", "test", exact=True)
    return Explanation(MODEL, (BOLD, LINK), IDS, values, base, base + values.sum(axis=1), PROBABILITY, provenance)


FEATURES = pd.DataFrame({BOLD: np.arange(40.0), LINK: [CATEGORY, "plain"] * 20}, index=pd.Index(IDS))


def _strings(fig) -> str:
    """Every text of the figure as plotly.js would get it."""
    return json.dumps(json.loads(pio.to_json(fig)), ensure_ascii=False)


def _shows_text_literally(fig) -> None:
    text = _strings(fig)
    for raw in (BOLD, LINK, MODEL, CATEGORY, "<a href", "<img"):
        assert raw not in text
    assert "&lt;b&gt;x&lt;/b&gt;" in text and '&lt;a href=\\"javascript:alert(1)\\"&gt;y&lt;/a&gt;' in text


def test_importance_shows_names_as_written() -> None:
    fig = figures.importance_bars([_explanation()])
    _shows_text_literally(fig)
    assert "&lt;i&gt;M&lt;/i&gt;" in fig.data[0].name


def test_beeswarm_shows_names_and_category_values_as_written() -> None:
    fig = figures.beeswarm(_explanation(), features=FEATURES)
    _shows_text_literally(fig)
    assert "&lt;img src=x onerror=alert(2)&gt;" in _strings(fig)


def test_waterfall_shows_names_and_values_as_written() -> None:
    local = _explanation().row(0)
    fig = figures.waterfall(local, feature_values={BOLD: 0.0, LINK: CATEGORY})
    _shows_text_literally(fig)
    assert "&lt;img src=x onerror=" in _strings(fig)  # a value is cut at 20 characters
    assert "<br><span style=" in _strings(fig)  # the figure's own markup stays


def test_dependence_shows_names_and_categories_as_written() -> None:
    panels = dependence([_explanation()], FEATURES, LINK, colour_by=BOLD)
    fig = figures.dependence_panels(panels)
    _shows_text_literally(fig)
    assert "&lt;img src=x onerror=alert(2)&gt;" in _strings(fig)
    assert "<b>How each model uses" in _strings(fig)  # the figure's own markup stays


def test_decision_plots_show_names_and_ids_as_written() -> None:
    rows = [_explanation().row(i) for i in range(3)]
    models = figures.decision_models(rows[:1], colors={MODEL: "#000000"}, feature_values={BOLD: 0.0})
    for fig in (models, figures.decision_rows(rows)):
        _shows_text_literally(fig)


def test_force_and_what_if_show_names_and_values_as_written() -> None:
    local = _explanation().row(0)
    values = {BOLD: 0.0, LINK: "<i>v</i>"}
    force = figures.force_plot([local], feature_values=values)
    edited = figures.what_if_bars(local, local, color="#000000", changed=[LINK], values_before=values, values_after={})
    for fig in (force, edited):
        _shows_text_literally(fig)
        assert "<i>v</i>" not in _strings(fig) and "&lt;i&gt;v&lt;/i&gt;" in _strings(fig)


def test_agreement_heatmap_and_metrics_table_show_model_names_as_written() -> None:
    matrix = agreement({MODEL: np.array([0.2, 0.1, 0.3]), LINK: np.array([0.3, 0.1, 0.2])}, ["a", "b", "c"], k=2)
    heat = _strings(figures.agreement_heatmap(matrix))
    table = _strings(figures.metrics_table([ModelMetrics(MODEL, "classification", {"AUC": 0.8}, 10)]))
    for text in (heat, table):
        assert MODEL not in text and "&lt;i&gt;M&lt;/i&gt;" in text
    assert "<a href" not in heat
