"""What the workbench pages (/feature, /performance) ask of a project, computed on the server.

:class:`WorkbenchServices` is mixed into :class:`portal.project.Project`: it reads the project's data set,
fitted models and background rows and returns result values (dataclasses of small, sampled arrays), so the
pages never see a model or a full array. Held-out predictions are computed once per model and kept.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import replace
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from portal.analyses import (
    DEFAULT_LIMIT,
    ClassificationCurves,
    Confusion,
    FeatureDependence,
    FeatureSpec,
    RegressionDiagnostics,
    RowMatches,
    ShapeFunction,
    as_common,
    classification_curves,
    confusion_at,
    dependence,
    ebm_shape_function,
    edited_row,
    feature_specs,
    find_rows,
    regression_diagnostics,
)
from portal.project._cohorts import check_held_out
from portal.project._row_cache import RowCache
from portal.results import Explanation, LocalExplanation

MAX_SEGMENT_LEVELS = 30
CURVES_KEPT = 16  # (class, cohort) pairs whose held-out curves are kept


class WorkbenchServices:
    """Mixin: needs ``dataset`` (portal.data.Dataset), ``models`` (name -> entry with ``fitted.estimator`` and
    ``output_scale``) and ``background`` (training rows in original columns)."""

    dataset: Any
    models: dict[str, Any]
    background: pd.DataFrame
    _specs: tuple[FeatureSpec, ...] | None = None

    # --- /feature -------------------------------------------------------------------------
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self.dataset.features.columns)

    def feature_dependence(
        self, feature: str, colour_by: str | None, explanations: Sequence[Explanation]
    ) -> tuple[FeatureDependence, ...]:
        """Each explanation's dependence on ``feature``, on one seeded sample of the rows all of them cover."""
        frame = self.with_group_column(self._features_by_id, colour_by)  # type: ignore[attr-defined]
        return dependence(explanations, frame, feature, colour_by=colour_by or None)

    def shape_function(self, feature: str) -> ShapeFunction | None:
        """The first EBM's learned shape function of ``feature`` in its own scale, or None without an EBM."""
        from portal.explain import is_ebm, split_model

        for entry in self.models.values():
            preparing, estimator = split_model(entry.fitted.estimator)
            if preparing is None and is_ebm(estimator) and feature in list(estimator.term_names_):
                return ebm_shape_function(estimator, feature, self.background, entry.output_scale)
        return None

    # --- what-if on /local -----------------------------------------------------------------
    def feature_specs(self) -> tuple[FeatureSpec, ...]:
        """What each feature's what-if input accepts: a number range or the data's categories."""
        if self._specs is None:
            self._specs = feature_specs(self.dataset.features)
        return self._specs

    def what_if(
        self, row_id: str, edits: Mapping[str, object], scale: str = "native", class_name: str | None = None
    ) -> dict[str, tuple[LocalExplanation, LocalExplanation]]:
        """Every model's explanation of the row as it is and as edited, in ``scale``: {model: (original, edited)}.

        Raises WhatIfError for an edit that does not fit its feature, KeyError for an unknown row. Averages are
        the weighted sums of their members' edited rows, so they stay exact.
        """
        position = self._row_positions[str(row_id)]
        original = self.dataset.features.iloc[[position]]
        edited = edited_row(original, edits, self.feature_specs())
        result = {}
        for name in self.model_names:
            before = self.explain_row(name, str(row_id), scale, class_name)
            if before is None:
                continue
            after = self._explain_frame(name, edited, before.output_scale != self.models_scale(name), class_name)
            result[name] = (before, replace(after, row_id=f"{row_id} (edited)"))
        return result

    def models_scale(self, model_name: str) -> str:
        """A model's own output scale (an average's is its members' shared scale)."""
        if model_name in self.models:
            return self.models[model_name].output_scale
        return self.averages[model_name].output_scale

    def _explain_frame(self, name: str, rows: pd.DataFrame, common: bool, class_name: str | None) -> LocalExplanation:
        if name in getattr(self, "averages", {}):
            average = self.averages[name]
            parts = [self._explain_frame(m, rows, common, class_name) for m in average.members]
            return replace(
                parts[0],
                model_name=name,
                values=sum(w * p.values for w, p in zip(average.weights, parts)),
                base_value=float(sum(w * p.base_value for w, p in zip(average.weights, parts))),
                output=float(sum(w * p.output for w, p in zip(average.weights, parts))),
                output_scale=average.output_scale,
                provenance=self._provenance(name),
            )
        explainer = self.common_jobs[name].explainer if common else self._native_explainer(name)
        batch = explainer.explain(rows)
        arrays = {"values": batch.values, "base_values": batch.base_values, "outputs": batch.outputs}
        explanation = self._as_explanation(name, np.asarray(["edited"]), arrays)
        if common:
            explanation = as_common(explanation, explainer.method, explainer.exact, self.sample)
        if explanation.is_multiclass:
            explanation = explanation.for_class(class_name or explanation.class_names[0])
        return explanation.row(0)

    # --- finding rows on /local --------------------------------------------------------------
    def find_rows(self, text: str, column: str | None = None, limit: int = DEFAULT_LIMIT) -> RowMatches:
        """The first ``limit`` rows matching the search (cohort grammar, or a value/range of ``column``) and how
        many match; raises RowSearchError naming the fix."""
        return find_rows(self._features_by_id, text, column=column, limit=limit)

    # --- /performance ---------------------------------------------------------------------
    def classification_curves(
        self, class_name: str | None = None, cohort: str | None = None
    ) -> tuple[ClassificationCurves, ...]:
        """Held-out curves of every model for ``class_name`` against the rest (binary: the positive class), on
        the held-out rows of ``cohort`` (everyone by default); CohortError when those have a single outcome.

        Held-out predictions never change, so each (class, cohort)'s curves are computed once and kept: at 100k
        rows they cost over 0.1 s, paid again on every visit and every threshold move otherwise."""
        y, k = self._one_against_rest(class_name)

        def compute() -> tuple[ClassificationCurves, ...]:
            keep = self._held_out_kept(cohort)
            check_held_out(y[keep], both_outcomes=True)
            return tuple(classification_curves(name, y[keep], p[keep, k]) for name, p in self._held_out.items())

        return self._curves_kept.get((k, (cohort or "").strip()), compute)

    def confusions(
        self, threshold: float, class_name: str | None = None, cohort: str | None = None
    ) -> dict[str, Confusion]:
        y, k = self._one_against_rest(class_name)
        keep = self._held_out_kept(cohort)
        check_held_out(y[keep], both_outcomes=False)
        return {name: confusion_at(y[keep], p[keep, k], threshold) for name, p in self._held_out.items()}

    def segment_columns(self) -> tuple[str, ...]:
        """Features with few enough levels to break errors down by (categories, small integer codes)."""
        features = self.dataset.features
        return tuple(c for c in features.columns if features[c].nunique(dropna=True) <= MAX_SEGMENT_LEVELS)

    def regression_diagnostics(
        self, segment: str | None = None, cohort: str | None = None
    ) -> tuple[RegressionDiagnostics, ...]:
        keep = self._held_out_kept(cohort)
        test = self.dataset.test_index[keep]
        check_held_out(test, both_outcomes=False)
        segments = {}
        if segment:
            segments[segment] = self.dataset.features[segment].iloc[test].astype(str).to_numpy()
        return tuple(
            regression_diagnostics(name, self.dataset.y[test], predicted[keep, 0], segments)
            for name, predicted in self._held_out.items()
        )

    def _held_out_kept(self, cohort: str | None) -> np.ndarray | slice:
        """The held-out rows of ``cohort`` (a mask over them), or all of them for everyone."""
        if not (cohort or "").strip():
            return slice(None)
        return self.held_out_in_cohort(cohort, self.dataset.test_index)  # type: ignore[attr-defined]

    @cached_property
    def _features_by_id(self) -> pd.DataFrame:
        return self.dataset.features.set_axis(pd.Index(np.asarray(self.dataset.ids).astype(str)), axis=0)

    @cached_property
    def _curves_kept(self) -> RowCache[tuple[ClassificationCurves, ...]]:
        return RowCache(keep=CURVES_KEPT)

    @cached_property
    def _held_out(self) -> dict[str, np.ndarray]:
        """Each model's held-out output: class probabilities (rows, classes), or (rows, 1) predictions."""
        X = self.dataset.features.iloc[self.dataset.test_index]
        outputs = {}
        for name, entry in self.models.items():
            estimator = entry.fitted.estimator
            if self.dataset.task == "classification":
                outputs[name] = np.asarray(estimator.predict_proba(X), dtype=np.float64)
            else:
                outputs[name] = np.asarray(estimator.predict(X), dtype=np.float64).reshape(-1, 1)
        return outputs

    def _one_against_rest(self, class_name: str | None) -> tuple[np.ndarray, int]:
        if self.dataset.task != "classification":
            raise ValueError("curves of classes need a classification project")
        classes = tuple(self.dataset.classes)
        if class_name is None:
            k = len(classes) - 1  # binary: the positive class is code 1, the last
        elif class_name in classes:
            k = classes.index(class_name)
        else:
            raise ValueError(f"no class '{class_name}'; the classes are {list(classes)}")
        return (self.dataset.y[self.dataset.test_index] == k).astype(int), k
