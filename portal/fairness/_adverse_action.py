"""Adverse-action reasons: for a declined applicant, the features that pushed each model toward decline.

A row is declined when its score is on the wrong side of a :class:`DecisionRule`'s threshold. Its reasons are
the features whose contributions point away from approval, most negative first, at most ``top_k`` of them
(features that helped, or did nothing, are never reasons). Contributions are the model's exact per-row
attributions (:class:`portal.results.Explanation`), in its ``output_scale``.

**Direction.** An explanation is of one output, which may be the approval class (higher approves) or the
decline class (a probability of default: higher declines). :class:`DecisionRule` says which, and every
``contribution`` reported here is *toward approval*: the explanation's value as is when higher approves,
negated otherwise. So a reason's contribution is always negative, and "most negative first" is its rank.

:func:`write_reasons_csv` streams every declined row of every model to one CSV file with the columns
:data:`COLUMNS`, a chunk of rows at a time, so 100,000 rows never build 400,000 Python objects; a text cell a
spreadsheet would run as a formula (an id or category such as ``=HYPERLINK(...)``) starts with a quote.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from portal.data import safe_frame
from portal.results import PICK_A_CLASS, Explanation, RowIndex

COLUMNS = ("id", "model", "rank", "feature", "value", "contribution", "output_scale")
TOP_K = 4
CHUNK_ROWS = 10_000

MISSING_ROWS = "{n} row(s) of '{model}' (first: '{first}') are not in the features' index; index the features by row id"
MISSING_COLUMNS = "the features lack the column(s) {columns} that '{model}' is explained in"
NO_SUCH_ROW = "no row '{row}' in the explanation of '{model}'; pick a row id it covers"
SCORE_LENGTH = "'{model}' has {rows} explained rows but {scores} scores; pass one score per explained row"


@dataclass(frozen=True)
class RowDecision:
    """One model's decision on one row: its probability of the positive class, declined or not, and why."""

    model_name: str
    score: float
    threshold: float
    declined: bool
    reasons: tuple[Reason, ...]  # the strongest pushes toward decline (shown whether or not it declined)
    output_scale: str


@dataclass(frozen=True)
class DecisionRule:
    """Declined when the score is below ``threshold`` (``higher_approves``), else when it is at least it.

    With ``higher_approves=False`` the score is of the decline side (e.g. the probability of default), and a
    row is declined when it reaches the threshold, as a classifier predicts a class at or above its threshold.
    """

    threshold: float
    higher_approves: bool = True

    def declined(self, scores: np.ndarray) -> np.ndarray:
        scores = np.asarray(scores, dtype=np.float64)
        return scores < self.threshold if self.higher_approves else scores >= self.threshold

    def toward_approval(self, values: np.ndarray) -> np.ndarray:
        """Contributions signed so that positive helps approval."""
        values = np.asarray(values, dtype=np.float64)
        return values if self.higher_approves else -values


@dataclass(frozen=True)
class Reason:
    """One reason a model declined one row: the ``rank``-th most negative contribution toward approval."""

    row_id: str
    model_name: str
    rank: int  # 1 = the strongest push toward decline
    feature: str
    value: object
    contribution: float  # toward approval, in output_scale: always negative
    output_scale: str


@dataclass(frozen=True)
class ReasonsWritten:
    """What :func:`write_reasons_csv` wrote: declined rows per model and reason lines in all."""

    declined: Mapping[str, int]
    lines: int


def top_reasons(toward_approval: np.ndarray, top_k: int = TOP_K) -> tuple[np.ndarray, np.ndarray]:
    """Per row, the positions of the ``top_k`` most negative contributions (most negative first) and a mask of
    which of them are reasons at all (negative). Ties keep the feature order."""
    toward_approval = np.atleast_2d(toward_approval)
    order = np.argsort(toward_approval, axis=1, kind="stable")[:, :top_k]
    return order, np.take_along_axis(toward_approval, order, axis=1) < 0


def reasons_for_row(
    explanation: Explanation, features: pd.DataFrame, row_id: str, rule: DecisionRule, *, top_k: int = TOP_K
) -> tuple[Reason, ...]:
    """The reasons for one row, by id (whatever its score: the caller knows whether it was declined)."""
    _check(explanation, features)
    position = RowIndex(explanation.row_ids).position(row_id)
    if position is None:
        raise ValueError(NO_SUCH_ROW.format(row=row_id, model=explanation.model_name))
    frame = next(_reason_frames(explanation, features, np.array([position]), rule, top_k, CHUNK_ROWS))
    return tuple(
        Reason(str(i), model, int(rank), str(feature), value, float(contribution), scale)
        for i, model, rank, feature, value, contribution, scale in frame.itertuples(index=False, name=None)
    )


