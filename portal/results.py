"""Result values: what the engine computes and every view draws.

Results are frozen dataclasses holding named arrays plus the facts a reader needs to trust them: the
output scale the numbers are in, the method that produced them and whether it is exact, and the
fingerprints of the model and data they came from. Figures take these values, never models, so the
same figure serves the page and a static report.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property

import numpy as np
import pandas as pd

#: Output scales an explanation can be in. Numbers on different scales are never compared unlabelled.
PROBABILITY = "probability"
LOG_ODDS = "log-odds"
RAW = "raw"
#: Multi-class raw scores, one per class; the probabilities are their softmax (not log-odds of one class).
LOGIT = "logit"
OUTPUT_SCALES = (PROBABILITY, LOG_ODDS, RAW, LOGIT)

NOT_MULTICLASS = "the explanation of '{model}' has no class axis"
UNKNOWN_CLASS = "no class '{name}' in the explanation of '{model}'; its classes are {classes}"
PICK_A_CLASS = "the explanation of '{model}' is multi-class: pick one of {classes} with for_class() first"


@dataclass(frozen=True)
class AverageMember:
    """One model inside an average: its name, its weight (an average's weights sum to 1) and its method."""

    name: str
    weight: float
    method: str
    exact: bool


@dataclass(frozen=True)
class Provenance:
    """Where an explanation came from, enough to reproduce it a year later.

    ``members``: for an average (``kind = "average"``, a soft VotingClassifier, a VotingRegressor), the models
    it averages and their weights, so a label can say what the explanation is an average of; empty otherwise.
    """

    model_fingerprint: str
    data_fingerprint: str
    method: str
    exact: bool
    library_versions: Mapping[str, str] = field(default_factory=dict)
    members: tuple[AverageMember, ...] = ()


@dataclass(frozen=True, eq=False)
class ExplanationBatch:
    """Per-row contributions of one model for a block of rows, in the model's original columns.

    Invariant: ``base_values + values.sum(axis=1) == outputs`` in ``output_scale``.

    Regression and binary classification (class 1) are 2-D as shown. A multi-class explanation has one
    slice per class on a trailing axis: values ``(n_rows, n_features, n_classes)``, base_values and outputs
    ``(n_rows, n_classes)``, and ``class_names`` names the slices in order (empty otherwise).
    """

    values: np.ndarray  # (n_rows, n_features) or (n_rows, n_features, n_classes)
    base_values: np.ndarray  # (n_rows,) or (n_rows, n_classes)
    outputs: np.ndarray  # (n_rows,) or (n_rows, n_classes)
    class_names: tuple[str, ...] = ()


@dataclass(frozen=True, eq=False)
class Explanation:
    """One model's explanation of a whole data set, feature by original column.

    Multi-class explanations carry a trailing class axis named by ``class_names`` (as
    :class:`ExplanationBatch`); :meth:`for_class` gives the 2-D explanation of one class, which every
    figure takes. ``explained_class`` says which class a 2-D classification explanation is about, when known.
    ``sample_of`` above zero says the rows are a seeded sample of that many data rows (views say "n of N").
    """

    model_name: str
    feature_names: tuple[str, ...]
    row_ids: np.ndarray  # (n_rows,) the id column's values, as strings
    values: np.ndarray  # (n_rows, n_features)
    base_values: np.ndarray  # (n_rows,)
    outputs: np.ndarray  # (n_rows,)
    output_scale: str
    provenance: Provenance
    class_names: tuple[str, ...] = ()
    explained_class: str = ""
    sample_of: int = 0  # the rows are a seeded sample of this many data rows (0: not a sample)

    @property
    def n_rows(self) -> int:
        return int(self.values.shape[0])

    @property
    def is_multiclass(self) -> bool:
        return self.values.ndim == 3

    def mean_abs(self) -> np.ndarray:
        """Global importance: mean |contribution| per feature (per feature and class when multi-class)."""
        return np.abs(self.values).mean(axis=0)

    def share_of_total(self) -> np.ndarray:
        """Each feature's share of the model's total mean |contribution|: scale-free, sums to 1 (per class)."""
        importance = self.mean_abs()
        total = importance.sum(axis=0)
        return np.divide(importance, total, out=np.array(importance, dtype=np.float64), where=total > 0)

    def for_class(self, name: str) -> Explanation:
        """The 2-D explanation of one class of a multi-class explanation, by class name."""
        if not self.is_multiclass:
            raise ValueError(NOT_MULTICLASS.format(model=self.model_name))
        if name not in self.class_names:
            raise ValueError(UNKNOWN_CLASS.format(name=name, model=self.model_name, classes=list(self.class_names)))
        k = self.class_names.index(name)
        return replace(
            self,
            values=self.values[:, :, k],
            base_values=self.base_values[:, k],
            outputs=self.outputs[:, k],
            class_names=(),
            explained_class=name,
        )

    def row(self, index: int) -> LocalExplanation:
        """The explanation of one row, by position (of one class: see :meth:`for_class`)."""
        if self.is_multiclass:
            raise ValueError(PICK_A_CLASS.format(model=self.model_name, classes=list(self.class_names)))
        return LocalExplanation(
            model_name=self.model_name,
            feature_names=self.feature_names,
            row_id=str(self.row_ids[index]),
            values=np.asarray(self.values[index]),
            base_value=float(self.base_values[index]),
            output=float(self.outputs[index]),
            output_scale=self.output_scale,
            provenance=self.provenance,
            explained_class=self.explained_class,
        )


@dataclass(frozen=True, eq=False)
class LocalExplanation:
    """One model's explanation of one row (of the class ``explained_class`` names, when known)."""

    model_name: str
    feature_names: tuple[str, ...]
    row_id: str
    values: np.ndarray  # (n_features,)
    base_value: float
    output: float
    output_scale: str
    provenance: Provenance
    explained_class: str = ""


@dataclass(frozen=True, eq=False)
class InteractionValues:
    """SHAP interaction values of one tree model for a sample of rows, in original columns on both axes.

    ``values[r, i, j]`` (i != j) is half the interaction of columns i and j in row r and ``values[r, i, i]``
    column i's main effect, so summing over the last feature axis gives the row's SHAP values.
    Invariant: ``base_values + values.sum(axis=(1, 2)) == outputs`` in ``output_scale``. Multi-class:
    a trailing class axis, as in :class:`ExplanationBatch`.
    """

    feature_names: tuple[str, ...]
    values: np.ndarray  # (n_rows, n_features, n_features) or (n_rows, n_features, n_features, n_classes)
    base_values: np.ndarray  # (n_rows,) or (n_rows, n_classes)
    outputs: np.ndarray  # (n_rows,) or (n_rows, n_classes)
    output_scale: str
    method: str
    class_names: tuple[str, ...] = ()

    def shap_values(self) -> np.ndarray:
        """Each row's SHAP values: the interaction values summed over the second feature axis."""
        return self.values.sum(axis=2)


@dataclass(frozen=True, eq=False)
class ModelInteractions:
    """One model's interaction values on a seeded sample of the data's rows: what /interactions draws.

    ``row_ids`` name the sampled rows in the order of ``values``' first axis; ``total_rows`` is how many
    rows the sample was drawn from, so views can say "n of N rows".
    """

    model_name: str
    row_ids: np.ndarray  # (n_rows,)
    total_rows: int
    values: InteractionValues
    provenance: Provenance

    @property
    def n_rows(self) -> int:
        return int(self.values.values.shape[0])


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


class RowIndex:
    """Row ids (as text) and where each sits: the one way an id becomes a position.

    A project keeps one over its data rows; :func:`shared_rows` builds them over explanations' rows. Ids are
    unique (the data checks its id column). A lookup is a hash join (pandas), and ids in the index's own
    order cost one comparison: a finished explanation's 100k ids need no lookup at all.
    """

    def __init__(self, row_ids: Sequence[object] | np.ndarray) -> None:
        self.row_ids = np.asarray(row_ids).astype(str)

    def __len__(self) -> int:
        return len(self.row_ids)

    @cached_property
    def _index(self) -> pd.Index:
        return pd.Index(self.row_ids)

    def find(self, row_ids: Sequence[object] | np.ndarray) -> np.ndarray:
        """The position of each id, -1 where an id is not here."""
        if same_row_ids(row_ids, self.row_ids):
            return np.arange(len(self.row_ids))
        return self._index.get_indexer(np.asarray(row_ids).astype(str))

    def positions(self, row_ids: Sequence[object] | np.ndarray) -> np.ndarray:
        """The position of each id; KeyError naming the first id that is not here."""
        found = self.find(row_ids)
        missing = np.flatnonzero(found < 0)
        if missing.size:
            raise KeyError(str(np.asarray(row_ids)[missing[0]]))
        return found

    def position(self, row_id: object) -> int | None:
        """Where one id sits, or None for an id that is not here."""
        found = int(self.find([str(row_id)])[0])
        return None if found < 0 else found


def shared_rows(explanations: Sequence[Explanation]) -> tuple[np.ndarray, list[np.ndarray]]:
    """The row ids (as strings) every explanation covers, in the first one's order, and where each explanation
    holds them: what cross-model views (and averages of partial members) compare while some jobs are partial.

    Explanations of the same rows in the same order (finished jobs, a cohort's cut of them) cost one comparison
    each and get the identity; only partial explanations pay for lookups, each a hash join (``np.isin`` on text
    ids took minutes for three members' 50,000 rows).
    """
    if not explanations:
        raise ValueError("no explanations to compare")
    first = explanations[0].row_ids
    if all(same_row_ids(e.row_ids, first) for e in explanations[1:]):
        every = np.arange(len(first))
        return np.asarray(first).astype(str), [every] * len(explanations)
    indexes = [RowIndex(e.row_ids) for e in explanations]
    found = [index.find(indexes[0].row_ids) for index in indexes[1:]]
    keep = np.logical_and.reduce([f >= 0 for f in found])
    return indexes[0].row_ids[keep], [np.flatnonzero(keep), *(f[keep] for f in found)]


def same_row_ids(a: np.ndarray, b: np.ndarray) -> bool:
    """Whether two id arrays name the same rows in the same order (ids compared as strings)."""
    if a is b:
        return True
    a, b = np.asarray(a), np.asarray(b)
    if a.shape != b.shape:
        return False
    if np.array_equal(a, b):  # object ids against str ids compare as they are, without a copy
        return True
    mixed = a.dtype.kind != b.dtype.kind or a.dtype.kind == "O"  # 1 and "1" name the same row
    return mixed and bool(np.array_equal(a.astype(str), b.astype(str)))


@dataclass(frozen=True)
class ProtectedColumn:
    """A ``[data] protected`` column, and whether the models see it (it is listed among their features)."""

    name: str
    is_input: bool


@dataclass(frozen=True)
class ProjectFacts:
    """The plain facts of a project, as values: what the overview shows and the audit records.

    Pages read these fields, never a display table by its labels.
    """

    title: str
    source: str
    target: str
    task: str  # "classification" or "regression"
    positive: str  # the positive class of a two-class target; "" otherwise
    classes: tuple[str, ...]  # a classification target's classes, in code order
    rows: int
    held_out_rows: int
    features: tuple[str, ...]
    protected: tuple[ProtectedColumn, ...]
    data_fingerprint: str
    time: str = ""  # the time column ([data] time), "" without one: cohorts may name its dates

    @property
    def is_classification(self) -> bool:
        return self.task == "classification"

    @property
    def is_multiclass(self) -> bool:
        return self.is_classification and len(self.classes) > 2
