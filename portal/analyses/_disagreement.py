"""The rows where models disagree most: in what they predict, or in the reasons they give.

A team lead choosing between models wants to read the cases where the choice matters. Three measures per row,
over the rows every model has explained:

- ``prediction_spread``: highest minus lowest model output, in one scale. Outputs in log-odds are turned into
  probabilities first (exactly: the sigmoid of a binary model's own log-odds is its probability), so a forest in
  probability and a booster in log-odds compare; other mixes (units against probabilities) raise.
- ``top_reasons_differ``: the models do not name the same feature as their biggest reason (largest |contribution|).
- ``sign_conflicts``: how many features that are among some model's top three reasons push the row one way in
  one model and the other way in another.

    table = disagreement_rows([rf_explanation, gb_explanation], by="prediction", top=50)
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from portal.results import LOG_ODDS, PROBABILITY, Explanation, shared_rows

ORDERINGS = ("prediction", "reasons")
TOP_REASONS = 3


@dataclass(frozen=True, eq=False)
class DisagreementTable:
    """Rows ranked by disagreement, most first; per-model arrays are (n_rows, n_models) in ``model_names`` order."""

    model_names: tuple[str, ...]
    output_scale: str
    row_ids: np.ndarray  # (n_rows,)
    outputs: np.ndarray  # (n_rows, n_models)
    prediction_spread: np.ndarray  # (n_rows,)
    top_features: np.ndarray  # (n_rows, n_models) feature names, str
    top_reasons_differ: np.ndarray  # (n_rows,) bool
    sign_conflicts: np.ndarray  # (n_rows,) int
    rows_compared: int  # rows every model has explained, before taking the top

    def records(self) -> list[dict[str, object]]:
        """One plain dict per row, for a table: id, each model's output and top reason, the measures."""
        records = []
        for r, row_id in enumerate(self.row_ids):
            record: dict[str, object] = {"row": str(row_id), "spread": float(self.prediction_spread[r])}
            for m, name in enumerate(self.model_names):
                record[f"{name}: output"] = float(self.outputs[r, m])
                record[f"{name}: top reason"] = str(self.top_features[r, m])
            record["top reasons differ"] = bool(self.top_reasons_differ[r])
            record["sign conflicts"] = int(self.sign_conflicts[r])
            records.append(record)
        return records


def disagreement_rows(
    explanations: Sequence[Explanation], *, by: str = "prediction", top: int = 50
) -> DisagreementTable:
    """The ``top`` rows where the models disagree most, ranked ``by`` "prediction" spread or by "reasons".

    Ranking by reasons puts rows whose top reasons differ first, then more sign conflicts, then larger spread.
    Each explanation must be 2-D (one class: see :meth:`Explanation.for_class`) over the same features.
    """
    if by not in ORDERINGS:
        raise ValueError(f"by must be one of {ORDERINGS}, not {by!r}")
    if len(explanations) < 2:
        raise ValueError("disagreement needs at least two models")
    _check_comparable(explanations)
    ids, positions = shared_rows(explanations)
    scale = shared_scale(explanations)
    outputs = np.stack(
        [in_scale(np.asarray(e.outputs)[p], e.output_scale, scale) for e, p in zip(explanations, positions)], axis=1
    )  # (n, m)
    spread = outputs.max(axis=1) - outputs.min(axis=1)
    if by == "prediction":  # the reasons of the rows shown only: at 100k rows, ranking all of them costs 0.2 s
        order = np.lexsort((np.arange(len(ids)), -spread))[:top]
        biggest, differ, conflicts = _reasons(_values(explanations, [p[order] for p in positions]))
        shown = slice(None)
    else:
        biggest, differ, conflicts = _reasons(_values(explanations, positions))
        order = shown = np.lexsort((np.arange(len(ids)), -spread, -conflicts, ~differ))[:top]
    names = np.asarray(explanations[0].feature_names, dtype=object)
    return DisagreementTable(
        model_names=tuple(e.model_name for e in explanations),
        output_scale=scale,
        row_ids=ids[order],
        outputs=outputs[order],
        prediction_spread=spread[order],
        top_features=names[biggest[shown]],
        top_reasons_differ=differ[shown],
        sign_conflicts=conflicts[shown],
        rows_compared=len(ids),
    )


