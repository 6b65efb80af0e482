"""A running project: its data, fitted models and explanation jobs, composed from small parts.

:class:`Project` is what the CLI, the server and scripts open (through :func:`portal.project.open_project`)
and what the pages talk to: it implements :class:`portal.web.PortalServices` by handing each question to the
part that owns it. Each part receives what it uses, explicitly, when the project is assembled here:

=================  ==========================================================================================
part               owns
=================  ==========================================================================================
``models``         the models by name: entries with jobs (trained, loaded, threshold optimizers) and averages
``explanations``   each model's explanation in its own scale: progress, rows so far, the finished whole
``common``         the common scale (probability) on a seeded sample: its jobs, methods and explanations
``single_rows``    one row on demand, in either scale (the local page, what-if's edited rows)
``predictions``    every model's predictions, computed once: held-out outputs and scores, cohort columns
``cohorts``        the rows a cohort selects
``performance``    held-out curves, confusion counts and regression errors, per cohort
``workbench``      feature dependence, the EBM's shape, row search, what-if
``interaction_jobs`` interaction values on demand, kept in the store
``fairness``       protected groups, group metrics, explanations by group
``proxies``        proxy risk tables and adverse-action reasons
``over_time``      monitoring: the windows of a ``[monitoring]`` project and its report (drift, alerts)
=================  ==========================================================================================

Opening trains or loads every model and computes held-out metrics; :meth:`Project.start_explanations` queues
the explanation jobs, which run in the background while the pages poll :meth:`Project.progress`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import TextIO

import numpy as np
import pandas as pd

from portal.analyses import (
    COMMON,
    NATIVE,
    OWN_SCALE,
    ClassificationCurves,
    CohortRows,
    CommonMethod,
    Confusion,
    FeatureDependence,
    FeatureSpec,
    MonitoringReport,
    RegressionDiagnostics,
    RowMatches,
    ShapeFunction,
    Windows,
    held_out_metrics,
)
from portal.config import FairnessConfig, ProjectConfig
from portal.data import Dataset, library_versions, order_beside, write_frame
from portal.fairness import GroupExplanation, ModelFairness, ProtectedAttribute, ProxyTable, ReasonsWritten, RowDecision
from portal.jobs import JobRunner, ResultStore
from portal.project._batches import data_summary, project_data
from portal.project._cohorts import Cohorts, cohort_table
from portal.project._common_scale import CommonScale
from portal.project._entries import JobFiles, background_file, background_rows
from portal.project._explanations import Explanations
from portal.project._fairness import Fairness, binary_problem, protected_frame
from portal.project._interactions import InteractionJobs, Progress
from portal.project._models import open_models
from portal.project._monitoring import Monitoring, project_windows, trained_on_reference
from portal.project._performance import Performance
from portal.project._predictions import Predictions
from portal.project._proxies import Proxies
from portal.project._single_rows import SingleRows
from portal.project._workbench import Workbench
from portal.reports import ReportWritten, write_report
from portal.results import (
    Explanation,
    JobProgress,
    LocalExplanation,
    ModelInteractions,
    ModelMetrics,
    ProjectFacts,
    ProtectedColumn,
    Provenance,
)


class Project:
    """One project's data, models and explanations, answering every question the pages ask."""

    def __init__(
        self,
        config: ProjectConfig,
        runner: JobRunner | None = None,
        log: Callable[[str], None] = print,
        chunk_rows: int | None = None,
        data: Dataset | None = None,  # project_data(config), read already (open_project reads it before any worker)
    ) -> None:
        self.config, self.title = config, config.title
        self.runner = runner or JobRunner(ResultStore(config.cache_dir))
        self.store = self.runner.store  # one store (and one index connection) for models and jobs
        data = project_data(config) if data is None else data
        log(data_summary(data))
        windows = project_windows(config, data)
        self.dataset = data = trained_on_reference(config, data, windows)
        self.background = background_rows(data, config.data.seed)
        versions = library_versions()
        self.models = open_models(
            config,
            data,
            store=self.store,
            background=self.background,
            files=self._write_job_files(),
            versions=versions,
            chunk_rows=chunk_rows,
            log=log,
        )
        self._metrics = tuple(held_out_metrics(n, self.models.estimator(n), data) for n in self.models.names)
        self.explanations = Explanations(self.models, self.runner, data)
        self.common = CommonScale(config, data.original, self.models, self.explanations, self.runner, self.store)
        self.single_rows = SingleRows(data, self.models, self.explanations, self.common)
        self.predictions = Predictions(data, self.models, seed=config.data.seed)
        self.cohorts = Cohorts(
            lambda: cohort_table(data, config.data.time), data.rows, self.models.names, self.predictions.cohort_columns
        )
        self.performance = Performance(data, self.predictions, self.cohorts.held_out)
        self.fairness, self.proxies = self._fairness_parts()
        self.workbench = Workbench(
            data, self.models, self.background, self.single_rows, self.fairness.with_group_column
        )
        self.interaction_jobs = InteractionJobs(self.models, data, self.store, seed=config.data.seed, versions=versions)
        self.over_time = Monitoring(
            config.monitoring,
            windows,
            data,
            self.predictions,
            self.models.names,
            self.explanations.explanation,
            seed=config.data.seed,
            common=self.common,
        )

    def _fairness_parts(self) -> tuple[Fairness, Proxies]:
        """Group metrics, explanations by group and adverse-action reasons; and the proxies built on them."""
        data, names, explanations = self.dataset, self.models.names, self.explanations
        fairness = Fairness(
            self.config.fairness,
            protected_frame(data),
            binary_problem=binary_problem(data),
            held_out=self.predictions.held_out_scores,
            model_names=names,
            so_far=explanations.explanation_so_far,
            common=self.common.explanation,
            rows=data.rows,
            seed=self.config.data.seed,
        )
        proxies = Proxies(
            fairness,
            data.features_by_id,
            scores=self.predictions.positive_scores,
            model_names=names,
            explanation=explanations.explanation,
            so_far=explanations.explanation_so_far,
            rows=data.rows,
        )
        return fairness, proxies

    def _write_job_files(self) -> JobFiles:
        """The Parquet files the workers read (the rows, the background rows) and the seeded row order."""
        data, seed, frames = self.dataset.original, self.config.data.seed, self.store.root / "frames"
        data_path = write_frame(data.features, frames / f"{data.fingerprint}.parquet")
        background_path = write_frame(self.background, frames / background_file(data, seed))
        order_path = order_beside(data_path, data.y, data.task, seed)  # a stratified sample first
        batch_paths = tuple(
            str(write_frame(self.dataset.features.iloc[s.start : s.stop], frames / f"{s.fingerprint}.parquet"))
            for s in self.dataset.parts[1:]
        )
        return JobFiles(str(data_path), str(background_path), str(order_path), batch_paths)

    # --- jobs -----------------------------------------------------------------------------
    def start_explanations(self, common: bool = True, every_row: bool = False) -> None:
        """Queue every model's explanation job (finished ones are found in the store and skipped), then,
        unless ``common`` is False, the common-scale jobs once those have ended; with ``every_row`` (the server)
        the every-row common jobs after those (``[explain] common_all_rows_up_to``)."""
        self.explanations.start()
        if common:
            self.common.submit_after_own(every_row=every_row)

    def warm_up(self):
        """Compile the common scale's kernels in a background thread now, not on the first visit to /local."""
        return self.single_rows.warm_up()

    # --- the project and its models -----------------------------------------------------------
    @property
    def model_names(self) -> tuple[str, ...]:
        return self.models.names

    def facts(self) -> ProjectFacts:
        return project_facts(self.config, self.dataset)

    def methods(self) -> tuple[Provenance, ...]:
        return tuple(self.models.provenance(name) for name in self.model_names)

    def output_scales(self) -> tuple[str, ...]:
        return tuple(self.models.output_scale(name) for name in self.model_names)

    def metrics(self) -> tuple[ModelMetrics, ...]:
        return self._metrics

    def total_rows(self) -> int:
        return self.dataset.n_rows

    def class_names(self) -> tuple[str, ...]:
        return self.dataset.class_names

    def row_ids(self) -> tuple[str, ...]:
        return tuple(self.dataset.ids)

    def row_values(self, row_id: str) -> dict[str, object]:
        position = self.dataset.rows.position(row_id)
        if position is None:
            return {}
        row = self.dataset.features.iloc[position]
        return {column: (None if _is_missing(value) else value) for column, value in row.items()}

    def feature_values(self) -> pd.DataFrame:
        return self.dataset.features_by_id

    # --- explanations ---------------------------------------------------------------------
    def progress(self, model_name: str) -> JobProgress:
        return self.explanations.progress(model_name)

    def explanation(self, model_name: str) -> Explanation | None:
        return self.explanations.explanation(model_name)

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        return self.explanations.explanation_so_far(model_name)

    def cancel(self, model_name: str) -> None:
        """Stop the model's jobs (an average's: its members'), own and common, after the chunks in progress."""
        for name in self.models.job_names(model_name):
            self.explanations.cancel(name)
            self.common.cancel(name)

    def resume(self, model_name: str) -> None:
        """Start the model's cancelled (or failed) jobs again from their computed chunks."""
        for name in self.models.job_names(model_name):
            self.explanations.resume(name)
            self.common.submit(name)

    def common_methods(self) -> tuple[CommonMethod, ...]:
        return self.common.methods()

    def common_progress(self, model_name: str) -> JobProgress | None:
        return self.common.progress(model_name)

    def common_explanation(self, model_name: str) -> Explanation | None:
        return self.common.explanation(model_name)

    def explain_row(
        self, model_name: str, row_id: str, scale: str = COMMON, class_name: str | None = None
    ) -> LocalExplanation | None:
        return self.single_rows.explain_row(model_name, row_id, scale, class_name)

    def interaction_support(self) -> dict[str, str]:
        return self.interaction_jobs.support()

    def interactions(self, model_name: str, n_rows: int, progress: Progress | None = None) -> ModelInteractions:
        return self.interaction_jobs.values(model_name, n_rows, progress)

    # --- the workbench ----------------------------------------------------------------------
    def feature_names(self) -> tuple[str, ...]:
        return self.workbench.feature_names()

    def feature_dependence(
        self, feature: str, colour_by: str | None, explanations: Sequence[Explanation]
    ) -> tuple[FeatureDependence, ...]:
        return self.workbench.feature_dependence(feature, colour_by, explanations)

    def shape_function(self, feature: str) -> ShapeFunction | None:
        return self.workbench.shape_function(feature)

    def find_rows(self, text: str, column: str | None = None, limit: int = 50, sort: str | None = None) -> RowMatches:
        return self.cohorts.find_rows(text, column, limit, sort)

    def feature_specs(self) -> tuple[FeatureSpec, ...]:
        return self.workbench.feature_specs()

    def what_if(
        self, row_id: str, edits: Mapping[str, object], scale: str = NATIVE, class_name: str | None = None
    ) -> dict[str, tuple[LocalExplanation, LocalExplanation]]:
        return self.workbench.what_if(row_id, edits, scale, class_name)

    def classification_curves(
        self, class_name: str | None = None, cohort: str | None = None
    ) -> tuple[ClassificationCurves, ...]:
        return self.performance.classification_curves(class_name, cohort)

    def confusions(
        self, threshold: float, class_name: str | None = None, cohort: str | None = None
    ) -> dict[str, Confusion]:
        return self.performance.confusions(threshold, class_name, cohort)

    def segment_columns(self) -> tuple[str, ...]:
        return self.performance.segment_columns()

    def regression_diagnostics(
        self, segment: str | None = None, cohort: str | None = None
    ) -> tuple[RegressionDiagnostics, ...]:
        return self.performance.regression_diagnostics(segment, cohort)

    def cohort_columns(self) -> tuple[str, ...]:
        return self.cohorts.columns()

    def cohort_rows(self, cohort: str | None) -> CohortRows:
        return self.cohorts.rows(cohort)

    def cohort_example(self) -> str:
        return self.cohorts.example()

    # --- fairness ---------------------------------------------------------------------------
    def fairness_config(self) -> FairnessConfig:
        return self.fairness.settings

    def threshold_optimizers(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.config.models if spec.is_threshold_optimizer)

    def fairness_support(self) -> str:
        return self.fairness.support()

    def protected_attributes(self) -> tuple[ProtectedAttribute, ...]:
        return self.fairness.attributes()

    def group_metrics(self, attribute: str, threshold: float | None = None) -> tuple[ModelFairness, ...]:
        return self.fairness.group_metrics(attribute, threshold)

    def group_colour_names(self) -> tuple[str, ...]:
        return self.fairness.colour_names()

    def group_explanations(
        self, attribute: str, model_name: str, scale: str = NATIVE, class_name: str | None = None
    ) -> GroupExplanation | None:
        return self.fairness.group_explanations(attribute, model_name, scale, class_name)

    def proxy_tables(self, attribute: str) -> tuple[ProxyTable, ...]:
        return self.proxies.tables(attribute)

    def adverse_reasons(self, row_id: str, threshold: float | None = None) -> tuple[RowDecision, ...]:
        return self.proxies.reasons(row_id, threshold)

    def write_adverse_reasons(self, target: str | Path | TextIO, threshold: float | None = None) -> ReasonsWritten:
        return self.proxies.write_reasons(target, threshold)

    def write_report(
        self, out: Path, *, fmt: str = "html", progress: Callable[[float, str], None] | None = None
    ) -> ReportWritten:
        """The report for the record, as ``python -m portal report`` writes it (portal.reports.write_report)."""
        return write_report(self, Path(out), fmt=fmt, progress=progress)

    # --- monitoring over time ------------------------------------------------------------------
    def monitoring(self, scale: str = OWN_SCALE) -> MonitoringReport:
        """Every model over the project's time windows, with the data drift and the alerts, in each model's own
        scale, or (``scale="common"``, classification) in probability on the common scale's seeded sample; a
        ConfigError without ``[monitoring]``, a MonitoringError while an explanation is still being computed or
        for the common scale of a regression project."""
        return self.over_time.report(scale)

    def monitoring_windows(self) -> Windows | None:
        """The project's time windows, known when it opens (before any explanation); None without [monitoring]."""
        return self.over_time.windows


def project_facts(config: ProjectConfig, dataset: Dataset) -> ProjectFacts:
    """The plain facts of a project: its data, its target and its protected columns."""
    features = tuple(dataset.features.columns)
    return ProjectFacts(
        title=config.title,
        source=dataset.source,
        target=dataset.target,
        task=dataset.task,
        positive=dataset.positive or "",
        classes=tuple(dataset.classes),
        rows=dataset.n_rows,
        held_out_rows=int(dataset.test_index.size),
        features=features,
        protected=tuple(ProtectedColumn(p, p in features) for p in dataset.protected),
        data_fingerprint=dataset.fingerprint,
        time=config.data.time or "",
    )


def _is_missing(value: object) -> bool:
    try:
        return bool(np.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return value is None
