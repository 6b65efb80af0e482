"""Fairness, for a project with ``[data] protected``: per protected attribute, every model's group metrics with
intervals and its four-fifths verdict, its explanations by group and its proxy table; then the adverse-action
reasons every model gives for a sample of declined rows. Figures are the /fairness page's own builders."""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

from portal.fairness import decision_words
from portal.figures import group_contribution_heatmap, scale_label, selection_rate_figure
from portal.reports.report._document import Chart, Fact, without_patterns
from portal.reports.report._inputs import ReportInputs

METRICS = (("selection_rate", "selected"), ("true_positive_rate", "TPR"), ("false_positive_rate", "FPR"))
METRICS += (("precision", "precision"), ("accuracy", "accuracy"))
VERDICTS = {
    "breach": "Breach of the four-fifths rule",
    "inconclusive": "Inconclusive against the four-fifths rule",
    "within the rule": "Within the four-fifths rule",
}
PROXY_ROWS = 5
DECLINED_SAMPLE = 3


@dataclass(frozen=True)
class GroupRow:
    group: str
    rows: str
    values: tuple[str, ...]  # each metric with its interval
    counted: bool


@dataclass(frozen=True)
class ModelGroups:
    model: str
    verdict: str
    kind: str  # breach | inconclusive | within the rule
    sentence: str
    groups: tuple[GroupRow, ...]


@dataclass(frozen=True)
class ProxyRow:
    feature: str
    auc: str
    share: str
    risk: str
    flagged: bool
    reason: str


@dataclass(frozen=True)
class ModelProxies:
    model: str
    rows: tuple[ProxyRow, ...]
    note: str


@dataclass(frozen=True)
class AttributeFairness:
    attribute: str
    selection: Chart
    models: tuple[ModelGroups, ...]
    explanations: tuple[Chart, ...]
    proxies: tuple[ModelProxies, ...]


@dataclass(frozen=True)
class ModelReasons:
    model: str
    decision: str
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class DeclinedRow:
    row_id: str
    models: tuple[ModelReasons, ...]


@dataclass(frozen=True)
class Fairness:
    name = "fairness"
    metric_names: tuple[str, ...]
    intro: str
    attributes: tuple[AttributeFairness, ...]
    declined_title: str
    declined_note: str
    declined: tuple[DeclinedRow, ...]
    how: tuple[Fact, ...]

    @property
    def row_ids(self) -> tuple[str, ...]:
        return tuple(r.row_id for r in self.declined)


def build(inputs: ReportInputs) -> Fairness:
    project, f = inputs.project, inputs.facts
    settings = project.fairness_config()
    threshold, positive = settings.threshold, f.positive or "positive"
    attributes = tuple(_attribute(inputs, a, threshold) for a in project.protected_attributes())
    first = project.group_metrics(attributes[0].attribute, threshold)[0] if attributes else None
    words = decision_words(settings.outcome_words, positive)
    declined = _declined(inputs, threshold, positive)
    intro = (
        f"A row is decided '{positive}' when a model's probability of it is {threshold:g} or more ([fairness] "
        f"threshold). Group metrics are on the {f.held_out_rows:,} of {f.rows:,} held-out rows"
        + (f", with {first.level:.0%} bootstrap intervals ({first.resamples} resamples, seeded)." if first else ".")
    )
    how = (Fact("fairness group metrics", intro),)
    note = (
        f"Rows declined by the most models at threshold {threshold:g}, the first {DECLINED_SAMPLE} in data order; each "
        "model's strongest pushes toward the decline, in its own scale (compare ranks, not sizes, across scales)."
    )
    names = tuple(label for _key, label in METRICS)
    return Fairness(names, intro, attributes, words.section, note, declined, how)


def _attribute(inputs: ReportInputs, attribute, threshold: float) -> AttributeFairness:
    project, name = inputs.project, attribute.name
    results = project.group_metrics(name, threshold)
    selection = Chart(
        f"fairness/{name}/selection",
        without_patterns(selection_rate_figure(results, inputs.colors)),
        f"selection rate per {name} group, every model",
        f"Scale: share of the group decided positive (probability threshold {threshold:g}) · held-out rows",
    )
    charts = []
    for model in project.model_names:
        grouped = project.group_explanations(name, model)
        if grouped is None:
            continue
        inputs_used = [c for c in attribute.columns if c in grouped.feature_names]
        charts.append(
            Chart(
                f"fairness/{name}/explanations/{model}",
                group_contribution_heatmap(grouped, protected=inputs_used),
                f"{model}: mean contribution per feature per {name} group",
                f"{model} · Scale: {scale_label(grouped.output_scale)} (its own) · {_rows(grouped.n_rows, inputs)}",
            )
        )
    proxies = _proxies(project, name)
    return AttributeFairness(name, selection, tuple(_groups(r, inputs) for r in results), tuple(charts), proxies)


