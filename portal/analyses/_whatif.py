"""What-if: change features of one row and see every model re-predict and re-explain it.

The page needs two things from the core: an input per feature that fits the feature (a number box bounded by
the data's range, or a list of the categories the data has), and the edited row itself, checked so that a
typo gives a clear message instead of a model error.

    specs = feature_specs(dataset.features)
    row = edited_row(original, {"tenure": "24", "contract": "Two year"}, specs)
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

NUMBER, CATEGORY = "number", "category"
MAX_CATEGORIES = 200
NO_ROW_TO_CHANGE = "No row '{row}' in the data to change; choose one of its rows."


class WhatIfError(ValueError):
    """An edit that does not fit its feature; the message names the feature and what fits."""


@dataclass(frozen=True)
class FeatureSpec:
    """What values a feature takes in the data: a number range (integers or not) or a list of categories."""

    name: str
    kind: str  # NUMBER or CATEGORY
    minimum: float | None = None
    maximum: float | None = None
    integer: bool = False
    categories: tuple[str, ...] = ()

    @property
    def step(self) -> float | None:
        if self.kind != NUMBER:
            return None
        if self.integer:
            return 1
        span = (self.maximum or 0) - (self.minimum or 0)
        return float(10 ** np.floor(np.log10(span / 100))) if span > 0 else None


def feature_specs(features: pd.DataFrame) -> tuple[FeatureSpec, ...]:
    """One spec per column, from the data itself (numbers: observed range; categories: observed levels)."""
    specs = []
    for name in features.columns:
        column = features[name]
        if pd.api.types.is_numeric_dtype(column) and not pd.api.types.is_bool_dtype(column):
            present = column.dropna()
            integral = bool(len(present)) and bool(np.all(np.mod(present.to_numpy(dtype=float), 1) == 0))
            specs.append(
                FeatureSpec(
                    name,
                    NUMBER,
                    float(present.min()) if len(present) else None,
                    float(present.max()) if len(present) else None,
                    integral,
                )
            )
        else:
            levels = sorted(column.dropna().astype(str).unique())[:MAX_CATEGORIES]
            specs.append(FeatureSpec(name, CATEGORY, categories=tuple(levels)))
    return tuple(specs)


def edited_row(original: pd.DataFrame, edits: Mapping[str, object], specs: Sequence[FeatureSpec]) -> pd.DataFrame:
    """A copy of the one-row frame ``original`` with ``edits`` applied; None or "" leaves a value missing.

    Numbers outside the data's range are allowed (extrapolation is a fair question) but must be numbers;
    categories must be ones the data has, since a model has learnt nothing about any other.
    """
    if len(original) != 1:
        raise ValueError("a what-if edits exactly one row")
    by_name = {spec.name: spec for spec in specs}
    row = original.copy()
    for name, value in edits.items():
        spec = by_name.get(name)
        if spec is None:
            raise WhatIfError(f"no feature '{name}' to change; the features are {list(by_name)}")
        row[name] = _converted(spec, value, row[name].dtype)
    return row


def _converted(spec: FeatureSpec, value: object, dtype) -> object:
    if value is None or (isinstance(value, str) and not value.strip()):
        return np.nan if spec.kind == NUMBER else None
    if spec.kind == NUMBER:
        try:
            number = float(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise WhatIfError(f"{spec.name} takes a number, not {value!r}") from None
        if not np.isfinite(number):
            raise WhatIfError(f"{spec.name} takes a finite number, not {value!r}")
        return int(number) if spec.integer and number.is_integer() and pd.api.types.is_integer_dtype(dtype) else number
    text = str(value)
    if text not in spec.categories:
        shown = ", ".join(spec.categories[:10]) + (" …" if len(spec.categories) > 10 else "")
        raise WhatIfError(f"{spec.name} has no category {text!r}; choose one of: {shown}")
    return text
