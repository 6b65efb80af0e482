"""What the Dash layer may ask of a running project: the one seam between pages and the core.

Pages and callbacks receive an object with this shape and nothing else; tests give them a small fake.
Everything returned is a value (results, dataclasses, plain dicts): no models, no raw arrays in stores.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from pathlib import Path
from typing import Protocol, TextIO

import pandas as pd

from portal.analyses import (
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
)
from portal.config import FairnessConfig
from portal.fairness import (
    GroupExplanation,
    ModelFairness,
    ProtectedAttribute,
    ProxyTable,
    ReasonsWritten,
    RowDecision,
)
from portal.reports import ReportWritten
from portal.results import (
    Explanation,
    JobProgress,
    LocalExplanation,
    ModelInteractions,
    ModelMetrics,
    ProjectFacts,
    Provenance,
)


class PortalServices(Protocol):
    """Implemented by :class:`portal.project.Project` (each question handed to the part that owns it) and by the
    tests' in-memory twin; ``tests/web/test_services_protocol.py`` checks both against these names and
    signatures."""

    title: str

    @property
    def model_names(self) -> tuple[str, ...]:
        """Models in the order the project lists them; colours follow this order everywhere."""

    def facts(self) -> ProjectFacts:
        """The project's plain facts as a value: source, target, task, positive class, rows, features, protected
        columns; pages read its fields, never a display table by its labels."""

    def methods(self) -> tuple[Provenance, ...]:
        """How each model is explained (method, exact or not), in model order; known before any result."""

    def output_scales(self) -> tuple[str, ...]:
        """The output scale of each model's explanation, in model order."""

    def metrics(self) -> tuple[ModelMetrics, ...]:
        """Held-out metrics per model, in model order."""

    def progress(self, model_name: str) -> JobProgress:
        """How far the model's explanation job has got."""

    def explanation(self, model_name: str) -> Explanation | None:
        """The model's full explanation, or None while it is still being computed."""

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        """The rows explained so far (a seeded random sample that grows), the full one when done, or None."""

    def cancel(self, model_name: str) -> None:
        """Stop the model's job after the chunks in progress; computed chunks are kept."""

    def resume(self, model_name: str) -> None:
        """Start a cancelled (or failed) job again from its computed chunks."""

    def total_rows(self) -> int:
        """How many rows the data has (explanations so far may cover fewer)."""

    def class_names(self) -> tuple[str, ...]:
        """A multi-class project's classes, which pages let the reader choose from; empty otherwise.

        Each model's explanation then has one slice per class (``Explanation.for_class(name)``).
        """

    def row_ids(self) -> tuple[str, ...]:
        """Every row's id, as strings, in data order."""

    def row_values(self, row_id: str) -> dict[str, object]:
        """The original feature values of one row (for labels such as 'tenure = 2')."""

    def feature_values(self) -> pd.DataFrame:
        """Every row's original feature values, indexed by row id (strings, as explanations' ``row_ids``): for
        colouring a figure's sampled points on the server; the frame itself never goes to the browser."""

    def find_rows(self, text: str, column: str | None = None, limit: int = 50, sort: str | None = None) -> RowMatches:
        """The first ``limit`` rows whose values match the search (the cohort grammar over every cohort column, or
        a bare value or range of ``column``) and how many match in all, in data order or highest ``sort`` first
        ('prediction: <model>', 'error: <model>' or 'disagreement'); raises
        :class:`portal.analyses.RowSearchError`, a sentence naming the fix."""

    # --- /interactions ---------------------------------------------------------------------------------------
    def interaction_support(self) -> dict[str, str]:
        """For each model, in order: empty when it can have interaction values (tree models), else why not."""

    def interactions(
        self, model_name: str, n_rows: int, progress: Callable[[int, int], None] | None = None
    ) -> ModelInteractions:
        """The model's interaction values on a seeded sample of ``n_rows`` rows: read from the result store, or
        computed now (``progress(rows done, rows)`` as chunks finish) and stored. Arrays stay on the server."""

    # --- the common scale ------------------------------------------------------------------------------------
    def common_methods(self) -> tuple[CommonMethod, ...]:
        """How each model is explained in the common scale (probability), in model order, known before any
        result: its provenance, or None with the reason; empty for regression projects (one scale already)."""

    def common_progress(self, model_name: str) -> JobProgress | None:
        """The model's common-scale job (state "unavailable" with the reason if it has no common scale), or
        None when it needs no job (already in probability, or a regression project)."""

    def common_explanation(self, model_name: str) -> Explanation | None:
        """The model in the common scale (classification: probability) on a seeded sample of rows
        (``sample_of`` says of how many; the rows done so far while its job runs), or None."""

    def explain_row(
        self, model_name: str, row_id: str, scale: str = "common", class_name: str | None = None
    ) -> LocalExplanation | None:
        """One row in ``scale`` ("common" or "native"), computed on the server if no finished job covers it;
        None for an unknown row or a model without a common scale."""

    # --- the workbench pages ---------------------------------------------------------------------------------
    def feature_names(self) -> tuple[str, ...]:
        """The data's feature columns, in order."""

    def feature_dependence(
        self, feature: str, colour_by: str | None, explanations: Sequence[Explanation]
    ) -> tuple[FeatureDependence, ...]:
        """Each explanation's dependence on ``feature`` over one shared, seeded, capped sample of rows."""

    def shape_function(self, feature: str) -> ShapeFunction | None:
        """An EBM's learned shape function of ``feature`` (centred, in its scale), or None without an EBM."""

    def classification_curves(
        self, class_name: str | None = None, cohort: str | None = None
    ) -> tuple[ClassificationCurves, ...]:
        """Held-out ROC, precision-recall, calibration and lift per model (multi-class: one class against the rest),
        on the held-out rows of ``cohort`` (everyone when None); CohortError when they have one outcome only."""

    def confusions(
        self, threshold: float, class_name: str | None = None, cohort: str | None = None
    ) -> dict[str, Confusion]:
        """Held-out confusion counts per model at ``threshold`` (on the held-out rows of ``cohort``)."""

    def segment_columns(self) -> tuple[str, ...]:
        """Features with few levels, to break regression errors down by."""

    def regression_diagnostics(
        self, segment: str | None = None, cohort: str | None = None
    ) -> tuple[RegressionDiagnostics, ...]:
        """Held-out predicted against actual, residuals and error by ``segment`` per model (on ``cohort``'s rows)."""

    # --- cohorts ---------------------------------------------------------------------------------------------
    def cohort_columns(self) -> tuple[str, ...]:
        """What a cohort may filter on: features, target, protected attributes, 'prediction: M' and 'error: M'."""

    def cohort_rows(self, cohort: str | None) -> CohortRows:
        """The rows ``cohort`` selects, kept on the server (everyone for None or blank); raises
        :class:`portal.analyses.CohortError` naming the filter and the fix."""

    def cohort_example(self) -> str:
        """A cohort written in the project's own columns ('tenure < 29; contract = Month-to-month'), for
        placeholders and hints."""

    def feature_specs(self) -> tuple[FeatureSpec, ...]:
        """What each feature's what-if input accepts: a number range or the data's categories."""

    def what_if(
        self, row_id: str, edits: Mapping[str, object], scale: str = "native", class_name: str | None = None
    ) -> dict[str, tuple[LocalExplanation, LocalExplanation]]:
        """Every model's explanation of the row as it is and as edited: {model: (original, edited)}.

        Raises :class:`portal.analyses.WhatIfError` for an edit that does not fit its feature.
        """

    # --- fairness --------------------------------------------------------------------------------------------
    def fairness_config(self) -> FairnessConfig:
        """The ``[fairness]`` settings: bands, intersections, the four-fifths threshold, the default threshold."""

    def threshold_optimizers(self) -> tuple[str, ...]:
        """The models of kind ``threshold_optimizer``, in model order: they decide by their own threshold per group,
        so a page's decision threshold does not move their decisions."""

    def fairness_support(self) -> str:
        """Empty when group metrics can be computed (a two-class target and protected columns), else why not."""

    def protected_attributes(self) -> tuple[ProtectedAttribute, ...]:
        """Every protected column's groups (numbers banded), then each configured intersection's, in order."""

    def group_metrics(self, attribute: str, threshold: float | None = None) -> tuple[ModelFairness, ...]:
        """Per model, in order: held-out group metrics, disparity and bootstrap intervals for ``attribute`` at
        ``threshold`` (default: the config's); raises :class:`portal.fairness.FairnessError`."""

    def group_colour_names(self) -> tuple[str, ...]:
        """What /feature may colour by besides the features: each protected attribute's groups ("group: age")."""

    def group_explanations(
        self, attribute: str, model_name: str, scale: str = "native", class_name: str | None = None
    ) -> GroupExplanation | None:
        """The model's mean contribution per feature per group of ``attribute`` (rows explained so far), or None."""

    # --- proxies and adverse action --------------------------------------------------------------------------
    def proxy_tables(self, attribute: str) -> tuple[ProxyTable, ...]:
        """Each model's proxy risk table for ``attribute``, highest risk first (models with rows explained)."""

    def adverse_reasons(self, row_id: str, threshold: float | None = None) -> tuple[RowDecision, ...]:
        """Each model's decision on the row (probability of the positive class against ``threshold``, default the
        config's) and the features that pushed it most toward decline."""

    def write_adverse_reasons(self, target: str | Path | TextIO, threshold: float | None = None) -> ReasonsWritten:
        """The top reasons of every declined row of every model with a finished explanation, as CSV."""

    # --- the report for the record (the overview's "Download report") ------------------------------------------
    def write_report(
        self, out: Path, *, fmt: str = "html", progress: Callable[[float, str], None] | None = None
    ) -> ReportWritten:
        """The same file as ``python -m portal report`` (every section the project can fill) written to ``out`` as
        ``fmt`` ("html" or "pdf"), after waiting for the explanations; ``progress(fraction, words)`` hears each
        step. Raises RenderUnavailable (one line) when the machine cannot draw it."""

    # --- monitoring over time --------------------------------------------------------------------------------
    def monitoring_windows(self) -> Windows | None:
        """The project's time windows (labels oldest first, which are the reference), known when it opens and
        before any explanation; None for a project without a ``[monitoring]`` table."""

    def monitoring(self, scale: str = "own") -> MonitoringReport:
        """Every model over the windows, the data drift and the alerts, built once and kept (seconds the first time),
        in each model's own scale or (``"common"``, classification) in probability on the common scale's sample;
        a :class:`portal.config.ConfigError` without ``[monitoring]``, a :class:`portal.analyses.MonitoringError`
        naming the models whose explanation is still being computed."""
