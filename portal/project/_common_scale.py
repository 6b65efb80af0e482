"""What a project serves in the common scale, and single rows on demand: a mixin of :class:`portal.project.Project`.

:class:`CommonScaleServices` opens the common-scale jobs of a classification project (see
:mod:`portal.analyses` for which models need one and why), serves their explanations as they grow,
and explains single rows in the server process for the local page. The jobs are ordinary
:class:`~portal.jobs.ExplanationJob` s: the sample rows are their data (a Parquet file of their own), so
they are chunked, resumable and de-duplicated like every other job, keyed by the method, the scale, the
background size and the sample.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import numpy as np
import pandas as pd

from portal.analyses import (
    BACKGROUND_ROWS,
    COMMON,
    NATIVE,
    UNAVAILABLE,
    CommonMethod,
    Sample,
    as_common,
    chunk_rows,
    needs_job,
    take,
)
from portal.data import key_of, library_versions, order_beside, write_frame
from portal.explain import Budget, exact_hint, members_of
from portal.jobs import ExplanationJob
from portal.project._row_cache import RowCache
from portal.results import PROBABILITY, Explanation, JobProgress, LocalExplanation

VERSION = "1"  # of the common-scale jobs; part of their key
NO_COMMON_AVERAGE = (
    "not available in probability: '{name}' averages its members' {scale}, and its probability is not an "
    "average of theirs; switch to each model's own scale"
)
WAITING = ("pending", "queued", "running", "cancelling")  # a job that has not ended yet


@dataclass(frozen=True, eq=False)
class CommonJob:
    """A model's common-scale job and the explainer the server uses for rows outside the sample."""

    job: ExplanationJob
    explainer: Any  # a portal.explain.ModelExplainer in the common scale