def _groups(result, inputs: ReportInputs) -> ModelGroups:
    d, positive = result.disparity, inputs.facts.positive or "positive"
    groups = tuple(
        GroupRow(
            g.group,
            f"{g.count:,}",
            tuple(_with_interval(g.values[k], g.intervals[k]) for k, _label in METRICS),
            g.in_disparity,
        )
        for g in result.groups
    )
    if math.isnan(d.demographic_parity_ratio):
        return ModelGroups(result.model_name, "No disparity figures", "inconclusive", "too few rows per group", groups)
    low, high = d.demographic_parity_interval
    sentence = (
        f"{d.lowest} is decided '{positive}' at {d.demographic_parity_ratio:.2f} of {d.highest}'s rate "
        f"({result.level:.0%} interval {low:.2f}–{high:.2f}; limit {d.four_fifths:g}); equalized odds difference "
        f"{d.equalized_odds_difference:.2f}. {result.n_rows:,} held-out rows."
    )
    return ModelGroups(result.model_name, VERDICTS[d.verdict], d.verdict, sentence, groups)


def _proxies(project, attribute: str) -> tuple[ModelProxies, ...]:
    try:
        tables = project.proxy_tables(attribute)
    except ValueError as error:
        return (ModelProxies("", (), f"No proxy table for {attribute}: {error}."),)
    return tuple(_proxy(t) for t in tables)


def _proxy(table) -> ModelProxies:
    rows = tuple(
        ProxyRow(r.feature, _number(r.auc_alone), f"{r.importance_share:.1%}", _number(r.risk), r.flagged, r.reason)
        for r in table.rows[:PROXY_ROWS]
    )
    sample = f"{table.n_rows:,} of {table.sample_of:,}" if table.n_rows < table.sample_of else f"{table.n_rows:,}"
    note = (
        f"Top {len(rows)} of {len(table.rows)} features by risk = strength of association with {table.attribute} x "
        f"share of {table.model_name}'s attribution; all features together predict it with AUC "
        f"{_number(table.auc_all)}; measured on {sample} rows (seeded, stratified by group)."
    )
    return ModelProxies(table.model_name, rows, note)


def _declined(inputs: ReportInputs, threshold: float, positive: str) -> tuple[DeclinedRow, ...]:
    project = inputs.project
    cohorts = [project.cohort_rows(f"prediction: {m} < {threshold:.10g}") for m in project.model_names]
    votes = np.sum([c.mask for c in cohorts], axis=0)
    order = np.lexsort((np.arange(len(votes)), -votes))[:DECLINED_SAMPLE]
    ids = cohorts[0].index.row_ids
    chosen = [str(ids[i]) for i in order if votes[i] > 0]
    return tuple(
        DeclinedRow(r, tuple(_reasons(d, positive) for d in project.adverse_reasons(r, threshold))) for r in chosen
    )


def _reasons(decision, positive: str) -> ModelReasons:
    side = "declined" if decision.declined else f"decided '{positive}'"
    line = f"{side}: probability of '{positive}' {decision.score:.2f} against the threshold {decision.threshold:.2f}"
    scale = scale_label(decision.output_scale)
    reasons = tuple(f"{r.feature} = {_value(r.value)} ({r.contribution:+.3f} {scale})" for r in decision.reasons)
    return ModelReasons(decision.model_name, line, reasons)


def _rows(n: int, inputs: ReportInputs) -> str:
    return f"{n:,} of {inputs.total_rows:,} rows"


def _with_interval(value: float, interval: tuple[float, float]) -> str:
    if math.isnan(value):
        return "–"
    low, high = interval
    return f"{value:.2f}" if math.isnan(low) else f"{value:.2f} ({low:.2f}–{high:.2f})"


def _number(value: float | None) -> str:
    return "–" if value is None or math.isnan(value) else f"{value:.2f}"


def _value(value: object) -> str:
    if isinstance(value, float):
        return "missing" if math.isnan(value) else f"{value:g}"
    return "missing" if value is None else str(value)