def declined_reason_frames(
    explanation: Explanation,
    features: pd.DataFrame,
    rule: DecisionRule,
    *,
    scores: np.ndarray | None = None,
    top_k: int = TOP_K,
    chunk_rows: int = CHUNK_ROWS,
) -> Iterator[pd.DataFrame]:
    """The reasons of every declined row of one model, as frames of :data:`COLUMNS`, ``chunk_rows`` rows each.

    ``scores`` (one per explained row, in the threshold's scale) default to the explanation's outputs;
    ``features`` holds the model inputs indexed by row id (compared as text), for the ``value`` column.
    """
    _check(explanation, features)
    declined = np.flatnonzero(rule.declined(_scores(explanation, scores)))
    yield from _reason_frames(explanation, features, declined, rule, top_k, chunk_rows)


def write_reasons_csv(
    target: str | Path | TextIO,
    explanations: Sequence[Explanation],
    features: pd.DataFrame,
    rule: DecisionRule,
    *,
    scores: Mapping[str, np.ndarray] | None = None,
    top_k: int = TOP_K,
    chunk_rows: int = CHUNK_ROWS,
) -> ReasonsWritten:
    """Write the top reasons of every declined row of every model to one CSV (:data:`COLUMNS`, header first).

    Lines go model by model, row by row in each explanation's order, rank 1 first. ``scores`` maps model names
    to their scores (see :func:`declined_reason_frames`); a model missing from it is scored by its outputs.
    """
    if isinstance(target, str | Path):
        with open(target, "w", newline="", encoding="utf-8") as handle:
            return write_reasons_csv(
                handle, explanations, features, rule, scores=scores, top_k=top_k, chunk_rows=chunk_rows
            )
    target.write(",".join(COLUMNS) + "\n")
    declined, lines = {}, 0
    for explanation in explanations:
        model_scores = _scores(explanation, (scores or {}).get(explanation.model_name))
        declined[explanation.model_name] = int(rule.declined(model_scores).sum())
        options = {"scores": model_scores, "top_k": top_k, "chunk_rows": chunk_rows}
        for frame in declined_reason_frames(explanation, features, rule, **options):
            safe_frame(frame).to_csv(target, header=False, index=False, lineterminator="\n")
            lines += len(frame)
    return ReasonsWritten(declined=declined, lines=lines)


def _scores(explanation: Explanation, scores: np.ndarray | None) -> np.ndarray:
    scores = explanation.outputs if scores is None else np.asarray(scores)
    if len(scores) != explanation.n_rows:
        raise ValueError(SCORE_LENGTH.format(model=explanation.model_name, rows=explanation.n_rows, scores=len(scores)))
    return scores


def _check(explanation: Explanation, features: pd.DataFrame) -> None:
    if explanation.is_multiclass:
        raise ValueError(PICK_A_CLASS.format(model=explanation.model_name, classes=list(explanation.class_names)))
    missing = [name for name in explanation.feature_names if name not in features.columns]
    if missing:
        raise ValueError(MISSING_COLUMNS.format(columns=missing, model=explanation.model_name))


def _reason_frames(
    explanation: Explanation, features: pd.DataFrame, positions: np.ndarray, rule: DecisionRule, top_k: int, chunk: int
) -> Iterator[pd.DataFrame]:
    ids = np.asarray(explanation.row_ids).astype(str)
    where = RowIndex(features.index).find(ids[positions])
    if (where < 0).any():
        lost = ids[positions][where < 0]
        raise ValueError(MISSING_ROWS.format(n=len(lost), model=explanation.model_name, first=lost[0]))
    inputs = features[list(explanation.feature_names)]
    names = np.asarray(explanation.feature_names, dtype=object)
    for start in range(0, len(positions), chunk):
        rows, at = positions[start : start + chunk], where[start : start + chunk]
        yield _frame(
            explanation, ids[rows], rule.toward_approval(explanation.values[rows]), inputs.iloc[at], names, top_k
        )


def _frame(explanation, ids, toward, inputs: pd.DataFrame, names, top_k: int) -> pd.DataFrame:
    order, is_reason = top_reasons(toward, top_k)
    row, rank = np.nonzero(is_reason)
    column = order[row, rank]
    return pd.DataFrame(
        {
            "id": ids[row],
            "model": explanation.model_name,
            "rank": rank + 1,
            "feature": names[column],
            "value": inputs.to_numpy(dtype=object)[row, column],
            "contribution": toward[row, column],
            "output_scale": explanation.output_scale,
        },
        columns=list(COLUMNS),
    )
