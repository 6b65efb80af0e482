"""The cover: what the report is about, when it was made, and the hashes a reader checks it against."""

from __future__ import annotations

from dataclasses import dataclass

from portal.reports.report._document import Fact
from portal.reports.report._inputs import ReportInputs

PURPOSE = (
    "Every model of the project side by side: how each is explained, how well it predicts on held-out rows, what "
    "drives it, where the models disagree{fairness}{monitoring}. Every number names its scale, its method and "
    "the rows it was computed on."
)


@dataclass(frozen=True)
class Cover:
    name = "cover"
    title: str
    purpose: str
    generated_at: str
    facts: tuple[Fact, ...]
    models: tuple[str, ...]
    inputs_hash: str


def build(inputs: ReportInputs) -> Cover:
    f = inputs.facts
    fairness = ", how they treat protected groups" if f.protected else ""
    monitoring = ", how they changed over time" if f.time else ""
    facts = (
        Fact("project configuration hash (as loaded)", inputs.config_hash),
        Fact("data fingerprint", f.data_fingerprint),
        Fact("data", f"{f.source}: {f.rows:,} rows, {len(f.features)} features, target {f.target} ({f.task})"),
        Fact("held-out rows (metrics, curves, fairness)", f"{f.held_out_rows:,} of {f.rows:,} rows"),
        Fact("models", ", ".join(inputs.model_names)),
        Fact("hash of inputs", inputs.inputs_hash),
    )
    return Cover(
        title=f.title,
        purpose=PURPOSE.format(fairness=fairness, monitoring=monitoring),
        generated_at=inputs.generated_at,
        facts=facts,
        models=inputs.model_names,
        inputs_hash=inputs.inputs_hash,
    )
