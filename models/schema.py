"""The shape of a model's input: which original columns are numbers and which are categories."""

from __future__ import annotations

from dataclasses import dataclass

import pandas as pd


@dataclass(frozen=True)
class FeatureSchema:
    """Model input columns in order, split by type. ``columns`` is the order models see."""

    numeric: tuple[str, ...]
    categorical: tuple[str, ...]

    @property
    def columns(self) -> tuple[str, ...]:
        return self.numeric + self.categorical

    @classmethod
    def infer(cls, frame: pd.DataFrame) -> FeatureSchema:
        """Numbers (booleans included) are numeric; everything else is categorical."""
        numeric = tuple(
            c for c in frame.columns if pd.api.types.is_numeric_dtype(frame[c]) or pd.api.types.is_bool_dtype(frame[c])
        )
        categorical = tuple(c for c in frame.columns if c not in numeric)
        return cls(numeric=numeric, categorical=categorical)
