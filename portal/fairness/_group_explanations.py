"""Explanations by protected group: each feature's mean contribution per group, for one model.

The mean *signed* contribution says which way a feature pushes a group on average ("being under 25 lowers the
approval score by 0.3 log-odds"); the mean *absolute* contribution says how much the model leans on it there.
Where the protected column is itself a model input, its own row (:meth:`GroupExplanation.contribution_of`) is the
direct answer to "does the model use age?".

Rows: every row the explanation covers (all data rows once its job is done; the rows so far, or the common
scale's seeded sample, before), not only the held-out ones: attributions need no ground truth, and more rows
make steadier means. ``n_rows`` and ``sample_of`` say which.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from portal.results import Explanation

LENGTHS = "the explanation of '{model}' has {rows} rows but {labels} group labels; pass one label per row"


@dataclass(frozen=True, eq=False)
class GroupExplanation:
    """Mean contributions (groups, features) of one model, in ``output_scale``, for one protected attribute."""

    model_name: str
    attribute: str
    groups: tuple[str, ...]
    counts: np.ndarray  # (groups,) rows per group
    feature_names: tuple[str, ...]
    mean: np.ndarray  # (groups, features) mean signed contribution
    mean_abs: np.ndarray  # (groups, features) mean |contribution|
    mean_output: np.ndarray  # (groups,) mean model output
    base_value: float  # the mean base value over all the rows
    output_scale: str
    n_rows: int
    sample_of: int = 0  # the rows are a seeded sample of this many data rows (0: not a sample)

    def contribution_of(self, feature: str) -> np.ndarray:
        """A feature's mean signed contribution in each group (e.g. the protected column's own, if an input)."""
        return self.mean[:, self.feature_names.index(feature)]


def explain_by_group(
    explanation: Explanation, labels: np.ndarray, *, attribute: str, order: Sequence[str] = ()
) -> GroupExplanation:
    """Mean contributions per group of a 2-D explanation; ``labels`` holds the group of each of its rows."""
    if explanation.is_multiclass:
        raise ValueError(f"pick a class of the explanation of '{explanation.model_name}' first (for_class)")
    labels = np.asarray(labels).astype(str)
    if len(labels) != explanation.n_rows:
        raise ValueError(LENGTHS.format(model=explanation.model_name, rows=explanation.n_rows, labels=len(labels)))
    present = set(labels.tolist())
    groups = tuple(g for g in order if g in present) + tuple(sorted(present - set(order)))
    members = labels[None, :] == np.asarray(groups, dtype=str)[:, None]  # (groups, rows)
    counts = members.sum(axis=1)
    weights = members / np.maximum(counts, 1)[:, None]
    values = np.asarray(explanation.values, dtype=np.float64)
    return GroupExplanation(
        model_name=explanation.model_name,
        attribute=attribute,
        groups=groups,
        counts=counts,
        feature_names=explanation.feature_names,
        mean=weights @ values,
        mean_abs=weights @ np.abs(values),
        mean_output=weights @ np.asarray(explanation.outputs, dtype=np.float64),
        base_value=float(np.mean(explanation.base_values)) if explanation.n_rows else float("nan"),
        output_scale=explanation.output_scale,
        n_rows=explanation.n_rows,
        sample_of=explanation.sample_of,
    )
