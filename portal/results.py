"""Result values: what the engine computes and every view draws.

Results are frozen dataclasses holding named arrays plus the facts a reader needs to trust them: the
output scale the numbers are in, the method that produced them and whether it is exact, and the
fingerprints of the model and data they came from. Figures take these values, never models, so the
same figure serves the page and a static report.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

import numpy as np

#: Output scales an explanation can be in. Numbers on different scales are never compared unlabelled.
PROBABILITY = "probability"
LOG_ODDS = "log-odds"
RAW = "raw"
OUTPUT_SCALES = (PROBABILITY, LOG_ODDS, RAW)


@dataclass(frozen=True)
class Provenance:
    """Where an explanation came from, enough to reproduce it a year later."""

    model_fingerprint: str
    data_fingerprint: str
    method: str
    exact: bool
    library_versions: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, eq=False)
class ExplanationBatch:
    """Per-row contributions of one model for a block of rows, in the model's original columns.

    Invariant: ``base_values + values.sum(axis=1) == outputs`` in ``output_scale``.
    """

    values: np.ndarray  # (n_rows, n_features)
    base_values: np.ndarray  # (n_rows,)
    outputs: np.ndarray  # (n_rows,)


@dataclass(frozen=True, eq=False)
class Explanation:
    """One model's explanation of a whole data set, feature by original column."""

    model_name: str
    feature_names: tuple[str, ...]
    row_ids: np.ndarray  # (n_rows,) the id column's values, as strings
    values: np.ndarray  # (n_rows, n_features)
    base_values: np.ndarray  # (n_rows,)
    outputs: np.ndarray  # (n_rows,)
    output_scale: str
    provenance: Provenance

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    def mean_abs(self) -> np.ndarray:
        """Global importance: mean |contribution| per feature, in ``output_scale`` units."""
        return np.abs(self.values).mean(axis=0)

    def share_of_total(self) -> np.ndarray:
        """Each feature's share of the model's total mean |contribution|: scale-free, sums to 1."""
        importance = self.mean_abs()
        total = importance.sum()
        return importance / total if total > 0 else importance

    def row(self, index: int) -> LocalExplanation:
        """The explanation of one row, by position."""
        return LocalExplanation(
            model_name=self.model_name,
            feature_names=self.feature_names,
            row_id=str(self.row_ids[index]),
            values=np.asarray(self.values[index]),
            base_value=float(self.base_values[index]),
            output=float(self.outputs[index]),
            output_scale=self.output_scale,
            provenance=self.provenance,
        )


@dataclass(frozen=True, eq=False)
class LocalExplanation:
    """One model's explanation of one row."""

    model_name: str
    feature_names: tuple[str, ...]
    row_id: str
    values: np.ndarray  # (n_features,)
    base_value: float
    output: float
    output_scale: str
    provenance: Provenance


@dataclass(frozen=True)
class ModelMetrics:
    """Held-out performance of one model, named metric -> value (e.g. "AUC" -> 0.84)."""

    model_name: str
    task: str
    values: Mapping[str, float]
    n_test: int


@dataclass(frozen=True)
class JobProgress:
    """How far a model's explanation job has got: chunks committed out of the total."""

    model_name: str
    done: int
    total: int
    state: str  # "pending" | "running" | "done" | "failed"
    error: str = ""

    @property
    def fraction(self) -> float:
        return self.done / self.total if self.total else 0.0
