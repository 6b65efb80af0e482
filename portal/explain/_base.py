"""What every exact explainer promises, and the one check every batch passes before it leaves."""

from __future__ import annotations

from typing import Protocol

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from portal.results import ExplanationBatch

TREE_SHAP = "tree_shap_path_dependent"
EBM_SHAPLEY = "ebm_additive_shapley"
TASKS = ("classification", "regression")

UNSUPPORTED = (
    "cannot explain {kind} exactly; supported: RandomForest, ExtraTrees, GradientBoosting and "
    "HistGradientBoosting classifiers and regressors, ExplainableBoosting models (binary or regression), "
    "bare or after one ColumnTransformer in a Pipeline"
)
NOT_ADDITIVE = "{method} broke additivity by {gap:.3g} on {kind}: base + contributions != model output"
WRONG_TASK = "the model is a {kind} but the task is '{task}'"


class UnsupportedModelError(ValueError):
    """The model (or its preparation) has no exact explanation here; the message says what does."""


class ModelExplainer(Protocol):
    """Explains one fitted model exactly, in the original columns of the frame the model takes."""

    method: str
    exact: bool
    output_scale: str
    feature_names: tuple[str, ...]

    def explain(self, X: pd.DataFrame) -> ExplanationBatch: ...


def check_task(estimator: object, task: str) -> None:
    """A classifier explained as a regression (or the reverse) would label numbers with the wrong scale."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, not '{task}'")
    kind = type(estimator).__name__
    if is_classifier(estimator) != (task == "classification"):
        raise ValueError(WRONG_TASK.format(kind=kind, task=task))
    if task == "classification" and len(getattr(estimator, "classes_", ())) != 2:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a {kind} that is not binary"))
    if getattr(estimator, "n_outputs_", 1) != 1:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a {kind} with several outputs"))


def additive_batch(
    values: np.ndarray, base_value: float, outputs: np.ndarray, *, method: str, kind: str
) -> ExplanationBatch:
    """The batch, once ``base + sum(values) == outputs`` holds; a broken invariant is a bug, never shown.

    The tolerance is 1e-9 relative to the outputs' magnitude, so large regression targets (prices in the
    hundreds of thousands) are held to the same number of significant digits as probabilities.
    """
    values = np.asarray(values, dtype=np.float64)
    outputs = np.asarray(outputs, dtype=np.float64).reshape(-1)
    base_values = np.full(values.shape[0], float(base_value))
    gap = float(np.max(np.abs(base_values + values.sum(axis=1) - outputs), initial=0.0))
    if gap > 1e-9 * max(1.0, float(np.max(np.abs(outputs), initial=0.0))):
        raise RuntimeError(NOT_ADDITIVE.format(method=method, gap=gap, kind=kind))
    return ExplanationBatch(values=values, base_values=base_values, outputs=outputs)
