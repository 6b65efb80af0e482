"""The models: how each was made and explained, and its held-out metrics beside the others'."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from portal.figures import LOWER_IS_BETTER, method_label, scale_label
from portal.reports.report._document import Fact
from portal.reports.report._inputs import ReportInputs
from portal.results import ModelMetrics

NO_COMMON = "no common scale (regression: each model answers in its own units)"


@dataclass(frozen=True)
class ModelFacts:
    model: str
    facts: tuple[Fact, ...]


@dataclass(frozen=True)
class MetricRow:
    """One metric across the models: the values as printed, and which are the best (bold)."""

    metric: str
    values: tuple[str, ...]
    best: tuple[bool, ...]


@dataclass(frozen=True)
class Models:
    name = "models"
    models: tuple[ModelFacts, ...]
    metric_models: tuple[str, ...]
    metrics: tuple[MetricRow, ...]
    metrics_note: str


def build(inputs: ReportInputs) -> Models:
    project, f = inputs.project, inputs.facts
    specs = {s.name: s for s in project.config.models}
    common = project.common_methods() or (None,) * len(inputs.model_names)
    training = int(project.dataset.train_index.size)
    entries = project.models.entries
    models = tuple(
        ModelFacts(e.model_name, _facts(e, specs[e.model_name], c, training, f.rows, _hint(entries, e.model_name)))
        for e, c in zip(inputs.explanations, common)
    )
    metrics = project.metrics()
    n_test = sorted({m.n_test for m in metrics})
    note = (
        f"Held-out rows: {', '.join(f'{n:,}' for n in n_test)} of {f.rows:,} (the same split for every model, "
        f"seed {project.config.data.seed}); predictions as probabilities for classification, so every model's "
        "metric is on the same scale. Best value per metric in bold."
    )
    return Models(models, tuple(m.model_name for m in metrics), metric_rows(metrics), note)


def _hint(entries, name: str) -> str:
    """How to get exact values and what they would cost, for an approximate own-scale method ("" otherwise)."""
    entry = entries.get(name)
    return entry.exact_hint if entry is not None else ""


def _facts(explanation, spec, common, training: int, total: int, hint: str = "") -> tuple[Fact, ...]:
    p = explanation.provenance
    kind = spec.kind or (f"fitted file {spec.path.name}" if spec.path else "")
    params = ", ".join(f"{k} = {v}" for k, v in sorted(spec.params.items())) or "the kind's defaults"
    facts = [
        Fact("kind", kind),
        Fact("parameters", params),
        Fact("model fingerprint", p.model_fingerprint),
        Fact("training rows", f"{training:,} of {total:,}"),
        Fact(
            "explanation (own scale)",
            f"{method_label(p)}, output in {scale_label(explanation.output_scale)}" + (f"; {hint}" if hint else ""),
        ),
        Fact("rows explained", f"{explanation.n_rows:,} of {total:,}"),
    ]
    return tuple(facts + [Fact("common scale (probability)", _common(common, p))])


def _common(common, own) -> str:
    if common is None:
        return NO_COMMON
    if common.provenance is None:
        return common.reason
    words = method_label(common.provenance)
    if common.provenance == own:
        words += " (its own values: already in probability)"
    return f"{words}; {common.hint}" if common.hint else words


def metric_rows(metrics: Sequence[ModelMetrics]) -> tuple[MetricRow, ...]:
    names = list(dict.fromkeys(name for m in metrics for name in m.values))
    rows = []
    for name in names:
        values = [m.values.get(name) for m in metrics]
        known = [v for v in values if v is not None]
        best = (min(known) if name.lower() in LOWER_IS_BETTER else max(known)) if len(known) > 1 else None
        rows.append(MetricRow(name, tuple(_number(v) for v in values), tuple(v == best for v in values)))
    return tuple(rows)


def _number(value: float | None) -> str:
    if value is None:
        return "–"
    return f"{value:,.0f}" if abs(value) >= 1_000 else f"{value:.3f}"
