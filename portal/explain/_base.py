"""What every explainer promises, and the one check every batch passes before it leaves."""

from __future__ import annotations

from typing import Any, Protocol

import numpy as np
import pandas as pd
from sklearn.base import is_classifier

from portal.results import LOG_ODDS, LOGIT, AverageMember, ExplanationBatch

TREE_SHAP = "tree_shap_path_dependent"
TREE_SHAP_FAST = "tree_shap_path_dependent_fast"  # the same values, from portal.explain.treeshap's numba kernel
TREE_SHAP_INTERVENTIONAL = "tree_shap_interventional"
XGBOOST_TREE_SHAP = "tree_shap_path_dependent_xgboost"
LIGHTGBM_TREE_SHAP = "tree_shap_path_dependent_lightgbm"
EBM_SHAPLEY = "ebm_additive_shapley"
EXACT_ENUMERATION = "shapley_exact_enumeration"
PERMUTATION = "shapley_permutation_approximate"
WEIGHTED_AVERAGE = "weighted_average"
TASKS = ("classification", "regression")
#: Scales a caller can ask for: each model's own, or one scale shared by every model of the task.
SCALES = ("native", "common")

UNSUPPORTED = (
    "cannot explain {kind} exactly; supported: RandomForest, ExtraTrees, GradientBoosting and "
    "HistGradientBoosting (scikit-learn), XGBoost and LightGBM classifiers and regressors, ExplainableBoosting "
    "models, soft VotingClassifier and VotingRegressor of these, bare or after preparation steps in a Pipeline; "
    "model_agnostic_explainer() explains any model approximately"
)
NO_OUTPUT = "cannot explain {kind}: a {task} model needs {method}() to be explained"
NOT_ADDITIVE = "{method} broke additivity by {gap:.3g} on {kind}: base + contributions != model output"
WRONG_TASK = "the model is a {kind} but the task is '{task}'"
WRONG_SCALE = "scale must be one of {scales}, not '{scale}'"
#: Additivity is checked to this fraction of the outputs' magnitude (float64 arithmetic) ...
TOLERANCE = 1e-9
#: ... or this one, for libraries that compute in float32 (XGBoost's contributions and margins).
FLOAT32_TOLERANCE = 1e-5


class UnsupportedModelError(ValueError):
    """The model (or its preparation) has no explanation here; the message says what does."""


class ModelExplainer(Protocol):
    """Explains one fitted model in the original columns of the frame the model takes.

    ``class_names`` is empty for regression and binary classification (class 1 explained, 2-D values);
    for multi-class models it names the trailing class axis of every batch.
    """

    method: str
    exact: bool
    output_scale: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...]
    tolerance: float  # additivity holds to this fraction of the outputs' magnitude

    def explain(self, X: pd.DataFrame) -> ExplanationBatch: ...

    def check_budget(self, n_rows: int) -> None:
        """Raise :class:`~portal.explain.BudgetExceededError` if explaining ``n_rows`` rows costs too much."""

    def rows_per_call(self) -> int | None:
        """The most rows one :meth:`explain` call may take within the budget; None: no budget."""


class Unbudgeted:
    """For model-specific methods: they cost little per row, so there is no budget to check."""

    def check_budget(self, n_rows: int) -> None:
        return None

    def rows_per_call(self) -> int | None:
        return None


def explain_in_calls(explainer: ModelExplainer, X: pd.DataFrame) -> ExplanationBatch:
    """``explainer.explain(X)`` in as many calls as its budget needs, joined: what a job does with its rows.

    A budget bounds one call (its rows and model evaluations), so an interactive caller cannot start hours of
    work by accident; a job chooses to explain all its rows and shows its progress, so it splits them. Each
    row is explained on its own, so the values do not depend on the split. A row alone over the budget still
    raises :class:`~portal.explain.BudgetExceededError`, whose message says what it costs.
    """
    limit = getattr(explainer, "rows_per_call", None)  # an explainer from elsewhere may have no budget
    step = limit() if callable(limit) else None
    if step is None or step >= len(X):
        return explainer.explain(X)
    step = max(1, step)
    batches = [explainer.explain(X.iloc[start : start + step]) for start in range(0, len(X), step)]
    return ExplanationBatch(
        values=np.concatenate([b.values for b in batches]),
        base_values=np.concatenate([b.base_values for b in batches]),
        outputs=np.concatenate([b.outputs for b in batches]),
        class_names=batches[0].class_names,
    )


