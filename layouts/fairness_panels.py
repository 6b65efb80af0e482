"""/fairness's per-model panes for group metrics and explanations by group, built from result values.

A model's group-metrics pane opens with its disparity verdict (:func:`disparity_summary`: the four-fifths rule
breached in red, or met in green, in one sentence naming the groups and the ratio), then its figures with their
intervals, then the table of every group's rows and rates (:func:`group_table`), groups too small to count marked.
"""

from __future__ import annotations

import math
from collections.abc import Collection, Sequence
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
import numpy as np
from dash import html

from layouts.panes import graph, model_row
from portal.fairness import GROUP_PREFIX, MIN_GROUP_ROWS, Disparity, GroupExplanation, GroupMetrics, ModelFairness
from portal.figures import decimals, group_contribution_heatmap, scale_label, shown_features

COLUMNS = (  # (metric, header, what it means: the header's tooltip)
    ("selection_rate", "selected", "share of the group decided positive"),
    ("true_positive_rate", "TPR", "true positive rate: share of the group's positives decided positive"),
    ("false_positive_rate", "FPR", "false positive rate: share of the group's negatives decided positive"),
    ("precision", "prec.", "precision: share of the group's positive decisions that were right"),
    ("accuracy", "acc.", "accuracy: share of the group's decisions that were right"),
)
NO_DISPARITY = f"Fewer than two groups have {MIN_GROUP_ROWS} held-out rows or more: no disparity figures."


def metrics_pane(result: ModelFairness, positive: str) -> list:
    """The verdict, the disparity figures and the group table of one model."""
    return [disparity_summary(result.disparity, positive, result.level), group_table(result)]


def disparity_summary(disparity: Disparity, positive: str, level: float) -> html.Div:
    """The four-fifths verdict as an alert, then the parity ratio and the equalized odds difference with their
    intervals, and which groups were too small to count."""
    excluded = (
        [html.Li(f"Too few rows (under {MIN_GROUP_ROWS}) to count: {', '.join(disparity.excluded)}.")]
        if disparity.excluded
        else []
    )
    if math.isnan(disparity.demographic_parity_ratio):
        return html.Div([dbc.Alert(NO_DISPARITY, color="secondary", className="verdict py-2"), html.Ul(excluded)])
    figures = [
        html.Li(
            [
                "Demographic parity ratio ",
                html.Strong(f"{disparity.demographic_parity_ratio:.2f}"),
                f" ({_interval(disparity.demographic_parity_interval, level)})",
            ]
        ),
        html.Li(
            [
                "Equalized odds difference ",
                html.Strong(f"{disparity.equalized_odds_difference:.2f}"),
                f" ({_interval(disparity.equalized_odds_interval, level)})",
            ]
        ),
    ]
    return html.Div([_verdict(disparity, positive, level), html.Ul(figures + excluded, className="disparity mb-2")])


def verdict_text(disparity: Disparity, positive: str) -> str:
    """'<25 is decided 'good' at 0.62 of 60+'s rate'."""
    ratio = disparity.demographic_parity_ratio
    return f"{disparity.lowest} is decided '{positive}' at {ratio:.2f} of {disparity.highest}'s rate"


#: Head, colour and class of each verdict (see :attr:`portal.fairness.Disparity.verdict`).
_VERDICTS = {
    "breach": ("Breach of the four-fifths rule: ", "danger"),
    "inconclusive": ("Inconclusive against the four-fifths rule: ", "warning"),
    "within the rule": ("Within the four-fifths rule: ", "success"),
}


def _verdict(disparity: Disparity, positive: str, level: float) -> dbc.Alert:
    """Three words from the ratio's interval, so a red verdict never rests on an interval that reaches the rule."""
    low, high = disparity.demographic_parity_interval
    verdict = disparity.verdict
    head, color = _VERDICTS[verdict]
    words = verdict_text(disparity, positive)
    if verdict == "inconclusive" and not math.isnan(low):  # say why: the interval reaches both sides
        words += f"; its {level:.0%} interval {low:.2f}–{high:.2f} crosses {disparity.four_fifths:g}"
    name = verdict.replace(" ", "-")
    return dbc.Alert([html.Strong(head), words + "."], color=color, className=f"verdict {name} py-2 mb-2")