class CommonScaleServices:
    """Mixin: needs ``config``, ``dataset``, ``models``, ``averages``, ``runner``, ``store``, ``background``,
    ``explanation()``, ``_as_explanation()`` and ``_row_positions``; call :meth:`_open_common_scale` once the
    models and averages are built."""

    config: Any
    dataset: Any
    models: dict[str, Any]
    averages: dict[str, Any]
    runner: Any
    store: Any
    background: pd.DataFrame
    _row_positions: dict[str, int]

    def _open_common_scale(self) -> None:
        data, seed = self.dataset, self.config.data.seed
        self.sample = Sample.draw(data.n_rows, self.config.common_sample_rows, seed)
        self.common_jobs: dict[str, CommonJob] = {}
        self._common_done: dict[str, Explanation] = {}
        self._native_explainers: dict[str, Any] = {}
        self._rows: RowCache = RowCache()
        wanted = [name for name, entry in self.models.items() if needs_job(data.task, entry.output_scale)]
        if not wanted:
            return
        frames = self.store.root / "frames"
        stem = f"{data.fingerprint}-common-{seed}"
        sample_path = write_frame(
            data.features.iloc[self.sample.positions], frames / f"{stem}-{self.sample.size}.parquet"
        )
        background = _training_rows(data, BACKGROUND_ROWS, seed)
        named = f"{data.fingerprint}-background-{seed}-{BACKGROUND_ROWS}.parquet"  # the project's file at its size
        background_path = write_frame(background, frames / named)
        for name in wanted:
            self.common_jobs[name] = self._common_job(name, background, str(sample_path), str(background_path))

    def _common_job(self, name: str, background: pd.DataFrame, sample_path: str, background_path: str) -> CommonJob:
        from portal.explain import explainer_for

        entry = self.models[name]
        explainer = explainer_for(
            entry.fitted.estimator, task=self.dataset.task, background=background, scale=COMMON, budget=self._budget()
        )
        key = key_of(
            "explanation",
            entry.fitted.fingerprint,
            self.dataset.fingerprint,
            explainer.method,
            COMMON,
            BACKGROUND_ROWS,
            self.sample.size,
            self.config.data.seed,
            VERSION,
            library_versions(),
        )
        data, data_seed = self.dataset, self.config.data.seed
        job = replace(
            entry.job,
            key=key,
            n_rows=self.sample.size,
            chunk_rows=chunk_rows(self.sample.size),
            data_path=sample_path,
            background_path=background_path,
            scale=COMMON,
            order_path=str(order_beside(sample_path, data.y[self.sample.positions], data.task, data_seed)),
        )
        return CommonJob(job, explainer)

    # --- PortalServices -------------------------------------------------------------------
    def common_methods(self) -> tuple[CommonMethod, ...]:
        """How each model is explained in probability, in model order; empty for regression (one scale already).

        A model with a common job names that job's method (with how to make it exact, if it is not); a model
        already in probability names its own, whose values the common views cut to the sample; an average of
        log-odds models has none, and says why.
        """
        if self.dataset.task != "classification":
            return ()
        return tuple(self._common_method(name) for name in self.model_names)

    def common_progress(self, model_name: str) -> JobProgress | None:
        """The model's common-scale job, or None when it needs none (its own scale is already common)."""
        if model_name in self.common_jobs:
            return self.runner.progress(self.common_jobs[model_name].job)
        if self._no_common_scale(model_name):
            error = NO_COMMON_AVERAGE.format(name=model_name, scale=self.averages[model_name].output_scale)
            return JobProgress(model_name, 0, 0, UNAVAILABLE, error)
        return None

    def common_explanation(self, model_name: str) -> Explanation | None:
        """The model in the common scale on the sample rows (those done so far while its job runs), or None.

        Models without a common job give their own explanation: cut to the sample rows (classification),
        or whole (regression, whose units are already shared).
        """
        if model_name in self._common_done:
            return self._common_done[model_name]
        if model_name not in self.common_jobs:
            native = None if self._no_common_scale(model_name) else self.explanation(model_name)
            if native is None or self.dataset.task != "classification":
                return native
            self._common_done[model_name] = self.sample.restrict(native)
            return self._common_done[model_name]
        common = self.common_jobs[model_name]
        partial = self.runner.partial(common.job)
        if partial is None:
            return None
        positions, arrays = partial
        row_ids = self.dataset.ids[self.sample.positions[positions]]
        explanation = as_common(
            self._as_explanation(model_name, row_ids, arrays),
            common.explainer.method,
            common.explainer.exact,
            self.sample,
        )
        if self.runner.progress(common.job).state == "done":
            self._common_done[model_name] = explanation
        return explanation

    def explain_row(
        self, model_name: str, row_id: str, scale: str = COMMON, class_name: str | None = None
    ) -> LocalExplanation | None:
        """One row of one model in ``scale`` ("common" or "native"), or None for an unknown row or a model
        without that scale. Read from a finished job when one covers the row, else computed here (and kept)."""
        position = self._row_positions.get(str(row_id))
        if position is None:
            return None
        scale = COMMON if scale == COMMON and self.common_progress(model_name) is not None else NATIVE
        if scale == COMMON and model_name not in self.common_jobs:
            return None  # an average without a common scale
        one = self._stored_row(model_name, position, scale)
        if one is None:
            one = self._rows.get((model_name, position, scale), lambda: self._compute_row(model_name, position, scale))
        return one.for_class(class_name).row(0) if class_name and one.is_multiclass else one.row(0)

    def warm_up(self) -> threading.Thread | None:
        """Explain the first row in the common scale in a background thread, for the server.

        The first use of the model-agnostic method in a process compiles shap's numba kernels: measured
        about 8 s of one core, which the first visit to /local (whose default row is the first) would
        otherwise wait for. Returns the thread, or None when no model has a common job.
        """
        if not self.common_jobs or not self.dataset.n_rows:
            return None

        def run() -> None:
            for name in self.common_jobs:
                self._rows.get((name, 0, COMMON), lambda name=name: self._compute_row(name, 0, COMMON))

        thread = threading.Thread(target=run, daemon=True, name="common-scale-warm-up")
        thread.start()
        return thread

    # --- jobs -----------------------------------------------------------------------------
    def _submit_common_after_own(self, every: float = 0.5) -> None:
        """Queue the common jobs once every model's own job has ended.

        They share the workers: queued together, a common job's slow chunks sit between the own jobs' chunks.
        Measured on the churn demo (two workers, other work on the machine): the forest's own job took 129 s
        queued together and 14 s queued first, the common jobs still ending about two minutes after the start.
        So the own views, and the forest's common view cut from its own, come first.
        """
        if not self.common_jobs:
            return
        if not self.runner.background:  # inline (tests): the own jobs have already ended
            return self._submit_common()

        def wait_then_submit() -> None:
            while any(self.runner.progress(e.job).state in WAITING for e in self.models.values()):
                time.sleep(every)
            self._submit_common()

        threading.Thread(target=wait_then_submit, daemon=True, name="common-scale-jobs").start()

    def _submit_common(self, model_name: str | None = None) -> None:
        for name, common in self.common_jobs.items():
            if model_name in (None, name):
                self.runner.submit(common.job)

    def _cancel_common(self, model_name: str) -> None:
        if model_name in self.common_jobs:
            self.runner.cancel(self.common_jobs[model_name].job)

    # --- helpers --------------------------------------------------------------------------
    def _common_method(self, model_name: str) -> CommonMethod:
        own = self._provenance(model_name)
        if model_name in self.common_jobs:
            explainer = self.common_jobs[model_name].explainer
            common = replace(own, method=explainer.method, exact=explainer.exact, members=members_of(explainer))
            return CommonMethod(common, hint=exact_hint(explainer))
        if self._no_common_scale(model_name):
            scale = self.averages[model_name].output_scale
            return CommonMethod(None, reason=NO_COMMON_AVERAGE.format(name=model_name, scale=scale))
        entry = self.models.get(model_name)  # already in probability: its own method (an average's: its members')
        return CommonMethod(own, hint=entry.exact_hint if entry else "")

    def _budget(self) -> Budget:
        """What the model-agnostic method may cost here: exact up to ``[explain] max_exact_features`` columns."""
        return Budget(max_exact_features=self.config.max_exact_features)

    def _no_common_scale(self, model_name: str) -> bool:
        """An average of log-odds models: its probability is not the average of its members' probabilities."""
        average = self.averages.get(model_name)
        return bool(average) and self.dataset.task == "classification" and average.output_scale != PROBABILITY

    def _stored_row(self, model_name: str, position: int, scale: str) -> Explanation | None:
        """The row from a finished job, or None."""
        if scale == NATIVE:
            native = self.explanation(model_name) if self.progress(model_name).state == "done" else None
            return None if native is None else take(native, [position])
        index = self.sample.index_of(position)
        if index is None or self.runner.progress(self.common_jobs[model_name].job).state != "done":
            return None
        common = self.common_explanation(model_name)
        return None if common is None else take(common, [index])

    def _compute_row(self, model_name: str, position: int, scale: str) -> Explanation:
        """The row explained now, in this process."""
        if model_name in self.averages:
            return self._average_row(model_name, position)
        rows = self.dataset.features.iloc[[position]]
        explainer = self.common_jobs[model_name].explainer if scale == COMMON else self._native_explainer(model_name)
        batch = explainer.explain(rows)
        arrays = {"values": batch.values, "base_values": batch.base_values, "outputs": batch.outputs}
        explanation = self._as_explanation(model_name, self.dataset.ids[[position]], arrays)
        if scale == COMMON:
            return as_common(explanation, explainer.method, explainer.exact, self.sample, members_of(explainer))
        return explanation

    def _average_row(self, model_name: str, position: int) -> Explanation:
        """An average's row in its own scale: the weighted sum of its members' (exact, by linearity)."""
        average = self.averages[model_name]
        parts = [
            self._stored_row(m, position, NATIVE) or self._compute_row(m, position, NATIVE) for m in average.members
        ]
        arrays = {
            name: sum(w * np.asarray(getattr(p, name), dtype=np.float64) for w, p in zip(average.weights, parts))
            for name in ("values", "base_values", "outputs")
        }
        return replace(
            parts[0],
            model_name=model_name,
            provenance=self._provenance(model_name),
            output_scale=average.output_scale,
            **arrays,
        )

    def _native_explainer(self, model_name: str) -> Any:
        if model_name not in self._native_explainers:
            from portal.explain import explainer_for

            estimator = self.models[model_name].fitted.estimator
            self._native_explainers[model_name] = explainer_for(
                estimator, task=self.dataset.task, background=self.background, budget=self._budget()
            )
        return self._native_explainers[model_name]


def _training_rows(data: Any, size: int, seed: int) -> pd.DataFrame:
    """A seeded sample of training rows in the original columns: the background of the common jobs, drawn as
    the project draws its own (:meth:`portal.project._project.Project._background_rows`), so at the same size they are
    the same rows."""
    train = data.train_index
    chosen = np.sort(np.random.default_rng(seed).choice(train, size=min(size, train.size), replace=False))
    return data.features.iloc[chosen]
