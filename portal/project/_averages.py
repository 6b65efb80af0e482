"""Weighted averages of a project's models (``kind = "average"``), explained exactly by linearity.

Shapley values are linear in the model: when a model's output is ``sum_i w_i f_i(x)``, its values, base
value and output are the same weighted sums of its members' (see :mod:`portal.explain`). So an
average needs no explanation job of its own and no model evaluations: it is combined from the members'
finished arrays, in the scale the members share natively, and it is exact exactly when every member is.

Which scale: regressors average their predictions; classifiers average in their own shared scale,
probability (forests) or the score (log-odds, or one logit per class: boosted trees, EBMs), where the
average's probability is the sigmoid (softmax) of the averaged score (:class:`models.average.WeightedAverage`).
Members in different scales are refused: averaging a forest's probability with a booster's needs the booster
explained in probability, which no cheap exact method does (model-agnostic: exact only up to 10 columns).

The combined arrays are written to the store under their own key like any result, so ``cache info`` lists
them, ``cache clear --model`` removes them, and eviction may drop them (they are combined again on demand).
"""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from models.average import WeightedAverage
from portal.config import ConfigError, ModelSpec
from portal.data import key_of
from portal.explain import WEIGHTED_AVERAGE, Budget
from portal.jobs import ARRAY_NAMES, ResultStore
from portal.project._entries import ModelEntry
from portal.results import (
    LOG_ODDS,
    LOGIT,
    PROBABILITY,
    RAW,
    AverageMember,
    Explanation,
    JobProgress,
    Provenance,
    shared_rows,
)

VERSION = "1"  # of the combination; part of the result's key
MIXED_SCALES = (
    "'{a}' is explained in {scale_a} but '{b}' in {scale_b}; an average is explained exactly only in a scale "
    "its members share"
)
MIXED_SCALES_FIX = (
    "average models of one scale (forests: probability; boosted trees and EBMs: log-odds); mixing them would "
    f"need the boosters explained in probability, exact only up to {Budget.max_exact_features} columns, "
    "which averages do not support yet"
)
MIXED_CLASSES = "'{a}' predicts the classes {classes_a} but '{b}' {classes_b}"
#: The scale an average is taken over, by its members' shared explanation scale.
OVER = {RAW: "prediction", PROBABILITY: "probability", LOG_ODDS: "score", LOGIT: "score"}
#: A member's state shown for the average, most telling first; "done" only when every member is done.
STATE_ORDER = ("failed", "cancelled", "interrupted", "cancelling", "running", "queued", "pending")
NOT_ADDITIVE = "the average '{name}' broke additivity by {gap:.3g}: base + contributions != output"


class Members(Protocol):
    """Where an average reads its members' jobs: the project's explanations, by model name."""

    def progress(self, model_name: str) -> JobProgress: ...

    def explanation(self, model_name: str) -> Explanation | None: ...

    def explanation_so_far(self, model_name: str) -> Explanation | None: ...


@dataclass(frozen=True, eq=False)
class ModelAverage:
    """A weighted average of a project's models: its estimator, and its explanation from the members'.

    ``members`` in the methods is where the members' progress and explanations are read (the project's
    :class:`~portal.project.Explanations`); the average has no job of its own.
    """

    name: str
    members: tuple[str, ...]
    weights: tuple[float, ...]  # normalised to sum to 1
    estimator: WeightedAverage
    fingerprint: str
    key: str  # of the combined arrays in the store
    method: str
    exact: bool
    output_scale: str
    feature_names: tuple[str, ...]
    store: ResultStore = field(repr=False)
    shares: tuple[AverageMember, ...] = ()  # each member's name, weight and method, for labels
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def provenance(self, data_fingerprint: str, versions: Mapping[str, str]) -> Provenance:
        return Provenance(self.fingerprint, data_fingerprint, self.method, self.exact, versions, self.shares)

    def progress(self, source: Members) -> JobProgress:
        """The members' progress combined: chunks summed; done once every member is (and the sum is stored)."""
        parts = [(m, source.progress(m)) for m in self.members]
        combined = combined_progress(self.name, parts)
        if combined.state == "done" and not self._result_dir().is_dir():
            self.explanation(source)  # combine now, so the result is in the cache before anyone asks
        return combined

    def explanation(self, source: Members) -> Explanation | None:
        """The weighted sum of the members' explanations of every row; None until every member is done."""
        arrays = self.store.read_arrays(self._result_dir(), ARRAY_NAMES)
        parts = [source.explanation(m) for m in self.members]
        if any(p is None for p in parts):
            return None
        if arrays is None:
            with self._lock:
                arrays = self.store.read_arrays(self._result_dir(), ARRAY_NAMES) or self._combine_and_store(parts)
        return self._as_explanation(parts[0], arrays)

    def explanation_so_far(self, source: Members) -> Explanation | None:
        """The rows every member has explained so far, combined (a seeded sample: see Project), or None."""
        if all(source.progress(m).state == "done" for m in self.members):
            return self.explanation(source)
        parts = [source.explanation_so_far(m) for m in self.members]
        if any(p is None for p in parts):
            return None
        row_ids, positions = shared_rows(parts)
        if row_ids.size == 0:
            return None
        arrays = weighted_sum(self.weights, parts, positions)
        return self._as_explanation(parts[0], arrays, row_ids)

    def job_state(self) -> dict[str, Any]:
        """The stored record of the combination (seconds, rows), as a job's; empty until combined."""
        return self.store.get_json(f"job:{self.key}") or {}

    def _combine_and_store(self, parts: list[Explanation]) -> dict[str, np.ndarray]:
        started = time.perf_counter()
        _, positions = shared_rows(parts)
        arrays = weighted_sum(self.weights, parts, positions)
        check_additive(self.name, arrays)
        self.store.write_arrays(self._result_dir(), arrays)
        record = {"model_name": self.name, "state": "done", "n_rows": int(arrays["values"].shape[0]), "error": ""}
        seconds = round(time.perf_counter() - started, 3)
        self.store.set_json(f"job:{self.key}", {**record, "seconds": seconds, "finished": time.time()})
        return self.store.read_arrays(self._result_dir(), ARRAY_NAMES)  # memory-mapped, as every result

    def _as_explanation(
        self, first: Explanation, arrays: Mapping[str, np.ndarray], row_ids: np.ndarray | None = None
    ) -> Explanation:
        provenance = first.provenance
        return Explanation(
            model_name=self.name,
            feature_names=self.feature_names,
            row_ids=first.row_ids if row_ids is None else row_ids,
            values=arrays["values"],
            base_values=arrays["base_values"],
            outputs=arrays["outputs"],
            output_scale=self.output_scale,
            provenance=self.provenance(provenance.data_fingerprint, provenance.library_versions),
            class_names=first.class_names,
        )

    def _result_dir(self) -> Path:
        return self.store.array_dir(self.key, "result")


