"""The common scale: every classifier of a project in probability, on one seeded sample of rows.

Each model is first explained in its own (native) scale, exactly, over every row. Those numbers
cannot share an axis: a forest answers in probability, a booster or an EBM in log-odds. So cross-model
views default to the common scale, probability, where the explanations come from:

- models whose native scale is already probability (forests, soft voting, the model-agnostic method):
  their native values on the sample rows; no second job.
- every other classifier: a second job (:mod:`portal.jobs`, ``scale="common"``) that explains the sample
  rows with ``explainer_for(..., scale="common")``. For boosted trees and EBMs that is the model-agnostic
  method on ``predict_proba`` (see :mod:`portal.explain` for why nothing exact is cheaper), against
  :data:`BACKGROUND_ROWS` training rows: exact enumeration up to ``[explain] max_exact_features`` columns
  (10 by default), sampled permutations (approximate) above.
- regression projects: nothing; the target's units are already shared.

Why a sample, and why 200 background rows (measured on the churn demo, 18 columns, CPU time of one core
per row with sampled permutations; the Pipeline's preparation runs once per pool, see ``_coalitions``):
gradient boosting 40 / 69 / 122 ms with 50 / 100 / 200 background rows (231 / 355 / 597 ms through the
whole Pipeline), the EBM 78 / 109 / 156 ms. With 200 rows, the very rows the native methods use, the
default sample of 500 rows costs the two common jobs about 140 s of one core, about 70 s on two workers,
plus each process compiling shap's kernels once (about 8 s). Mean |SHAP| on the 500 sample rows is within
1-2 % (median over the top 10 features; at most 6-12 %) of its value on all 7,043 rows, ranking features
alike (Spearman 0.996 or more); sampled permutations add less (median 0.3 %, against 4x the permutations).
Any single row can still be explained on demand (the local page), with the values a job would give it.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np

from portal.results import PROBABILITY, AverageMember, Explanation, Provenance

NATIVE, COMMON = "native", "common"
SCALES = (COMMON, NATIVE)
#: A JobProgress state: the model has no common-scale explanation (the error says why).
UNAVAILABLE = "unavailable"
#: Training rows the common-scale (model-agnostic) explanations are measured against; see the module docstring.
BACKGROUND_ROWS = 200
#: A common job is cut into this many chunks: progress to watch, and a first sample within seconds.
CHUNKS = 20


@dataclass(frozen=True)
class CommonMethod:
    """How one model is explained in the common scale (probability), known before any result.

    ``provenance`` is None when the model has no probability scale, and ``reason`` says why; ``hint`` says,
    for an approximate method, how to get exact values and what they cost per row (empty otherwise).
    """

    provenance: Provenance | None
    reason: str = ""
    hint: str = ""


def needs_job(task: str, native_scale: str) -> bool:
    """Whether a model needs a common-scale job: a classifier not already explained in probability."""
    return task == "classification" and native_scale != PROBABILITY


def chunk_rows(sample_rows: int) -> int:
    return max(1, -(-sample_rows // CHUNKS))


@dataclass(frozen=True, eq=False)
class Sample:
    """The rows explained in the common scale: sorted data positions, drawn once per project and seed."""

    positions: np.ndarray
    of_rows: int

    @classmethod
    def draw(cls, n_rows: int, size: int, seed: int) -> Sample:
        """``size`` rows of ``n_rows`` without replacement (all rows if fewer), the same for the same seed."""
        if size >= n_rows:
            return cls(np.arange(n_rows), n_rows)
        chosen = np.random.default_rng([seed, n_rows, size]).choice(n_rows, size=size, replace=False)
        return cls(np.sort(chosen), n_rows)

    @property
    def size(self) -> int:
        return int(self.positions.size)

    def index_of(self, position: int) -> int | None:
        """Where the data row at ``position`` is in the sample, or None if it is not in it."""
        i = int(np.searchsorted(self.positions, position))
        return i if i < self.size and self.positions[i] == position else None

    def restrict(self, native: Explanation) -> Explanation:
        """A full (data-order) explanation cut down to the sample rows: a probability model's common view."""
        return mark(take(native, self.positions), self)


def mark(explanation: Explanation, sample: Sample) -> Explanation:
    """Label an explanation of (some of) the sample rows as such, so views say "n of N rows (seeded sample)"."""
    return replace(explanation, sample_of=sample.of_rows if sample.size < sample.of_rows else 0)


def as_common(
    explanation: Explanation, method: str, exact: bool, sample: Sample, members: tuple[AverageMember, ...] = ()
) -> Explanation:
    """A common job's rows as read from the store, with the common method's provenance and scale."""
    provenance = replace(explanation.provenance, method=method, exact=exact, members=members)
    return mark(replace(explanation, output_scale=PROBABILITY, provenance=provenance), sample)


def take(explanation: Explanation, positions: np.ndarray | list[int]) -> Explanation:
    """The explanation of the rows at ``positions`` (copied out of memory-mapped arrays)."""
    positions = np.asarray(positions)
    return replace(
        explanation,
        row_ids=np.asarray(explanation.row_ids)[positions],
        values=np.asarray(explanation.values[positions]),
        base_values=np.asarray(explanation.base_values[positions]),
        outputs=np.asarray(explanation.outputs[positions]),
    )
