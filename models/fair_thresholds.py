"""A fitted classifier with a decision rule per protected group: what ``kind = "threshold_optimizer"`` predicts with.

fairlearn's ``ThresholdOptimizer`` post-processes a classifier: for every group of a protected attribute it
picks thresholds on the base's positive-class probability, and, to meet the fairness constraint exactly, a
random mixture of two of them (for equalized odds also a chance ``p_ignore`` of a constant). Its ``predict``
draws that randomness anew on every call. The portal needs a model whose outputs stay the same from call to
call (explanations are Shapley values of a fixed function; metrics and caches must agree across runs), so
:class:`GroupThresholdClassifier` predicts the **expected decision**: ``predict_proba(X)[:, 1]`` is the
probability that the optimizer's randomised rule says yes, the numbers of fairlearn's ``_pmf_predict``. A
group's expected selection rate is the mean of that column, which is what the constraint is met for.
``predict`` takes the more probable decision (the positive one at exactly 1/2): deterministic, but a hard
rule meets the constraint only approximately, so fairness figures read the probability column.

Why our own class rather than the fitted ``ThresholdOptimizer``: the fitted optimizer keeps pandas frames of
its trade-off curves, ``Bunch`` objects and fairlearn types, which skops would only load by trusting all of
them. This class holds the base model and plain numbers (the thresholds, operators and probabilities from
the optimizer's documented ``interpolation_dict``), so it saves with skops like every other fitted model and
loads with exactly one extra trusted type, :data:`TRUSTED_TYPE`.

The model takes the ordinary feature frame: it reads each row's group from its protected ``column`` (which
must therefore be a model input), banding numbers by the ``edges`` frozen in at fit time.

    model = GroupThresholdClassifier.from_optimizer(optimizer, column="age", edges=(25, 40, 60), band_labels=(...))
    model.predict_proba(X)[:, 1]   # == optimizer._pmf_predict(X, sensitive_features=groups)[:, 1]
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

#: The type name a project's job lists in ``trusted`` so that skops loads this model's file.
TRUSTED_TYPE = f"{__name__}.GroupThresholdClassifier"
MISSING = "missing"
#: Columns of :attr:`GroupThresholdClassifier.rules`, one row per group: with probability ``p0`` apply
#: ``score > t0`` (``above0`` 1) or ``score < t0`` (``above0`` 0), with ``p1`` the second; then keep that
#: with probability ``1 - p_ignore``, else say ``constant``.
RULE_COLUMNS = ("p0", "above0", "t0", "p1", "above1", "t1", "p_ignore", "constant")


class GroupThresholdClassifier:
    """The expected decision of a fitted fairlearn ThresholdOptimizer, deterministic (see the module docstring).

    Parameters
    ----------
    base : the fitted classifier whose positive-class probability (``predict_proba(X)[:, 1]``) is thresholded.
    column : the protected column the groups come from; a column of the frames the model is given.
    edges : band edges of a numeric column, ascending; empty when the column's values are the groups.
    band_labels : one label per band (``len(edges) + 1``), for ``edges[i-1] <= value < edges[i]``.
    groups : the group labels the optimizer saw, in the order of ``rules``.
    rules : ``(len(groups), len(RULE_COLUMNS))`` numbers. A group never seen in training is never selected,
        as in fairlearn.
    """

    #: Its probability is the chance of a yes, not a score to threshold: group metrics use its drawn decisions.
    randomised_decisions = True

    def __init__(
        self,
        base: Any,
        *,
        column: str,
        edges: Sequence[float],
        band_labels: Sequence[str],
        groups: Sequence[str],
        rules: np.ndarray,
    ) -> None:
        rules = np.asarray(rules, dtype=np.float64)
        if rules.shape != (len(groups), len(RULE_COLUMNS)):
            raise ValueError(f"rules must have shape ({len(groups)}, {len(RULE_COLUMNS)}), not {rules.shape}")
        if edges and len(band_labels) != len(edges) + 1:
            raise ValueError(f"{len(edges)} edges need {len(edges) + 1} band labels, not {len(band_labels)}")
        self.base = base
        self.column = column
        self.edges = tuple(float(e) for e in edges)
        self.band_labels = tuple(str(label) for label in band_labels)
        self.groups = tuple(str(g) for g in groups)
        self.rules = rules
        self.classes_ = np.asarray(base.classes_)
        for name in ("feature_names_in_", "n_features_in_"):  # so column checks and explainers see the base's
            if hasattr(base, name):
                setattr(self, name, getattr(base, name))

    @classmethod
    def from_optimizer(
        cls, optimizer: Any, *, column: str, edges: Sequence[float] = (), band_labels: Sequence[str] = ()
    ) -> GroupThresholdClassifier:
        """Read a fitted ``ThresholdOptimizer``'s per-group rules (its documented ``interpolation_dict``)."""
        interpolation = optimizer.interpolated_thresholder_.interpolation_dict
        groups = [str(g) for g in interpolation]
        rules = np.array([_rule(interpolation[g]) for g in interpolation], dtype=np.float64)
        base = optimizer.estimator_
        return cls(base, column=column, edges=edges, band_labels=band_labels, groups=groups, rules=rules)

    def group_labels(self, X: pd.DataFrame) -> np.ndarray:
        """Each row's group in ``column`` (see :func:`groups_of`)."""
        return groups_of(X[self.column], self.edges, self.band_labels)

    def group_codes(self, X: pd.DataFrame) -> np.ndarray:
        """Each row's position in ``groups``; -1 for a group the optimizer never saw."""
        labels = self.group_labels(X)
        codes = np.full(len(labels), -1, dtype=np.int64)
        for code, group in enumerate(self.groups):
            codes[labels == group] = code
        return codes

    def predict_proba(self, X: pd.DataFrame) -> np.ndarray:
        """``(n, 2)``: the chances of the negative and the positive decision, averaged over the randomisation."""
        positive = self.decide(np.asarray(self.base.predict_proba(X), dtype=np.float64)[:, 1], self.group_codes(X))
        return np.column_stack([1.0 - positive, positive])

    def decide(self, score: np.ndarray, codes: np.ndarray) -> np.ndarray:
        """The chance of a yes from the base's positive-class probability and the row's group code.

        Apart from :meth:`predict_proba` so the model-agnostic explainer can evaluate it on prepared matrices.
        """
        positive = np.zeros(len(score))
        for code, (p0, above0, t0, p1, above1, t1, p_ignore, constant) in enumerate(self.rules):
            rows = codes == code
            s = score[rows]
            decided = p0 * _compare(s, above0, t0) + p1 * _compare(s, above1, t1)
            positive[rows] = p_ignore * constant + (1.0 - p_ignore) * decided
        return positive

    def predict(self, X: pd.DataFrame) -> np.ndarray:
        """The more probable decision (the positive class when even): deterministic, unlike fairlearn's draw."""
        return self.classes_[(self.predict_proba(X)[:, 1] >= 0.5).astype(int)]


