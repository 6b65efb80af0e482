"""Every component id of the portal, in one place.

Plain strings for the components that appear once; dict ids (``{"type": ..., "model": name}``) for
the panes repeated per model, so one callback with ``MATCH`` serves every model's pane.
"""

from __future__ import annotations

from typing import Any

# shell (present on every page)
URL = "url"
PAGE = "page"
SKIP_LINK = "skip-link"
PROGRESS_AREA = "progress-area"
PROGRESS_POLL = "progress-poll"
READY_MODELS = "ready-models"  # dcc.Store: the names of models whose explanation is ready
SAMPLED_MODELS = "sampled-models"  # dcc.Store: {model: quarter of rows done} for models still computing
COMMON_LEVELS = "common-levels"  # dcc.Store: {model: quarter of its common-scale sample done; 4 when all}

# global page
IMPORTANCE_GRAPH = "importance-graph"
IMPORTANCE_MODE = "importance-mode"
IMPORTANCE_NOTE = "importance-note"
TO_OWN_SCALE = "to-own-scale"  # in the note of a cohort thin in the common sample: flips the scale toggle to native

# local page
ROW_PICKER = "row-picker"
ROW_SEARCH_COLUMN = "row-search-column"  # the column a bare value or range searches (optional)
ROW_SEARCH_TEXT = "row-search-text"  # 'tenure < 12; contract = One year', or a value of the chosen column
ROW_SEARCH_BUTTON = "row-search-button"
ROW_SEARCH_SORT = "row-search-sort"  # data order, or the highest prediction, error or disagreement first
ROW_SEARCH_RESULTS = "row-search-results"  # "first 50 of 812 matches" and links to those rows
SIMILAR_BASIS = "similar-basis"  # which explanations the neighbours are searched in: all models, or one
SIMILAR_BUTTON = "similar-button"
SIMILAR_RESULTS = "similar-results"

# the cohort bar on /global, /local, /feature and /performance
COHORT = "cohort"  # dcc.Store: the applied cohort's text ("" for everyone), never rows; pages redraw on it
COHORT_INPUT = "cohort-input"
COHORT_APPLY = "cohort-apply"
COHORT_CLEAR = "cohort-clear"
COHORT_STATUS = "cohort-status"  # "Cohort: 812 of 7,043 rows", or what is wrong with the text (in red)
NAV_LINK = "nav-link"  # dict ids {"type": ..., "page": path}: the navbar's links carry the cohort along

# global page: which models are drawn (their names travel in the URL as ?models=)
MODEL_CHOOSER = "model-chooser"
BEESWARM_COLUMN = "beeswarm-column"  # dict ids per model: the column holding its beeswarm card, hidden when unticked

# global and local pages of a multi-class project (present but hidden otherwise, so callbacks still fire)
CLASS_PICKER = "class-picker"
# global and local pages: the common scale or each model's own (hidden when a project has no common scale)
SCALE_TOGGLE = "scale-toggle"

# agreement card on the global page
AGREEMENT_STATISTIC = "agreement-statistic"
AGREEMENT_K = "agreement-k"
AGREEMENT_GRAPH = "agreement-graph"
AGREEMENT_NOTE = "agreement-note"
RANK_DIFFERENCES = "rank-differences"

# disagreement card on the local page
DISAGREEMENT_ORDER = "disagreement-order"
DISAGREEMENT_TABLE = "disagreement-table"

# what-if card on the local page
WHATIF_INPUT = "whatif-input"  # dict ids {"type": ..., "feature": name}: one input per feature
WHATIF_RESET = "whatif-reset"
WHATIF_ERROR = "whatif-error"
WHATIF_RESULTS = "whatif-results"

# feature page
FEATURE_PICKER = "feature-picker"
COLOUR_PICKER = "colour-picker"
SHAPE_TOGGLE = "shape-toggle"
DEPENDENCE_GRAPH = "dependence-graph"
DEPENDENCE_NOTE = "dependence-note"

