"""A classification project's models in the common scale (probability), on one seeded sample of rows.

:class:`CommonScale` opens a second job for every model not already explained in probability (see
:mod:`portal.analyses` ``_common_scale`` for which models need one and why) and serves their explanations as
they grow. The jobs are ordinary :class:`~portal.jobs.ExplanationJob` s: the sample rows are their data (a
Parquet file of their own), so they are chunked, resumable and de-duplicated like every other job, keyed by
the method, the scale, the background size and the sample.

When the data has at most ``[explain] common_all_rows_up_to`` rows (20,000 by default), the server also queues,
once the sample's jobs have ended, a job per model over **every** row in the common scale (the model's own data
file and row order). /local then reads any customer's waterfall and the what-if's unedited row from it instead of
explaining the row on the request (about 0.1 s of a core a model on the churn demo, paid again by each server
process a request lands in). Rows are explained with the values a sample job or the server would give them (a
row's permutations come from its own values), so nothing shown changes when the job ends, only how fast it comes.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from portal.analyses import (
    BACKGROUND_ROWS,
    COMMON,
    UNAVAILABLE,
    CommonMethod,
    Sample,
    as_common,
    chunk_rows,
    needs_job,
    take,
)
from portal.config import ProjectConfig
from portal.data import Dataset, key_of, library_versions, order_beside, write_frame
from portal.explain import exact_hint, explainer_for, members_of
from portal.jobs import ExplanationJob, JobRunner, ResultStore
from portal.project._entries import background_file, background_rows, budget
from portal.project._explanations import Explanations
from portal.project._models import Models
from portal.results import PROBABILITY, Explanation, JobProgress

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


class CommonScale:
    """The common-scale jobs of a project (none for regression, whose units are shared already)."""

    def __init__(
        self,
        config: ProjectConfig,
        dataset: Dataset,
        models: Models,
        explanations: Explanations,
        runner: JobRunner,
        store: ResultStore,
    ) -> None:
        self._config, self._dataset, self._models = config, dataset, models
        self._explanations, self._runner = explanations, runner
        self.sample = Sample.draw(dataset.n_rows, config.common_sample_rows, config.data.seed)
        self._done: dict[str, Explanation] = {}
        self._all_done: dict[str, Explanation] = {}
        self.jobs: dict[str, CommonJob] = {}
        self.all_rows: dict[str, ExplanationJob] = {}  # every row in the common scale (small enough data only)
        wanted = [name for name, e in models.entries.items() if needs_job(dataset.task, e.output_scale)]
        if wanted:
            self.jobs = self._open_jobs(wanted, store)
        if 0 < dataset.n_rows <= config.common_all_rows_up_to:
            self.all_rows = {name: self._all_rows_job(name, common.job) for name, common in self.jobs.items()}

    def _open_jobs(self, wanted: list[str], store: ResultStore) -> dict[str, CommonJob]:
        data, seed = self._dataset, self._config.data.seed
        frames, stem = store.root / "frames", f"{data.fingerprint}-common-{seed}"
        sample_path = str(
            write_frame(data.features.iloc[self.sample.positions], frames / f"{stem}-{self.sample.size}.parquet")
        )
        background = background_rows(data, seed, BACKGROUND_ROWS)
        background_path = str(write_frame(background, frames / background_file(data, seed)))  # the project's file
        order_path = str(order_beside(sample_path, data.y[self.sample.positions], data.task, seed))
        return {name: self._job(name, background, sample_path, background_path, order_path) for name in wanted}

    def _job(
        self, name: str, background: pd.DataFrame, sample_path: str, background_path: str, order: str
    ) -> CommonJob:
        entry, data = self._models.entries[name], self._dataset
        explainer = explainer_for(
            entry.fitted.estimator, task=data.task, background=background, scale=COMMON, budget=budget(self._config)
        )
        job = replace(
            entry.job,
            key=self._key(name, explainer.method, self.sample.size),
            n_rows=self.sample.size,
            chunk_rows=chunk_rows(self.sample.size),
            data_path=sample_path,
            background_path=background_path,
            scale=COMMON,
            order_path=order,
        )
        return CommonJob(job, explainer)

    def _all_rows_job(self, name: str, sample_job: ExplanationJob) -> ExplanationJob:
        """Every row of the data in the common scale: the model's own job (its data file, order and chunks) with
        the sample job's method and background."""
        method = self.jobs[name].explainer.method
        own = self._models.entries[name].job
        return replace(
            own, key=self._key(name, method, "all"), scale=COMMON, background_path=sample_job.background_path
        )

    def _key(self, name: str, method: str, rows: int | str) -> str:
        """A common-scale job's key: the model, the data, the method, the background and which rows."""
        data = self._dataset
        return key_of(
            "explanation",
            self._models.entries[name].fitted.fingerprint,
            data.fingerprint,
            method,
            COMMON,
            BACKGROUND_ROWS,
            data.split_fingerprint,  # the background rows are drawn from the training rows
            rows,
            self._config.data.seed,
            VERSION,
            library_versions(),
        )

    # --- what the pages ask -----------------------------------------------------------------
    def methods(self) -> tuple[CommonMethod, ...]:
        """How each model is explained in probability, in model order; empty for regression (one scale already).

        A model with a common job names that job's method (with how to make it exact, if it is not); a model
        already in probability names its own, whose values the common views cut to the sample; an average of
        log-odds models has none, and says why.
        """
        if self._dataset.task != "classification":
            return ()
        return tuple(self._method(name) for name in self._models.names)

    def progress(self, model_name: str) -> JobProgress | None:
        """The model's common-scale job, or None when it needs none (its own scale is already common)."""
        if model_name in self.jobs:
            return self._runner.progress(self.jobs[model_name].job)
        if self.unavailable(model_name):
            return JobProgress(model_name, 0, 0, UNAVAILABLE, self._no_scale(model_name))
        return None

    def explanation(self, model_name: str) -> Explanation | None:
        """The model in the common scale on the sample rows (those done so far while its job runs), or None.

        Models without a common job give their own explanation: cut to the sample rows (classification),
        or whole (regression, whose units are already shared).
        """
        if model_name in self._done:
            return self._done[model_name]
        if model_name not in self.jobs:
            native = None if self.unavailable(model_name) else self._explanations.explanation(model_name)
            if native is None or self._dataset.task != "classification":
                return native
            self._done[model_name] = self.sample.restrict(native)
            return self._done[model_name]
        common = self.jobs[model_name]
        partial = self._runner.partial(common.job)
        if partial is None:
            return None
        positions, arrays = partial
        row_ids = self._dataset.ids[self.sample.positions[positions]]
        native = self._models.as_explanation(model_name, row_ids, arrays)
        explanation = as_common(native, common.explainer.method, common.explainer.exact, self.sample)
        if self._runner.progress(common.job).state == "done":
            self._done[model_name] = explanation
        return explanation

    def all_rows_row(self, model_name: str, position: int) -> Explanation | None:
        """The row at data ``position`` from the model's every-row job once that job is done, else None."""
        job = self.all_rows.get(model_name)
        if job is None:
            return None
        if model_name not in self._all_done:
            arrays = self._runner.result(job) if self._runner.progress(job).state == "done" else None
            if arrays is None:
                return None
            explainer = self.jobs[model_name].explainer
            native = self._models.as_explanation(model_name, self._dataset.ids, arrays)
            common = as_common(native, explainer.method, explainer.exact, self.sample, members_of(explainer))
            self._all_done[model_name] = common
        return take(self._all_done[model_name], [position])

    def unavailable(self, model_name: str) -> bool:
        """An average of log-odds models: its probability is not the average of its members' probabilities."""
        average = self._models.averages.get(model_name)
        return bool(average) and self._dataset.task == "classification" and average.output_scale != PROBABILITY

    def is_done(self, model_name: str) -> bool:
        return model_name in self.jobs and self._runner.progress(self.jobs[model_name].job).state == "done"

    # --- jobs -----------------------------------------------------------------------------
    def submit_after_own(self, every: float = 0.5, every_row: bool = False) -> None:
        """Queue the common jobs once every model's own job has ended (and with ``every_row``, the server's
        choice, the every-row jobs after them: ``precompute`` leaves those to the server).

        They share the workers: queued together, a common job's slow chunks sit between the own jobs' chunks.
        Measured on the churn demo (two workers, other work on the machine): the forest's own job took 129 s
        queued together and 14 s queued first, the common jobs still ending about two minutes after the start.
        So the own views, and the forest's common view cut from its own, come first.
        """
        if not self.jobs:
            return
        if not self._runner.background:  # inline (tests): the own jobs have already ended
            return self.submit()
        own = [entry.job for entry in self._models.entries.values()]

        def wait_then_submit() -> None:
            self._wait_until_ended(own, every)
            self.submit()
            if every_row and self.all_rows:
                self._wait_until_ended([common.job for common in self.jobs.values()], every)
                self.submit_all_rows()

        threading.Thread(target=wait_then_submit, daemon=True, name="common-scale-jobs").start()

    def _wait_until_ended(self, jobs: list[ExplanationJob], every: float) -> None:
        while any(self._runner.progress(job).state in WAITING for job in jobs):
            time.sleep(every)

    def submit(self, model_name: str | None = None) -> None:
        for name, common in self.jobs.items():
            if model_name in (None, name):
                self._runner.submit(common.job)

    def submit_all_rows(self) -> None:
        """Queue the every-row jobs (the server does, once the sample's jobs have ended)."""
        for job in self.all_rows.values():
            self._runner.submit(job)

    def cancel(self, model_name: str) -> None:
        if model_name in self.jobs:
            self._runner.cancel(self.jobs[model_name].job)

    # --- helpers --------------------------------------------------------------------------
    def _method(self, model_name: str) -> CommonMethod:
        own = self._models.provenance(model_name)
        if model_name in self.jobs:
            explainer = self.jobs[model_name].explainer
            common = replace(own, method=explainer.method, exact=explainer.exact, members=members_of(explainer))
            return CommonMethod(common, hint=exact_hint(explainer))
        if self.unavailable(model_name):
            return CommonMethod(None, reason=self._no_scale(model_name))
        entry = self._models.entries.get(
            model_name
        )  # already in probability: its own method (an average's: its members')
        return CommonMethod(own, hint=entry.exact_hint if entry else "")

    def _no_scale(self, model_name: str) -> str:
        return NO_COMMON_AVERAGE.format(name=model_name, scale=self._models.output_scale(model_name))
