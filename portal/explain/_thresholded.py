"""The fast road of the model-agnostic method for a threshold optimizer (:mod:`models.fair_thresholds`).

The optimizer's decision depends on its base's positive-class probability and on the row's group in one
protected column. When the base is a Pipeline with a column-wise preparation (every built-in forest and
booster), the pair is too: the base's prepared matrix, plus one more prepared column, the group code, whose
origin is the protected column. Hybrid rows are then mixed in matrix space like the base's own, instead of
sending each of millions of hybrid rows through encoders, imputers and banding. Measured on the loan demo's
gradient boosting (13 columns, sampled permutations, 200 background rows, a busy two-core machine): 0.57 s a
row through the whole model, 0.14 s a row on this road, with identical values. Every batch is still checked
against the whole model's own output (additivity), so a mismatch cannot pass unnoticed.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd

from models.fair_thresholds import GroupThresholdClassifier
from portal.explain._coalitions import Prepared


def thresholded_prepared(
    model: GroupThresholdClassifier,
    background: pd.DataFrame,
    base_prepared: Callable[[object, pd.DataFrame], Prepared | None],
) -> Prepared | None:
    """The base's prepared road (``base_prepared(base, background)``) with the group code as a last column;
    None when the base has none or the protected column is not among the background's."""
    base = base_prepared(model.base, background)
    if base is None or model.column not in background.columns:
        return None
    group_origin = list(background.columns).index(model.column)

    def prepare(frame: pd.DataFrame) -> np.ndarray:
        return np.column_stack([base.prepare(frame), model.group_codes(frame).astype(np.float64)])

    def output(matrix: np.ndarray) -> np.ndarray:
        score = np.asarray(base.output(matrix[:, :-1]), dtype=np.float64)  # the base's class-1 probability
        return model.decide(score, matrix[:, -1].astype(np.int64))

    return Prepared(prepare, np.append(base.origins, group_origin), output)