# performance page
THRESHOLD_SLIDER = "threshold-slider"
CONFUSION_GRAPH = "confusion-graph"
SEGMENT_PICKER = "segment-picker"
SEGMENT_GRAPH = "segment-graph"

# interactions page
INTERACTION_MODEL = "interaction-model"
INTERACTION_ROWS = "interaction-rows"
INTERACTION_CLASS = "interaction-class"  # multi-class projects only
INTERACTION_COMPUTE = "interaction-compute"
INTERACTION_CANCEL = "interaction-cancel"
INTERACTION_RUNNING = "interaction-running"  # the progress bar and its words, shown while computing
INTERACTION_BAR = "interaction-bar"
INTERACTION_STATUS = "interaction-status"
INTERACTION_RESULT = "interaction-result"

# fairness page (the attribute and the threshold travel in the URL as ?attribute=&threshold=)
FAIRNESS_ATTRIBUTE = "fairness-attribute"
FAIRNESS_THRESHOLD = "fairness-threshold"
FAIRNESS_RATES = "fairness-rates"  # the selection-rate chart of every model
FAIRNESS_METRICS = "fairness-metrics"  # per model: the disparity summary and the table of group metrics
FAIRNESS_EXPLANATIONS = "fairness-explanations"
FAIRNESS_PROXIES = "fairness-proxies"
DECLINED_PICKER = "declined-picker"  # options: declined row ids, searched on the server
DECLINED_NOTE = "declined-note"
ADVERSE_REASONS = "adverse-reasons"
REASONS_DOWNLOAD_BUTTON = "reasons-download-button"
REASONS_DOWNLOAD = "reasons-download"  # dcc.Download: the CSV the server wrote
REASONS_DOWNLOAD_NOTE = "reasons-download-note"

# per-model panes (dict ids, matched with MATCH)
BEESWARM_PANE = "beeswarm-pane"
WATERFALL_PANE = "waterfall-pane"


# per-model progress rows in the shell: built once, their properties updated in place
PROGRESS_ROW = "progress-row"
PROGRESS_BAR = "progress-bar"
PROGRESS_TEXT = "progress-text"
PROGRESS_ERROR = "progress-error"
JOB_ACTION = "job-action"  # the cancel / resume / retry button beside a model's progress bar


def per_model(kind: str, model: Any) -> dict[str, Any]:
    """Id of one model's element of ``kind`` (pass ``dash.ALL`` or ``MATCH`` as ``model`` in callbacks)."""
    return {"type": kind, "model": model}


def job_action(model: Any) -> dict[str, Any]:
    return per_model(JOB_ACTION, model)


def beeswarm_pane(model: Any) -> dict[str, Any]:
    """Id of a model's beeswarm pane on /global (pass ``dash.MATCH`` as ``model`` in callbacks)."""
    return {"type": BEESWARM_PANE, "model": model}


def waterfall_pane(model: Any) -> dict[str, Any]:
    """Id of a model's waterfall pane on /local (pass ``dash.MATCH`` as ``model`` in callbacks)."""
    return {"type": WATERFALL_PANE, "model": model}


def performance_graph(name: str) -> str:
    """Id of one of /performance's graphs ("roc", "precision-recall", "calibration", "lift", ...)."""
    return f"performance-{name}"


def nav_link(page: Any) -> dict[str, Any]:
    """Id of the navbar's link to ``page`` (its path; pass ``dash.ALL`` in callbacks)."""
    return {"type": NAV_LINK, "page": page}


def whatif_input(feature: Any) -> dict[str, Any]:
    """Id of the what-if input of one feature (pass ``dash.ALL`` in callbacks)."""
    return {"type": WHATIF_INPUT, "feature": feature}


