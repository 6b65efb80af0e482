"""The user's text inside the remaining figures (issue 17): stacked force, performance, monitoring, fairness and the
metrics table. A feature '<b>bold</b>', a category '<a href="x">y</a>', a model 'A<i>' show as written; a name
holding '%{y}' inside a hovertemplate shows as written instead of being filled in by plotly."""

from __future__ import annotations

import json
from dataclasses import replace

import numpy as np
import pandas as pd
import plotly.graph_objects as go
import plotly.io as pio
import pytest

from portal import figures
from portal.analyses import (
    REFERENCE,
    AlertThresholds,
    classification_curves,
    confusion_at,
    monitoring_report,
    regression_diagnostics,
    window_change,
)
from portal.fairness import GroupExplanation, group_fairness
from portal.results import PROBABILITY, Explanation, ModelMetrics, Provenance
from tests.tiny_monitoring import tiny_explanation, tiny_windows

BOLD, LINK, MODEL, TEMPLATE = "<b>bold</b>", '<a href="x">y</a>', "A<i>", "n%{y}"
SHOWN = {BOLD: "&lt;b&gt;bold&lt;/b&gt;", LINK: '&lt;a href=\\"x\\"&gt;y&lt;/a&gt;', MODEL: "A&lt;i&gt;"}
RNG = np.random.default_rng(0)
Y = np.tile([0, 1], 50)
P = np.clip(Y * 0.3 + RNG.uniform(0, 0.7, 100), 0, 1)


HIDDEN = ("meta", "legendgroup", "offsetgroup")  # keys plotly never draws: the page reads them as they are


def _text(fig) -> str:
    """Every text of the figure that plotly.js draws."""
    return json.dumps(_drawn(json.loads(pio.to_json(fig))), ensure_ascii=False)


def _drawn(node):
    if isinstance(node, dict):
        return {k: _drawn(v) for k, v in node.items() if k not in HIDDEN}
    return [_drawn(v) for v in node] if isinstance(node, list) else node


def _templates(fig) -> str:
    return " ".join(getattr(t, "hovertemplate", None) or "" for t in fig.data)


def _shows_as_written(fig, *names: str) -> None:
    """Each of ``names`` is in the figure escaped, none raw; '%' of a name inside a hovertemplate is an entity."""
    text = _text(fig)
    for raw in (BOLD, LINK, MODEL, "<a href", "<i>"):
        assert raw not in text
    for name in names:
        assert SHOWN[name] in text, name
    assert TEMPLATE not in _templates(fig)


def test_stacked_force_shows_features_values_ids_and_model_as_written() -> None:
    rng = np.random.default_rng(1)
    ids = np.array([BOLD, "r1", "r2", "r3"], dtype=object)
    explanation = _explanation(rng, ids)
    features = pd.DataFrame({BOLD: [LINK, "a", "b", "c"], TEMPLATE: [1.0, 2.0, 3.0, 4.0]}, index=pd.Index(ids))
    fig = figures.stacked_force(explanation, np.arange(4), by=BOLD, features=features, max_features=2)
    line = fig.data[-1]
    assert line.customdata[0][0] == BOLD and "customdata[0]" not in line.hovertemplate  # a click reads it as it is
    _shows_as_written(go.Figure(fig).update_traces(customdata=line.customdata[:, 1:], selector=-1), BOLD, LINK, MODEL)
    assert "&lt;b&gt;bold&lt;/b&gt; = &lt;a href" in " ".join(str(c[2]) for c in line.customdata)
    assert any(t.name and t.name.startswith("&lt;b&gt;bold&lt;/b&gt;, pushing") for t in fig.data)


def _explanation(rng, ids) -> Explanation:
    values = rng.normal(size=(len(ids), 2))
    base = np.full(len(ids), 0.3)
    provenance = Provenance("m", "d", "test", exact=True)
    return Explanation(MODEL, (BOLD, TEMPLATE), ids, values, base, base + values.sum(axis=1), PROBABILITY, provenance)


@pytest.mark.parametrize(
    "build", [figures.roc_figure, figures.precision_recall_figure, figures.calibration_figure, figures.lift_figure]
)
def test_classification_curves_show_model_names_as_written(build) -> None:
    curves = [classification_curves(MODEL, Y, P), classification_curves(TEMPLATE, Y, 1 - P)]
    fig = build(curves, everyone=curves)
    _shows_as_written(fig, MODEL)
    assert any(t.name and t.name.startswith("A&lt;i&gt;") for t in fig.data)  # the legend


