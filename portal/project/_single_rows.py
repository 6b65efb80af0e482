"""Single rows explained on the server, in either scale: the local page's rows and the what-if panel's edits.

A row a finished job covers is read from it; any other row (outside the common sample, before its job ends,
or an edited copy) is explained here, in this process, with the values a job would give it: the model's own
explainer (native) or its common job's (probability). Rows of the data are kept (the last few), so asking
again is free; an average's row is the weighted sum of its members' rows, exact by linearity.
"""

from __future__ import annotations

import threading
from dataclasses import replace

import numpy as np
import pandas as pd

from portal.analyses import COMMON, NATIVE, as_common, take
from portal.data import Dataset
from portal.explain import members_of
from portal.project._common_scale import CommonScale
from portal.project._explanations import Explanations
from portal.project._models import Models
from portal.project._row_cache import RowCache
from portal.results import Explanation, LocalExplanation


class SingleRows:
    """One row of one model at a time, in the native or the common scale."""

    def __init__(self, dataset: Dataset, models: Models, explanations: Explanations, common: CommonScale) -> None:
        self._dataset, self._models, self._explanations, self._common = dataset, models, explanations, common
        self.kept: RowCache[Explanation] = RowCache()  # (model, position, scale) -> the row's explanation

    def explain_row(
        self, model_name: str, row_id: str, scale: str = COMMON, class_name: str | None = None
    ) -> LocalExplanation | None:
        """One row of one model in ``scale`` ("common" or "native"), or None for an unknown row or a model
        without that scale. Read from a finished job when one covers the row, else computed here (and kept)."""
        position = self._dataset.rows.position(row_id)
        if position is None:
            return None
        scale = self.scale_of(model_name, scale)
        if scale == COMMON and model_name not in self._common.jobs:
            return None  # an average without a common scale
        one = self._stored_row(model_name, position, scale)
        if one is None:
            key = (model_name, position, scale)
            one = self.kept.get(key, lambda: self._computed_row(model_name, position, scale))
        return one.for_class(class_name).row(0) if class_name and one.is_multiclass else one.row(0)

    def explain_edited(
        self, model_name: str, rows: pd.DataFrame, row_id: str, scale: str, class_name: str | None = None
    ) -> LocalExplanation:
        """An edited copy of a data row (``rows``: one row in the original columns), explained now, named ``row_id``
        (of ``class_name``, by default the first class, when the model is multi-class)."""
        explanation = self._explain(model_name, rows, np.asarray([row_id]), scale)
        if explanation.is_multiclass:
            explanation = explanation.for_class(class_name or explanation.class_names[0])
        return explanation.row(0)

    def scale_of(self, model_name: str, scale: str) -> str:
        """The scale a row of the model is shown in: the common one only where the model has one of its own."""
        return COMMON if scale == COMMON and self._common.progress(model_name) is not None else NATIVE

    def warm_up(self) -> threading.Thread | None:
        """Explain the first row in the common scale in a background thread, for the server.

        The first use of the model-agnostic method in a process compiles shap's numba kernels: measured
        about 8 s of one core, which the first visit to /local (whose default row is the first) would
        otherwise wait for. Returns the thread, or None when no model has a common job.
        """
        if not self._common.jobs or not self._dataset.n_rows:
            return None

        def run() -> None:
            for name in self._common.jobs:
                self.kept.get((name, 0, COMMON), lambda name=name: self._computed_row(name, 0, COMMON))

        thread = threading.Thread(target=run, daemon=True, name="common-scale-warm-up")
        thread.start()
        return thread

    def _stored_row(self, model_name: str, position: int, scale: str) -> Explanation | None:
        """The row from a finished job, or None."""
        if scale == NATIVE:
            done = self._explanations.progress(model_name).state == "done"
            native = self._explanations.explanation(model_name) if done else None
            return None if native is None else take(native, [position])
        index = self._common.sample.index_of(position)
        if index is None or not self._common.is_done(model_name):
            return self._common.all_rows_row(model_name, position)  # None until every row is explained
        common = self._common.explanation(model_name)
        return None if common is None else take(common, [index])

    def _computed_row(self, model_name: str, position: int, scale: str) -> Explanation:
        rows, ids = self._dataset.features.iloc[[position]], self._dataset.ids[[position]]
        return self._explain(model_name, rows, ids, scale, position=position)

    def _explain(
        self, model_name: str, rows: pd.DataFrame, row_ids: np.ndarray, scale: str, position: int | None = None
    ) -> Explanation:
        """``rows`` explained now; an average's from its members' (their stored row at ``position`` if any)."""
        if self._models.is_average(model_name):
            return self._average(model_name, rows, row_ids, position)
        explainer = (
            self._common.jobs[model_name].explainer if scale == COMMON else self._models.native_explainer(model_name)
        )
        batch = explainer.explain(rows)
        arrays = {"values": batch.values, "base_values": batch.base_values, "outputs": batch.outputs}
        explanation = self._models.as_explanation(model_name, row_ids, arrays)
        if scale == COMMON:
            return as_common(explanation, explainer.method, explainer.exact, self._common.sample, members_of(explainer))
        return explanation

    def _average(self, model_name: str, rows: pd.DataFrame, row_ids: np.ndarray, position: int | None) -> Explanation:
        """An average's rows in its own scale: the weighted sum of its members' (exact, by linearity)."""
        average = self._models.averages[model_name]
        parts = []
        for member in average.members:
            stored = None if position is None else self._stored_row(member, position, NATIVE)
            parts.append(stored or self._explain(member, rows, row_ids, NATIVE))
        arrays = {
            name: sum(w * np.asarray(getattr(p, name), dtype=np.float64) for w, p in zip(average.weights, parts))
            for name in ("values", "base_values", "outputs")
        }
        provenance = self._models.provenance(model_name)
        return replace(
            parts[0], model_name=model_name, provenance=provenance, output_scale=average.output_scale, **arrays
        )
