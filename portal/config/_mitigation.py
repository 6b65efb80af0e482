"""Reading ``kind = "threshold_optimizer"`` tables of a project file (the model itself: :mod:`portal.project`).

    [[models]]
    name = "Gradient boosting, fair thresholds"
    kind = "threshold_optimizer"
    base = "Gradient boosting"          # another model of the file: trained or loaded, not an average or optimizer
    protected = "age"                   # one of [data] protected; numbers are banded as the fairness pages band them
    constraint = "demographic_parity"   # optional (the default); any of fairlearn's CONSTRAINTS
    params = { objective = "balanced_accuracy_score" }   # optional: fairlearn's objective, grid_size, flip, tol

The table's own fields are read by :func:`parse_threshold_optimizer`; whether ``base`` and ``protected`` name
real things of the project is checked once every model is read (:func:`check_threshold_optimizers`).
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any

from portal.config._types import THRESHOLD_OPTIMIZER_KIND, ConfigError, DataConfig, ModelSpec

#: The [[models]] fields only a threshold optimizer has.
FIELDS = ("base", "protected", "constraint")
#: fairlearn 0.15's ThresholdOptimizer constraints (a test checks they are still fairlearn's).
CONSTRAINTS = (
    "demographic_parity",
    "equalized_odds",
    "false_negative_rate_parity",
    "false_positive_rate_parity",
    "selection_rate_parity",
    "true_negative_rate_parity",
    "true_positive_rate_parity",
)
DEFAULT_CONSTRAINT = "demographic_parity"
#: ThresholdOptimizer settings a project may give in params; the portal sets the rest (prefit, predict_method).
PARAMS = ("objective", "flip", "grid_size", "tol")
CODE_RUNNING_SUFFIXES = (".pkl", ".pickle", ".joblib")
BASE_EXAMPLE = 'base = "Gradient boosting"'
PROTECTED_EXAMPLE = 'protected = "age"'


def parse_threshold_optimizer(raw: Mapping[str, Any], name: str, where: str) -> ModelSpec:
    """The table's own fields; whether ``base`` and ``protected`` name real things is checked afterwards."""
    for key in ("path", "trusted", "trust", "members", "weights"):
        if key in raw:
            problem = f'is not a setting of kind = "{THRESHOLD_OPTIMIZER_KIND}"'
            raise ConfigError(f"{where} {key}", problem, f"remove {key}")
    base = _required_name(raw, "base", where, f"name the model to post-process: {BASE_EXAMPLE}")
    protected = _required_name(raw, "protected", where, f"name the column to group rows by: {PROTECTED_EXAMPLE}")
    constraint = raw.get("constraint", DEFAULT_CONSTRAINT)
    if constraint not in CONSTRAINTS:
        guess = difflib.get_close_matches(str(constraint), CONSTRAINTS, n=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use one of {', '.join(CONSTRAINTS)}"
        raise ConfigError(f"{where} constraint", f"{constraint!r} is not a fairlearn constraint", fix)
    params = raw.get("params", {})
    if not isinstance(params, Mapping):
        raise ConfigError(f"{where} params", "must be a table", 'write params = { objective = "accuracy_score" }')
    unknown = next((k for k in params if k not in PARAMS), None)
    if unknown is not None:
        fix = f"remove it; a threshold optimizer takes {', '.join(PARAMS)}"
        raise ConfigError(f"{where} params", f"'{unknown}' is not a ThresholdOptimizer setting", fix)
    return ModelSpec(
        name=name,
        kind=THRESHOLD_OPTIMIZER_KIND,
        params=dict(params),
        base=base,
        protected=protected,
        constraint=constraint,
    )


def check_threshold_optimizers(models: tuple[ModelSpec, ...], data: DataConfig) -> None:
    """Each optimizer's base is a trained or loaded model of the project and its column is protected."""
    by_name = {spec.name: spec for spec in models}
    for spec in (s for s in models if s.is_threshold_optimizer):
        where = f"[[models]] '{spec.name}'"
        _check_base(spec, by_name, f"{where} base")
        if spec.protected not in data.protected:
            listed = ", ".join(data.protected)
            fix = f"use one of {listed}" if listed else f'list it under [data]: protected = ["{spec.protected}"]'
            raise ConfigError(f"{where} protected", f"'{spec.protected}' is not in [data] protected", fix)


def _check_base(spec: ModelSpec, by_name: Mapping[str, ModelSpec], where: str) -> None:
    base = by_name.get(spec.base)
    trained = [s.name for s in by_name.values() if not (s.is_average or s.is_threshold_optimizer)]
    if base is None:
        guess = difflib.get_close_matches(spec.base, trained, n=1)
        fix = f"did you mean '{guess[0]}'?" if guess else f"use the name of one of {', '.join(trained)}"
        raise ConfigError(where, f"'{spec.base}' is not a model of this project", fix)
    if base.is_average or base.is_threshold_optimizer:
        problem = f"'{spec.base}' is an average" if base.is_average else f"'{spec.base}' is a threshold optimizer"
        fix = f"post-process a trained or loaded model: one of {', '.join(trained)}"
        raise ConfigError(where, "names the optimizer itself" if base is spec else problem, fix)
    if base.path is not None and base.path.suffix.lower() in CODE_RUNNING_SUFFIXES:
        problem = f"'{spec.base}' is a {base.path.suffix} file, and the optimizer is saved with skops, base included"
        raise ConfigError(where, problem, "save the base model with skops.io.dump and point its path at that file")


def _required_name(raw: Mapping[str, Any], key: str, where: str, fix: str) -> str:
    if key not in raw:
        raise ConfigError(f"{where} {key}", "is missing", fix)
    value = raw[key]
    if not isinstance(value, str) or not value.strip():
        raise ConfigError(f"{where} {key}", f"must be a model or column name, not {value!r}", fix)
    return value