def exact_hint(explainer: ModelExplainer) -> str:
    """How to make an approximate explainer exact and what that costs per row; empty for exact explainers."""
    hint = getattr(explainer, "exact_hint", None)
    return hint() if callable(hint) and not explainer.exact else ""


def members_of(explainer: ModelExplainer) -> tuple[AverageMember, ...]:
    """The named members of an averaging explainer with their weights and methods; empty for any other."""
    shares = getattr(explainer, "shares", None)
    return shares() if callable(shares) else ()


def check_task(estimator: object, task: str) -> None:
    """A classifier explained as a regression (or the reverse) would label numbers with the wrong scale."""
    if task not in TASKS:
        raise ValueError(f"task must be one of {TASKS}, not '{task}'")
    kind = type(estimator).__name__
    if not hasattr(estimator, "__sklearn_tags__"):  # not a scikit-learn estimator: take the task as given
        return
    if is_classifier(estimator) != (task == "classification"):
        raise ValueError(WRONG_TASK.format(kind=kind, task=task))
    if task == "classification" and len(getattr(estimator, "classes_", ())) < 2:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a {kind} with fewer than two classes"))
    if getattr(estimator, "n_outputs_", 1) != 1:
        raise UnsupportedModelError(UNSUPPORTED.format(kind=f"a {kind} with several outputs"))


def check_scale(scale: str) -> None:
    if scale not in SCALES:
        raise ValueError(WRONG_SCALE.format(scales=SCALES, scale=scale))


def class_names(estimator: Any) -> tuple[str, ...]:
    """The names of a multi-class model's classes, in its order; empty for binary models and regressors."""
    classes = getattr(estimator, "classes_", None)
    return () if classes is None or len(classes) < 3 else tuple(str(c) for c in classes)


def score_scale(estimator: Any) -> str:
    """The scale of a boosted classifier's raw score: log-odds of class 1, or one logit per class."""
    return LOGIT if class_names(estimator) else LOG_ODDS


def additive_batch(
    values: np.ndarray,
    base_value: float | np.ndarray,
    outputs: np.ndarray,
    *,
    method: str,
    kind: str,
    class_names: tuple[str, ...] = (),
    tolerance: float = TOLERANCE,
) -> ExplanationBatch:
    """The batch, once ``base + sum(values) == outputs`` holds; a broken invariant is a bug, never shown.

    ``values`` is ``(n, features)`` or ``(n, features, classes)``; ``base_value`` broadcasts to the
    outputs' shape (a number, one per class, or one per row). The tolerance is relative to the outputs'
    magnitude, so large regression targets are held to the same number of significant digits as
    probabilities.
    """
    values = np.asarray(values, dtype=np.float64)
    outputs = np.asarray(outputs, dtype=np.float64)
    outputs = outputs.reshape(values.shape[0], *values.shape[2:])
    base_values = np.broadcast_to(np.asarray(base_value, dtype=np.float64), outputs.shape).copy()
    gap = float(np.max(np.abs(base_values + values.sum(axis=1) - outputs), initial=0.0))
    if gap > tolerance * max(1.0, float(np.max(np.abs(outputs), initial=0.0))):
        raise RuntimeError(NOT_ADDITIVE.format(method=method, gap=gap, kind=kind))
    return ExplanationBatch(values=values, base_values=base_values, outputs=outputs, class_names=class_names)


def import_shap() -> Any:
    """shap, imported only when needed: it is slow to import and pokes matplotlib, which warns."""
    import warnings

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        import shap
    return shap
