"""Where the models disagree: the rows whose predictions spread most (and any rows asked for), each with every
model's waterfall, its prediction and the summary in words the /local page writes."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from portal.analyses import disagreement_rows, outcome_words, summarise
from portal.figures import method_label, prediction_text, scale_label, waterfall
from portal.reports.report._document import Chart
from portal.reports.report._inputs import ReportInputs

TOP_ROWS = 3


@dataclass(frozen=True)
class ModelOnRow:
    model: str
    prediction: str
    method: str
    chart: Chart
    summary: str


@dataclass(frozen=True)
class ExplainedRow:
    row_id: str
    why: str  # "disagreement rank 1: spread 0.42 in probability" or "asked for"
    models: tuple[ModelOnRow, ...]


@dataclass(frozen=True)
class TopRow:
    row_id: str
    spread: str
    outputs: tuple[str, ...]
    reasons: tuple[str, ...]


@dataclass(frozen=True)
class Disagreements:
    name = "disagreements"
    models: tuple[str, ...]
    scale_note: str
    scale: str  # the outputs' shared scale in the table of top rows
    top: tuple[TopRow, ...]
    rows: tuple[ExplainedRow, ...]

    @property
    def row_ids(self) -> tuple[str, ...]:
        return tuple(r.row_id for r in self.rows)


def build(inputs: ReportInputs) -> Disagreements:
    explanations = inputs.explanations
    top, scale, compared = (), "", 0
    if len(explanations) > 1:
        table = disagreement_rows(explanations, by="prediction", top=TOP_ROWS)
        scale, compared = table.output_scale, table.rows_compared
        top = tuple(_top_row(table, i) for i in range(len(table.row_ids)))
    whys = {r.row_id: f"disagreement rank {i}: spread {r.spread} in {scale_label(scale)}" for i, r in enumerate(top, 1)}
    whys |= {r: "asked for (--rows)" for r in inputs.rows if r not in whys}
    rows = tuple(_explained(inputs, row_id, why) for row_id, why in whys.items())
    note = (
        f"Rows ranked by the spread of the models' predictions in {scale_label(scale)} (log-odds outputs turned into "
        f"the probabilities they are), over {compared:,} of {inputs.total_rows:,} rows every model explained. "
        "Each waterfall is in its model's own scale, named above it."
        if top
        else "Disagreement needs two models; the rows asked for are explained below."
    )
    return Disagreements(inputs.model_names, note, scale_label(scale) if scale else "", top, rows)


def _top_row(table, i: int) -> TopRow:
    return TopRow(
        row_id=str(table.row_ids[i]),
        spread=f"{table.prediction_spread[i]:.3f}",
        outputs=tuple(f"{v:.3f}" for v in table.outputs[i]),
        reasons=tuple(str(f) for f in table.top_features[i]),
    )


def _explained(inputs: ReportInputs, row_id: str, why: str) -> ExplainedRow:
    values = inputs.project.row_values(row_id)
    f = inputs.facts
    models = []
    for e in inputs.explanations:
        local = e.row(_at(e, row_id))
        outcome = outcome_words(f.target, f.positive, local.explained_class)
        chart = Chart(
            f"disagreements/{row_id}/{e.model_name}",
            waterfall(local, feature_values=values, titled=True),
            f"{e.model_name}: waterfall of row {row_id}",
            f"Scale: {scale_label(e.output_scale)} · method: {method_label(e.provenance)} · "
            f"row {row_id}, 1 of {inputs.total_rows:,} rows",
        )
        summary = summarise(local, values, outcome=outcome)
        models.append(ModelOnRow(e.model_name, prediction_text(local), method_label(e.provenance), chart, summary))
    return ExplainedRow(row_id, why, tuple(models))


def _at(explanation, row_id: str) -> int:
    found = np.flatnonzero(np.asarray(explanation.row_ids).astype(str) == row_id)
    if not found.size:
        raise ValueError(f"'{explanation.model_name}' has not explained row {row_id}")
    return int(found[0])