def _values(explanations: Sequence[Explanation], positions: Sequence[np.ndarray]) -> np.ndarray:
    """The models' contributions in the rows ``positions`` name, one model a slab: (m, n, f)."""
    return np.stack([np.asarray(e.values)[p] for e, p in zip(explanations, positions)])


def _reasons(values: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """From (m, n, f) contributions, per row: each model's biggest reason (a feature position, (n, m)), whether
    the models' biggest reasons differ, and the sign conflicts among their top reasons."""
    size = np.abs(values)
    biggest = size.argmax(axis=2).T
    return biggest, (biggest != biggest[:, :1]).any(axis=1), _sign_conflicts(values, size)


def _check_comparable(explanations: Sequence[Explanation]) -> None:
    first = explanations[0]
    for e in explanations:
        if e.is_multiclass:
            raise ValueError(f"the explanation of '{e.model_name}' is multi-class: pick a class with for_class() first")
        if e.feature_names != first.feature_names:
            raise ValueError(f"'{e.model_name}' explains other features than '{first.model_name}'")


def shared_scale(explanations: Sequence[Explanation]) -> str:
    """The one scale the outputs are compared in: theirs if they share it, probability for probability/log-odds."""
    scales = {e.output_scale for e in explanations}
    if len(scales) == 1:
        return scales.pop()
    if scales == {PROBABILITY, LOG_ODDS}:
        return PROBABILITY
    first = explanations[0]
    other = next(e for e in explanations if e.output_scale != first.output_scale)
    raise ValueError(
        f"'{first.model_name}' is in {first.output_scale} and '{other.model_name}' in {other.output_scale}: "
        "compare them in the common scale"
    )


def in_scale(outputs: np.ndarray, scale: str, target: str) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-outputs)) if scale == LOG_ODDS and target == PROBABILITY else outputs


def _sign_conflicts(values: np.ndarray, size: np.ndarray) -> np.ndarray:
    """Per row: features among any model's top reasons that push up in one model and down in another."""
    conflict = (values.max(axis=0) > 0) & (values.min(axis=0) < 0)  # (n, f); as the signs' max and min, NaN too
    return (conflict & _top_reasons(size, TOP_REASONS)).sum(axis=1)


def _top_reasons(size: np.ndarray, k: int) -> np.ndarray:
    """(n, f): whether each feature is among some model's ``k`` biggest |contributions| (``size``, (m, n, f)).

    A feature is among a model's top k when it is at least the k-th biggest, read from one vectorised sort (at
    100k rows, twice as fast as ranking every row's features with np.argsort). Where the k-th and the next
    biggest tie, that test would take both, so those rows are ranked with np.argsort as before, which breaks the
    tie the way it always did.
    """
    n_models, n_rows, n_features = size.shape
    if k >= n_features:
        return np.ones((n_rows, n_features), dtype=bool)
    ranked = np.sort(-size, axis=2)
    is_top = (-size <= ranked[:, :, k - 1 : k]).any(axis=0)
    tied = (ranked[:, :, k - 1] == ranked[:, :, k]).any(axis=0)
    if tied.any():
        top = np.argsort(-size[:, tied], axis=2)[:, :, :k]  # (m, rows tied, k)
        rows = np.broadcast_to(np.arange(top.shape[1])[np.newaxis, :, np.newaxis], top.shape)
        fixed = np.zeros((top.shape[1], n_features), dtype=bool)
        fixed[rows.reshape(-1), top.reshape(-1)] = True
        is_top[tied] = fixed
    return is_top