def groups_of(values: pd.Series, edges: Sequence[float], labels: Sequence[str]) -> np.ndarray:
    """Group labels of a column, as :mod:`portal.fairness` makes them (the portal checks they agree when it fits):
    numbers banded by ``edges`` (closed on the left), other numbers as ``f"{v:g}"``, anything else as its text,
    and ``"missing"`` for a missing value."""
    empty = pd.isna(values).to_numpy()
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if edges:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
        bands = np.searchsorted(np.asarray(edges, dtype=np.float64), np.where(empty, 0.0, numbers), side="right")
        out = np.asarray(labels, dtype=object)[bands]
    elif numeric:
        out = np.array([f"{v:g}" for v in values.to_numpy(dtype=np.float64)], dtype=object)
    else:
        out = values.astype(object).to_numpy().astype(str).astype(object)
    out[empty] = MISSING
    return out.astype(str)


def _rule(interpolation: Any) -> list[float]:
    operations = (interpolation["operation0"], interpolation["operation1"])
    if any(op.operator not in (">", "<") for op in operations):
        raise ValueError(f"unknown threshold operators: {[op.operator for op in operations]}")
    p_ignore = float(interpolation.get("p_ignore", 0.0))
    constant = float(interpolation.get("prediction_constant", 0.0))
    first, second = operations
    return [
        float(interpolation["p0"]),
        float(first.operator == ">"),
        float(first.threshold),
        float(interpolation["p1"]),
        float(second.operator == ">"),
        float(second.threshold),
        p_ignore,
        constant,
    ]


def _compare(score: np.ndarray, above: float, threshold: float) -> np.ndarray:
    return score > threshold if above else score < threshold