def build_averages(
    specs: Sequence[ModelSpec], entries: Mapping[str, ModelEntry], *, task: str, store: ResultStore
) -> dict[str, ModelAverage]:
    """Every ``kind = "average"`` of the project, from its members' fitted entries; ConfigError if they
    cannot be averaged exactly (different scales or classes)."""
    return {s.name: build_average(s, entries, task=task, store=store) for s in specs if s.is_average}


def build_average(spec: ModelSpec, entries: Mapping[str, ModelEntry], *, task: str, store: ResultStore) -> ModelAverage:
    members = [entries[m] for m in spec.members]
    _check_alike(spec, members, task)
    weights = np.asarray(spec.weights or [1.0] * len(members), dtype=np.float64)
    weights = tuple(float(w) for w in weights / weights.sum())
    scale = members[0].output_scale
    estimator = WeightedAverage([e.fitted.estimator for e in members], weights, over=OVER[scale])
    return ModelAverage(
        name=spec.name,
        members=spec.members,
        weights=weights,
        estimator=estimator,
        fingerprint=key_of("average", [e.fitted.fingerprint for e in members], weights, scale),
        key=key_of("average explanation", [j.key for e in members for j in e.jobs], weights, VERSION),
        method=f"{WEIGHTED_AVERAGE}({', '.join(e.method for e in members)})",
        exact=all(e.exact for e in members),
        output_scale=scale,
        feature_names=members[0].feature_names,
        store=store,
        shares=tuple(AverageMember(n, w, e.method, e.exact) for n, w, e in zip(spec.members, weights, members)),
    )


def _check_alike(spec: ModelSpec, members: list[ModelEntry], task: str) -> None:
    where = f"[[models]] '{spec.name}' members"
    first = members[0]
    for other in members[1:]:
        a, b = first.fitted.name, other.fitted.name
        if other.output_scale != first.output_scale:
            problem = MIXED_SCALES.format(a=a, scale_a=first.output_scale, b=b, scale_b=other.output_scale)
            raise ConfigError(where, problem, MIXED_SCALES_FIX)
        if task == "classification":
            classes_a, classes_b = (list(getattr(e.fitted.estimator, "classes_", [])) for e in (first, other))
            if classes_a != classes_b:
                problem = MIXED_CLASSES.format(a=a, classes_a=classes_a, b=b, classes_b=classes_b)
                raise ConfigError(where, problem, "average models trained on the same target")


def combined_progress(name: str, parts: Sequence[tuple[str, JobProgress]]) -> JobProgress:
    """Chunks done and total summed over the members; the state is the most telling member's."""
    done, total = sum(p.done for _, p in parts), sum(p.total for _, p in parts)
    waiting = [p.state for _, p in parts if p.state != "done"]
    if not waiting:
        return JobProgress(name, done, total, "done")
    state = min(waiting, key=lambda s: STATE_ORDER.index(s) if s in STATE_ORDER else len(STATE_ORDER))
    error = "; ".join(f"member '{m}': {p.error}" for m, p in parts if p.error)
    return JobProgress(name, done, total, state, error)


def weighted_sum(
    weights: Sequence[float], parts: Sequence[Explanation], positions: Sequence[np.ndarray]
) -> dict[str, np.ndarray]:
    """``sum_i w_i * part_i`` of values, base values and outputs, each part's rows taken at its positions."""
    arrays = {}
    for name in ARRAY_NAMES:
        total = None
        for weight, part, rows in zip(weights, parts, positions):
            term = weight * np.asarray(getattr(part, name), dtype=np.float64)[rows]
            total = term if total is None else total + term
        arrays[name] = total
    return arrays


def check_additive(name: str, arrays: Mapping[str, np.ndarray], tolerance: float = 1e-5) -> None:
    """A bug guard: a weighted sum of additive explanations is additive (to the members' own tolerance)."""
    outputs = arrays["outputs"]
    gap = float(np.max(np.abs(arrays["base_values"] + arrays["values"].sum(axis=1) - outputs), initial=0.0))
    if gap > tolerance * max(1.0, float(np.max(np.abs(outputs), initial=0.0))):
        raise RuntimeError(NOT_ADDITIVE.format(name=name, gap=gap))
