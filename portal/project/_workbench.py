"""What /feature and /local's tools ask of a project: dependence, the EBM's shape, what-if (row search is a
cohort's: :meth:`portal.project.Cohorts.find_rows`).

:class:`Workbench` reads the project's data, models and background rows and returns result values (small,
sampled arrays in dataclasses), so the pages never see a model or a full array.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import replace
from functools import cached_property

import pandas as pd

from portal.analyses import (
    COMMON,
    NATIVE,
    NO_ROW_TO_CHANGE,
    FeatureDependence,
    FeatureSpec,
    ShapeFunction,
    WhatIfError,
    dependence,
    ebm_shape_function,
    edited_row,
    feature_specs,
)
from portal.analyses import shown as shown_text
from portal.data import Dataset
from portal.explain import is_ebm, split_model
from portal.project._models import Models
from portal.project._single_rows import SingleRows
from portal.results import Explanation, LocalExplanation

#: ``frame`` (one row per data row, in data order) with a protected attribute's groups as a column, when
#: ``colour_by`` names one ("group: age"); see :meth:`portal.project.Fairness.with_group_column`.
GroupColumn = Callable[[pd.DataFrame, str | None], pd.DataFrame]


class Workbench:
    """Feature views and what-if over one project's data and models."""

    def __init__(
        self,
        dataset: Dataset,
        models: Models,
        background: pd.DataFrame,
        single_rows: SingleRows,
        group_column: GroupColumn,
    ) -> None:
        self._dataset, self._models, self._background = dataset, models, background
        self._single_rows, self._group_column = single_rows, group_column

    # --- /feature -------------------------------------------------------------------------
    def feature_names(self) -> tuple[str, ...]:
        return tuple(self._dataset.features.columns)

    def feature_dependence(
        self, feature: str, colour_by: str | None, explanations: Sequence[Explanation]
    ) -> tuple[FeatureDependence, ...]:
        """Each explanation's dependence on ``feature``, on one seeded sample of the rows all of them cover."""
        frame = self._group_column(self._dataset.features_by_id, colour_by)
        return dependence(explanations, frame, feature, colour_by=colour_by or None)

    def shape_function(self, feature: str) -> ShapeFunction | None:
        """The first EBM's learned shape function of ``feature`` in its own scale, named by the EBM, or None
        without an EBM."""
        for name, entry in self._models.entries.items():
            preparing, estimator = split_model(entry.fitted.estimator)
            if preparing is None and is_ebm(estimator) and feature in list(estimator.term_names_):
                return ebm_shape_function(estimator, feature, self._background, entry.output_scale, name)
        return None

    # --- what-if on /local -----------------------------------------------------------------
    def feature_specs(self) -> tuple[FeatureSpec, ...]:
        """What each feature's what-if input accepts: a number range or the data's categories."""
        return self._specs

    def what_if(
        self, row_id: str, edits: Mapping[str, object], scale: str = NATIVE, class_name: str | None = None
    ) -> dict[str, tuple[LocalExplanation, LocalExplanation]]:
        """Every model's explanation of the row as it is and as edited, in ``scale``: {model: (original, edited)}.

        Raises WhatIfError for an edit that does not fit its feature or a row the data lacks (one line for the
        page, never an error page). Averages are the weighted sums of their members' edited rows, so they stay exact.
        """
        position = self._dataset.rows.position(str(row_id))
        if position is None:
            raise WhatIfError(NO_ROW_TO_CHANGE.format(row=shown_text(row_id)))
        edited = edited_row(self._dataset.features.iloc[[position]], edits, self.feature_specs())
        result = {}
        for name in self._models.names:
            before = self._single_rows.explain_row(name, str(row_id), scale, class_name)
            if before is None:
                continue
            if not edits:  # every /local visit asks once before any edit: the row itself, whose values (from its
                # own values and seed) explaining it again would only repeat; reused, not computed twice
                result[name] = (before, replace(before, row_id=f"{row_id} (edited)"))
                continue
            shown = COMMON if before.output_scale != self._models.output_scale(name) else NATIVE
            after = self._single_rows.explain_edited(name, edited, f"{row_id} (edited)", shown, class_name)
            result[name] = (before, after)
        return result

    @cached_property
    def _specs(self) -> tuple[FeatureSpec, ...]:
        return feature_specs(self._dataset.features)