# Shared axes across side-by-side panes (/global beeswarms, /local waterfalls): each pane's graph, its
# "own axis" switch and its note (points beyond the axis), and the page's note when the panes' scales differ.
BEESWARM_GRAPH = "beeswarm-graph-of"
BEESWARM_OWN_AXIS = "beeswarm-own-axis"
BEESWARM_AXIS_NOTE = "beeswarm-axis-note"
BEESWARM_AXES_NOTE = "beeswarm-axes-note"
WATERFALL_GRAPH = "waterfall-graph-of"
WATERFALL_OWN_AXIS = "waterfall-own-axis"
WATERFALL_AXIS_NOTE = "waterfall-axis-note"
WATERFALL_AXES_NOTE = "waterfall-axes-note"

# typed threshold boxes beside the threshold sliders (/fairness, /performance) and their one-line notes
FAIRNESS_THRESHOLD_BOX = "fairness-threshold-box"
FAIRNESS_THRESHOLD_NOTE = "fairness-threshold-note"
FAIRNESS_OPTIMIZER_NOTE = "fairness-optimizer-note"
THRESHOLD_BOX = "threshold-box"
THRESHOLD_NOTE = "threshold-note"

# monitoring page (the window and the baseline travel in the URL as ?window=&against=)
MONITORING_WINDOW = "monitoring-window"
MONITORING_AGAINST = "monitoring-against"  # "reference" or "previous"
MONITORING_SCALE = "monitoring-scale"  # "own" or "common" (classification: probability on the seeded sample)
MONITORING_NOTE = "monitoring-note"  # a link's value that was not one, and what is shown instead
MONITORING_STATUS = "monitoring-status"  # the progress line while the report is built or explanations run
MONITORING_POLL = "monitoring-poll"  # asks for the report until it is ready
MONITORING_READY = "monitoring-ready"  # dcc.Store: True once the report is built (the panels then draw)
MONITORING_SUMMARY = "monitoring-summary"
MONITORING_SHARES = "monitoring-shares"
MONITORING_CHANGES = "monitoring-changes"  # the ranked table of what changed most
MONITORING_WATERFALLS = "monitoring-waterfalls"  # a card per model: its mean change split by feature
MONITORING_DRIFT = "monitoring-drift"
MONITORING_ERRORS = "monitoring-errors"
MONITORING_ALERTS = "monitoring-alerts"

# /local's force plot and decision plot (issue 15): the "Waterfall | Force" toggle (?chart=force), the panes'
# row it hides, the force card; the decision plot's mode, its model picker (rows mode), its graph and note.
LOCAL_CHART = "local-chart"  # "waterfall" or "force"
WATERFALL_PANES = "waterfall-panes"
FORCE_CARD = "force-card"
FORCE_GRAPH = "force-graph"
DECISION_MODE = "decision-mode"  # "models", "cohort" (its first 50 rows) or "disagreement" (the table's rows)
DECISION_MODEL = "decision-model"
DECISION_GRAPH = "decision-graph"
DECISION_NOTE = "decision-note"
FORCE_NOTE = "force-note"  # the models the force plot could not draw yet, and why

# /global's stacked force plot (issue 15): the model drawn, an optional second one beside it, the rows' order
# ("similarity", "prediction" or a feature's name), the cards it fills, each model's graph (dict ids: a click on
# a column opens that row on /local) and the note on what could not be drawn.
STACKED_MODEL = "stacked-model"
STACKED_BESIDE = "stacked-beside"
STACKED_ORDER = "stacked-order"
STACKED_PANES = "stacked-panes"
STACKED_GRAPH = "stacked-graph-of"
STACKED_NOTE = "stacked-note"

# the overview's "Download report" (issue 16): the format, the button and its cancel, the progress line while the
# background callback writes the file, the outcome line, and the dcc.Download that hands the file over
REPORT_FORMAT = "report-format"  # "html" or "pdf"
REPORT_BUTTON = "report-button"
REPORT_CANCEL = "report-cancel"
REPORT_RUNNING = "report-running"
REPORT_BAR = "report-bar"
REPORT_STATUS = "report-status"
REPORT_NOTE = "report-note"
REPORT_DOWNLOAD = "report-download"
