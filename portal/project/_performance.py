"""What /performance asks of a project: held-out curves, confusion counts and regression errors, per cohort.

Everything is measured on the held-out rows (of a cohort, when one is applied) from each trained or loaded
model's held-out predictions, which are computed once (:class:`~portal.project.Predictions`).
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np

from portal.analyses import (
    ClassificationCurves,
    Confusion,
    RegressionDiagnostics,
    check_held_out,
    classification_curves,
    confusion_at,
    regression_diagnostics,
)
from portal.data import Dataset
from portal.project._predictions import Predictions
from portal.project._row_cache import RowCache

MAX_SEGMENT_LEVELS = 30
CURVES_KEPT = 16  # (class, cohort) pairs whose held-out curves are kept

#: Which held-out rows (given their data positions) are in a cohort: a mask over them.
HeldOutMask = Callable[[str | None, np.ndarray], np.ndarray]


class Performance:
    """Held-out performance of every trained or loaded model, for everyone or a cohort."""

    def __init__(self, dataset: Dataset, predictions: Predictions, in_cohort: HeldOutMask) -> None:
        self._dataset, self._predictions, self._in_cohort = dataset, predictions, in_cohort
        self._curves: RowCache[tuple[ClassificationCurves, ...]] = RowCache(keep=CURVES_KEPT)

    def classification_curves(
        self, class_name: str | None = None, cohort: str | None = None
    ) -> tuple[ClassificationCurves, ...]:
        """Held-out curves of every model for ``class_name`` against the rest (binary: the positive class), on
        the held-out rows of ``cohort`` (everyone by default); CohortError when those have a single outcome.

        Held-out predictions never change, so each (class, cohort)'s curves are computed once and kept: at 100k
        rows they cost over 0.1 s, paid again on every visit and every threshold move otherwise."""
        y, k = self._one_against_rest(class_name)

        def compute() -> tuple[ClassificationCurves, ...]:
            keep = self._kept(cohort)
            check_held_out(y[keep], both_outcomes=True)
            outputs = self._predictions.held_out_outputs()
            return tuple(classification_curves(name, y[keep], p[keep, k]) for name, p in outputs.items())

        return self._curves.get((k, (cohort or "").strip()), compute)

    def confusions(
        self, threshold: float, class_name: str | None = None, cohort: str | None = None
    ) -> dict[str, Confusion]:
        y, k = self._one_against_rest(class_name)
        keep = self._kept(cohort)
        check_held_out(y[keep], both_outcomes=False)
        outputs = self._predictions.held_out_outputs()
        return {name: confusion_at(y[keep], p[keep, k], threshold) for name, p in outputs.items()}

    def segment_columns(self) -> tuple[str, ...]:
        """Features with few enough levels to break errors down by (categories, small integer codes)."""
        features = self._dataset.features
        return tuple(c for c in features.columns if features[c].nunique(dropna=True) <= MAX_SEGMENT_LEVELS)

    def regression_diagnostics(
        self, segment: str | None = None, cohort: str | None = None
    ) -> tuple[RegressionDiagnostics, ...]:
        keep = self._kept(cohort)
        test = self._dataset.test_index[keep]
        check_held_out(test, both_outcomes=False)
        segments = {}
        if segment:
            segments[segment] = self._dataset.features[segment].iloc[test].astype(str).to_numpy()
        return tuple(
            regression_diagnostics(name, self._dataset.y[test], predicted[keep, 0], segments)
            for name, predicted in self._predictions.held_out_outputs().items()
        )

    def _kept(self, cohort: str | None) -> np.ndarray | slice:
        """The held-out rows of ``cohort`` (a mask over them), or all of them for everyone."""
        if not (cohort or "").strip():
            return slice(None)
        return self._in_cohort(cohort, self._dataset.test_index)

    def _one_against_rest(self, class_name: str | None) -> tuple[np.ndarray, int]:
        data = self._dataset
        if data.task != "classification":
            raise ValueError("curves of classes need a classification project")
        classes = tuple(data.classes)
        if class_name is None:
            k = len(classes) - 1  # binary: the positive class is code 1, the last
        elif class_name in classes:
            k = classes.index(class_name)
        else:
            raise ValueError(f"no class '{class_name}'; the classes are {list(classes)}")
        return (data.y[data.test_index] == k).astype(int), k
