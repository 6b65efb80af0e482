"""Analyses: pure functions over result values, no models and no state.

Everything a page or a report compares is computed here from explanations, predictions and data frames:

- **agreement** between models' importance rankings (Spearman, Kendall, top-k overlap) and the features whose
  rank differs most; **disagreement**: rows where predictions spread or top reasons differ;
- **neighbours**: rows explained alike; **dependence**: a feature's contribution against its value, per model,
  and an EBM's shape function; **performance**: ROC, precision-recall, calibration, lift, confusion counts,
  regression errors by segment; held-out **metrics**;
- **cohorts**: the text grammar (:class:`Cohort`), the rows one selects (:class:`CohortRows`) and the model
  columns it may filter on; **row search** in the same grammar;
- **row order** of a stacked force plot: by similarity of the rows' explanations (hierarchical clustering, as
  shap orders them), by prediction, or by a feature's value;
- **what-if**: the inputs each feature accepts and an edited row, checked before any model sees it;
- the **common scale**: which models need a probability-scale job, the seeded :class:`Sample`, and how
  explanations are cut to it; the **narrative**: one row's explanation in plain words;
- **monitoring** over time: rows in calendar :class:`Windows` against a reference, each model's attribution per
  window (shares with bootstrap intervals), its ranking's agreement with the reference, shift tests of its SHAP
  values, the exact split of a change in its mean prediction, data drift (PSI), error per window, and the
  :class:`Alert` s these raise; :func:`monitoring_report` puts them together for several models in one
  :class:`MonitoringReport`; what changed in one window in words (:func:`monitoring_summary`) and ranked
  (:func:`feature_changes`), against the reference or the window before.

The cohort grammar is read by one linear parser (no backtracking), and a reader's cohort or search holds at most
:data:`MAX_TEXT` characters (:func:`check_length`), so no text can hold the server.

Errors (:class:`CohortError`, :class:`RowSearchError`, :class:`WhatIfError`) are one line that names the fix.
"""

from portal.analyses._agreement import (
    AgreementMatrix,
    RankDifference,
    agreement,
    biggest_rank_differences,
    importance_ranks,
)
from portal.analyses._alerts import alerts_for
from portal.analyses._attribution_over_time import (
    MeanChange,
    RankAgreement,
    ShiftTests,
    WindowAttribution,
    attribution_by_window,
    holm,
    mean_change,
    ndcg,
    rank_agreement,
    shift_tests,
)
from portal.analyses._cohort_rows import (
    ERROR,
    NO_HELD_OUT,
    ONE_OUTCOME,
    PREDICTION,
    CohortRows,
    check_held_out,
    classification_columns,
    regression_columns,
)
from portal.analyses._cohorts import Cohort, CohortError, Filter, cohort_example, shown
from portal.analyses._common_scale import (
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
from portal.analyses._dependence import (
    FeatureDependence,
    ShapeFunction,
    category_order,
    dependence,
    ebm_shape_function,
)
from portal.analyses._disagreement import DisagreementTable, disagreement_rows
from portal.analyses._drift import ErrorConcentration, WindowError, psi, unseen_share
from portal.analyses._grammar import MAX_TEXT, check_length
from portal.analyses._metrics import held_out_metrics
from portal.analyses._monitoring import (
    Alert,
    AlertThresholds,
    DataDrift,
    ModelOverTime,
    data_drift,
    model_over_time,
)
from portal.analyses._monitoring_narrative import (
    AGAINST,
    PREVIOUS,
    REFERENCE,
    YEAR_BEFORE,
    FeatureChange,
    alerts_sentence,
    baseline,
    baseline_index,
    baseline_words,
    feature_changes,
    main_model,
    monitoring_summary,
    p_words,
    reference_span,
    reference_window,
    window_alerts,
    window_change,
)
from portal.analyses._monitoring_report import OWN_SCALE, Labels, MonitoringReport, monitoring_report
from portal.analyses._narrative import outcome_words, summarise
from portal.analyses._neighbours import DEFAULT_K, SimilarRows, similar_rows, typical_total
from portal.analyses._performance import (
    ClassificationCurves,
    Confusion,
    RegressionDiagnostics,
    classification_curves,
    confusion_at,
    regression_diagnostics,
)
from portal.analyses._row_order import BY_PREDICTION, BY_SIMILARITY, feature_order, prediction_order, similarity_order
from portal.analyses._row_search import (
    DEFAULT_LIMIT,
    DISAGREEMENT,
    RowMatches,
    RowSearchError,
    find_rows,
    query_for,
    search_message,
)
from portal.analyses._whatif import (
    CATEGORY,
    NO_ROW_TO_CHANGE,
    NUMBER,
    FeatureSpec,
    WhatIfError,
    edited_row,
    feature_specs,
)
from portal.analyses._windows import WINDOW_KINDS, MonitoringError, Windows, windows_of

__all__ = [
    "BY_PREDICTION",
    "BY_SIMILARITY",
    "feature_order",
    "prediction_order",
    "similarity_order",
    "alerts_for",
    "MeanChange",
    "RankAgreement",
    "ShiftTests",
    "WindowAttribution",
    "attribution_by_window",
    "holm",
    "mean_change",
    "ndcg",
    "rank_agreement",
    "shift_tests",
    "ErrorConcentration",
    "WindowError",
    "psi",
    "unseen_share",
    "Alert",
    "AlertThresholds",
    "DataDrift",
    "ModelOverTime",
    "data_drift",
    "model_over_time",
    "AGAINST",
    "PREVIOUS",
    "YEAR_BEFORE",
    "REFERENCE",
    "FeatureChange",
    "alerts_sentence",
    "baseline",
    "baseline_index",
    "baseline_words",
    "feature_changes",
    "main_model",
    "monitoring_summary",
    "p_words",
    "reference_span",
    "reference_window",
    "window_alerts",
    "window_change",
    "Labels",
    "MonitoringReport",
    "OWN_SCALE",
    "monitoring_report",
    "WINDOW_KINDS",
    "MonitoringError",
    "Windows",
    "windows_of",
    "shown",
    "MAX_TEXT",
    "check_length",
    "ERROR",
    "NO_HELD_OUT",
    "ONE_OUTCOME",
    "PREDICTION",
    "CohortRows",
    "check_held_out",
    "classification_columns",
    "regression_columns",
    "BACKGROUND_ROWS",
    "CATEGORY",
    "NO_ROW_TO_CHANGE",
    "COMMON",
    "DEFAULT_K",
    "DEFAULT_LIMIT",
    "DISAGREEMENT",
    "NATIVE",
    "NUMBER",
    "UNAVAILABLE",
    "AgreementMatrix",
    "ClassificationCurves",
    "Cohort",
    "CohortError",
    "CommonMethod",
    "Confusion",
    "DisagreementTable",
    "FeatureDependence",
    "FeatureSpec",
    "Filter",
    "RankDifference",
    "RegressionDiagnostics",
    "RowMatches",
    "RowSearchError",
    "Sample",
    "ShapeFunction",
    "SimilarRows",
    "WhatIfError",
    "agreement",
    "as_common",
    "biggest_rank_differences",
    "category_order",
    "chunk_rows",
    "classification_curves",
    "confusion_at",
    "dependence",
    "disagreement_rows",
    "ebm_shape_function",
    "edited_row",
    "feature_specs",
    "find_rows",
    "search_message",
    "cohort_example",
    "held_out_metrics",
    "importance_ranks",
    "needs_job",
    "outcome_words",
    "query_for",
    "regression_diagnostics",
    "similar_rows",
    "summarise",
    "take",
    "typical_total",
]
