"""The road from the user's frame to the estimator's input, and back again for contributions.

A model is a bare estimator or a Pipeline: preparation steps (a ColumnTransformer, then perhaps a
scaler or a selector) and the estimator. Model-specific methods explain the estimator on the matrix it
sees; this module makes that matrix and sums the contributions of its columns (one-hot parts,
missing-value indicators) back to the original columns. Each step's mapping is learnt on its own: a
ColumnTransformer's from its transformers (``_origins``), any other step's by probing it one input
column at a time; the mappings then compose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sklearn.compose import ColumnTransformer
from sklearn.pipeline import Pipeline

from portal.explain._base import UNSUPPORTED, UnsupportedModelError
from portal.explain._origins import block_origins, column_origins, dense


def split_model(model: object) -> tuple[Pipeline | None, object]:
    """``(the preparation steps as a Pipeline or None, final estimator)``."""
    if not isinstance(model, Pipeline):
        return None, model
    steps = [(name, step) for name, step in model.steps[:-1] if step not in (None, "passthrough")]
    return (Pipeline(steps) if steps else None), model.steps[-1][1]


@dataclass(frozen=True, eq=False)
class Preparation:
    """The original columns, the fitted preparation (None: the estimator takes the frame as is), and the
    original column of every column the estimator sees."""

    feature_names: tuple[str, ...]
    transformer: Pipeline | None
    origins: np.ndarray  # (n_prepared,) positions in feature_names

    @classmethod
    def of(cls, model: object, transformer: Pipeline | None, background: pd.DataFrame) -> Preparation:
        """Learn the mapping once, from the fitted model and the background rows."""
        names = tuple(getattr(model, "feature_names_in_", background.columns))
        if transformer is None:
            return cls(names, None, np.arange(len(names)))
        return cls(names, transformer, chained_origins(transformer, background.loc[:, list(names)]))

    def prepare(self, X: pd.DataFrame) -> pd.DataFrame | np.ndarray:
        """What the estimator takes: the original columns in its order, transformed if it has a preparation."""
        frame = X.loc[:, list(self.feature_names)]
        return frame if self.transformer is None else _as_matrix(self.transformer.transform(frame))

    def sum_back(self, values: np.ndarray) -> np.ndarray:
        """Contributions per prepared column -> per original column (dropped columns get zero).

        The prepared columns are axis 1; a trailing class axis is carried along.
        """
        values = np.asarray(values, dtype=np.float64)
        if self.transformer is None:
            return values
        return np.moveaxis(np.moveaxis(values, 1, -1) @ self.attribution(), -1, 1)

    def attribution(self) -> np.ndarray:
        """``(n_prepared, n_original)``: 1 where a prepared column came from an original column."""
        attribution = np.zeros((self.origins.size, len(self.feature_names)))
        attribution[np.arange(self.origins.size), self.origins] = 1.0
        return attribution


def chained_origins(steps: Pipeline, background: pd.DataFrame) -> np.ndarray:
    """For every output column of the fitted ``steps``, the position of its original column."""
    origins = np.arange(background.shape[1])
    data: Any = background
    for name, step in steps.steps:
        if isinstance(step, ColumnTransformer):
            own = column_origins(step, _as_frame(data))
        else:
            own = _step_origins(name, step, data)
        origins = origins[own]
        data = _as_matrix(step.transform(data))
    return origins


def _step_origins(name: str, step: Any, data: pd.DataFrame | np.ndarray) -> np.ndarray:
    """A step that is not a ColumnTransformer, probed as one transformer fed every column it gets."""
    try:
        width = _as_matrix(step.transform(data)).shape[1]
        return block_origins(name, _Fed(step, isinstance(data, pd.DataFrame)), _as_frame(data), width)
    except ValueError as error:  # it mixes columns (PCA, polynomial features): nothing to attribute
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a Pipeline step '{name}': {error}")) from error


@dataclass(frozen=True)
class _Fed:
    """A fitted step, fed what it was fitted on: a frame, or the plain matrix the step before made."""

    step: Any
    takes_frame: bool

    def transform(self, frame: pd.DataFrame) -> Any:
        return self.step.transform(frame if self.takes_frame else frame.to_numpy())

    def __getattr__(self, name: str) -> Any:  # categories_ and steps, for the probes
        return getattr(self.step, name)


def _as_frame(data: pd.DataFrame | np.ndarray) -> pd.DataFrame:
    return data if isinstance(data, pd.DataFrame) else pd.DataFrame(data)


def _as_matrix(data: Any) -> pd.DataFrame | np.ndarray:
    """A step's output, densified; frames (``set_output(transform="pandas")``) stay frames."""
    return data if isinstance(data, pd.DataFrame) else dense(data)