def test_confusion_shows_model_names_as_written() -> None:
    fig = figures.confusion_figure({MODEL: confusion_at(Y, P, 0.5)}, everyone={MODEL: confusion_at(Y, P, 0.5)})
    _shows_as_written(fig, MODEL)


def test_regression_figures_show_model_names_segment_and_categories_as_written() -> None:
    actual = RNG.normal(size=60)
    segments = {BOLD: np.array([LINK, "plain", "other"] * 20, dtype=object)}
    diagnostics = [regression_diagnostics(MODEL, actual, actual + RNG.normal(size=60), segments)]
    for fig in (
        figures.predicted_actual_figure(diagnostics, unit=LINK),
        figures.residuals_figure(diagnostics, unit=LINK),
    ):
        _shows_as_written(fig, MODEL, LINK)
    segment = figures.segment_error_figure(diagnostics, BOLD)
    _shows_as_written(segment, MODEL, BOLD, LINK)
    assert segment.layout.title.text == "<b>Error by &lt;b&gt;bold&lt;/b&gt;</b>"  # the figure's own markup stays


def _report():
    names = {"Forest": MODEL, "Ensemble": TEMPLATE}
    explanations = [
        replace(tiny_explanation(name), model_name=names.get(name, name), feature_names=(BOLD, TEMPLATE))
        for name in ("Forest", "Ensemble")
    ]
    a = np.array([1.0, 2.0, 3.0, 4.0] * 2 + [40.0, 50.0, 60.0, 70.0])
    features = pd.DataFrame({BOLD: a, TEMPLATE: np.tile([5.0, 6.0, 7.0, 8.0], 3)})
    labels = {MODEL: (a, a + 1.0, "regression")}
    return monitoring_report(explanations, tiny_windows(), features, AlertThresholds(), labels=labels)


def test_monitoring_figures_show_model_and_feature_names_as_written() -> None:
    report = _report()
    colors = figures.model_colors(report.model_names)
    share = figures.share_over_time(report, colors, "2017-03")
    _shows_as_written(share, MODEL, BOLD)
    assert "A&lt;i&gt; · n&#37;{y}" in _templates(share) and "95% interval" in _templates(share)
    change = figures.mean_change_figure(window_change(report.models[0], "2017-03", REFERENCE), "raw")
    _shows_as_written(change, BOLD)
    _shows_as_written(figures.drift_figure(report, "2017-03"), BOLD)
    errors = figures.error_over_time(report, colors, "2017-03")
    _shows_as_written(errors, MODEL)


def test_fairness_figures_show_model_group_and_feature_names_as_written() -> None:
    labels = np.array([LINK, "plain"] * 50, dtype=object)
    results = [group_fairness(MODEL, Y, P, labels, attribute=BOLD, resamples=20)]
    rates = figures.selection_rate_figure(results)
    _shows_as_written(rates, MODEL, LINK, BOLD)
    assert rates.data[0].name.startswith("A&lt;i&gt;")
    heat = figures.group_contribution_heatmap(_grouped(), protected=[BOLD])
    _shows_as_written(heat, LINK, BOLD)
    assert "<b>&lt;b&gt;bold&lt;/b&gt;</b>" in _text(heat)  # bold marks a protected input: the figure's markup


def _grouped() -> GroupExplanation:
    return GroupExplanation(
        model_name=MODEL,
        attribute=BOLD,
        groups=(LINK, "plain"),
        counts=np.array([60, 40]),
        feature_names=(BOLD, TEMPLATE),
        mean=np.array([[0.1, -0.2], [0.05, 0.3]]),
        mean_abs=np.array([[0.2, 0.3], [0.1, 0.4]]),
        mean_output=np.zeros(2),
        base_value=0.0,
        output_scale="log_odds",
        n_rows=100,
    )


def test_metrics_table_shows_metric_names_as_written() -> None:
    fig = figures.metrics_table([ModelMetrics(MODEL, "classification", {BOLD: 0.8}, 10)])
    _shows_as_written(fig, MODEL, BOLD)


def test_a_name_in_a_hovertemplate_keeps_its_percent_sign_as_written() -> None:
    assert figures.in_template("n%{y} <b>") == "n&#37;{y} &lt;b&gt;"
