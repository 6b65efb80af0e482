"""The road from the user's frame to the estimator's input, and back again for contributions.

A built-in model is a Pipeline: an optional ColumnTransformer ("prepare") and the estimator. Exact
methods explain the estimator on the matrix it sees; this module makes that matrix and sums the
contributions of its columns (one-hot parts, missing-value indicators) back to the original columns.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from portal.explain._base import UNSUPPORTED, UnsupportedModelError
from portal.explain._origins import column_origins, dense


def split_model(model: object) -> tuple[ColumnTransformer | None, object]:
    """``(preparation or None, final estimator)``; any other preparation is refused."""
    if not isinstance(model, Pipeline):
        return None, model
    *steps, (_, estimator) = model.steps
    preparing = [step for _, step in steps if step not in (None, "passthrough")]
    if preparing and (len(preparing) > 1 or not isinstance(preparing[0], ColumnTransformer)):
        kinds = " + ".join(type(step).__name__ for step in preparing)
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a Pipeline preparing with {kinds}"))
    return (preparing[0] if preparing else None), estimator


@dataclass(frozen=True, eq=False)
class Preparation:
    """The original columns, the fitted ColumnTransformer (None: the estimator takes the frame as is),
    and the original column of every column the estimator sees."""

    feature_names: tuple[str, ...]
    transformer: ColumnTransformer | None
    origins: np.ndarray  # (n_prepared,) positions in feature_names

    @classmethod
    def of(cls, model: object, transformer: ColumnTransformer | None, background: pd.DataFrame) -> Preparation:
        """Learn the mapping once, from the fitted model and the background rows."""
        names = tuple(getattr(model, "feature_names_in_", background.columns))
        if transformer is None:
            return cls(names, None, np.arange(len(names)))
        return cls(names, transformer, column_origins(transformer, background.loc[:, list(names)]))

    def prepare(self, X: pd.DataFrame) -> pd.DataFrame | np.ndarray:
        """What the estimator takes: the original columns in its order, transformed if it has a preparation."""
        frame = X.loc[:, list(self.feature_names)]
        return frame if self.transformer is None else dense(self.transformer.transform(frame))

    def sum_back(self, values: np.ndarray) -> np.ndarray:
        """Contributions per prepared column -> per original column (dropped columns get zero)."""
        if self.transformer is None:
            return np.asarray(values, dtype=np.float64)
        attribution = np.zeros((self.origins.size, len(self.feature_names)))
        attribution[np.arange(self.origins.size), self.origins] = 1.0
        return np.asarray(values, dtype=np.float64) @ attribution