def group_table(result: ModelFairness) -> dbc.Table:
    """Every group's rows and rates (intervals on hover); the overall row last; excluded groups muted."""
    head = html.Thead(
        html.Tr(
            [html.Th(["group", html.Br(), html.Small("rows", className="text-muted")], title="held-out rows")]
            + [html.Th(label, title=hint) for _m, label, hint in COLUMNS]
        )
    )
    extremes = {result.disparity.lowest, result.disparity.highest}
    body = [_group_row(g, result.level, g.group in extremes) for g in result.groups]
    overall = [html.Td(_rate(result.overall.get(metric, math.nan))) for metric, _label, _hint in COLUMNS]
    body.append(html.Tr([html.Td(_group_cell(["all"], result.n_rows)), *overall], className="overall"))
    return dbc.Table([head, html.Tbody(body)], size="sm", hover=True, responsive=True, className="group-table mb-0")


def _group_row(group: GroupMetrics, level: float, extreme: bool) -> html.Tr:
    name = [group.group]
    if not group.in_disparity:
        name += [" ", dbc.Badge("excluded", color="secondary", className="ms-1", title="too few rows to count")]
    cells = [html.Td(_group_cell(name, group.count))]
    for metric, _label, _hint in COLUMNS:
        text = _rate(group.values[metric])
        if metric == "selection_rate" and extreme and group.in_disparity:
            text = html.Strong(text)
        cells.append(html.Td(text, title=_interval(group.intervals[metric], level)))
    return html.Tr(cells, className="" if group.in_disparity else "excluded text-muted")


def explanation_pane(explanation: GroupExplanation, protected: Collection[str], features: Sequence[str]) -> list:
    """The heatmap, the protected attribute's own contribution (where it is an input) and links to /feature."""
    inputs = [c for c in protected if c in explanation.feature_names]
    figure = group_contribution_heatmap(explanation, protected=inputs)
    return [
        graph(figure, "group-explanation-graph", toolbar=False),
        _own_contribution(explanation, protected, inputs),
        _feature_links(shown_features(explanation, inputs), explanation.attribute, features),
    ]


def _own_contribution(explanation: GroupExplanation, protected: Collection[str], inputs: Sequence[str]) -> html.P:
    if not inputs:
        names = " & ".join(protected)
        return html.P(
            f"{names} is not an input of this model: any use of it goes through other features (see proxy risk).",
            className="figure-note own-contribution",
        )
    scale, digits = scale_label(explanation.output_scale), decimals(float(np.nanmax(np.abs(explanation.mean))))
    parts = []
    for column in inputs:
        values = explanation.contribution_of(column)
        each = ", ".join(f"{g} {v:+.{digits}f}" for g, v in zip(explanation.groups, values))
        parts.append(f"{column}'s own mean contribution ({scale}): {each}.")
    return html.P(" ".join(parts), className="figure-note own-contribution")


def _feature_links(shown: Sequence[str], attribute: str, features: Sequence[str]) -> html.Div:
    """A link per feature drawn to its dependence on /feature, its points coloured by the attribute's groups."""
    colour = {"colour-by": GROUP_PREFIX + attribute}
    links = [
        html.A(f, href="/feature?" + urlencode({"feature": f, **colour}), className="feature-link me-2")
        for f in shown
        if f in features
    ]
    words = f"Dependence coloured by {attribute} groups: "
    return html.Div([html.Span(words, className="text-muted"), *links], className="small feature-links")


def _group_cell(name: list, rows: int) -> list:
    """The group's name with its rows beneath: one column fewer, so that every rate fits a pane 1000 px wide
    screens show three of, without scrolling sideways to precision and accuracy."""
    return [*name, html.Br(), html.Small(f"n={rows:,}", className="text-muted")]


def _rate(value: float) -> str:
    return "–" if math.isnan(value) else f"{value:.2f}"


def _interval(pair: tuple[float, float], level: float) -> str:
    low, high = pair
    if math.isnan(low):
        return "no interval"
    return f"{level:.0%} interval {low:.2f}–{high:.2f}"


def model_columns(cards: Sequence, wide: bool) -> dbc.Row:
    """Cards side by side (three to a wide screen), or one per row when ``wide`` (many groups)."""
    return dbc.Row([dbc.Col(card, xs=12) for card in cards], className="g-3") if wide else model_row(list(cards))
