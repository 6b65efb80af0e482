"""Figures: pure plotly drawings of result values, shared by the pages and the static reports.

Every function here takes results (:class:`~portal.results.Explanation`, ``LocalExplanation``,
``ModelMetrics``) and returns a ``plotly.graph_objects.Figure``; none takes a model and none imports
dash. Two rules hold everywhere:

- **one colour per model** — :func:`model_colors` maps each model name, by its place in the names'
  alphabetical order, to a colour-blind safe palette, and every figure takes that mapping; text in a
  model's colour uses :func:`model_text_colors` (the same hues, 4.5:1 against white), and where models share
  a chart each also has its own dash, marker symbol and bar pattern (:func:`model_styles`, the same order);
- **every number names its scale** — axes and titles say "probability", "log-odds" or "share of
  total"; numbers on different scales are never drawn on one axis without a visible warning.
"""

from portal.figures._agreement import STATISTICS, agreement_heatmap
from portal.figures._beeswarm import beeswarm, narrow
from portal.figures._decision import MAX_ROWS as DECISION_MAX_ROWS
from portal.figures._decision import decision_models, decision_rows
from portal.figures._dependence import dependence_panels
from portal.figures._fairness import decimals, group_contribution_heatmap, selection_rate_figure, shown_features
from portal.figures._force import force_plot, force_segments
from portal.figures._importance import IMPORTANCE_MODES, RAW, SCALES_DIFFER, SHARE, importance_bars
from portal.figures._interactions import (
    INTERACTION_METHOD,
    InteractionPair,
    interaction_caption,
    interaction_heatmap,
    interaction_strength,
    top_interaction_pairs,
)
from portal.figures._metrics import LOWER_IS_BETTER, metrics_table
from portal.figures._monitoring import (
    drift_figure,
    error_over_time,
    mean_change_figure,
    share_over_time,
    shared_change_range,
    top_features,
)
from portal.figures._performance import (
    calibration_figure,
    confusion_figure,
    lift_figure,
    precision_recall_figure,
    predicted_actual_figure,
    residuals_figure,
    roc_figure,
    segment_error_figure,
)
from portal.figures._stacked_force import SAMPLE_SIZE as STACKED_SAMPLE
from portal.figures._stacked_force import order_words, stacked_force, stacked_order
from portal.figures._style import (
    PALETTE,
    TEXT_PALETTE,
    ModelStyle,
    escaped,
    fit_caption,
    in_template,
    method_label,
    model_colors,
    model_style,
    model_styles,
    model_text_colors,
    placeholder,
    scale_label,
    text_color,
)
from portal.figures._waterfall import key_values, prediction_text, waterfall
from portal.figures._whatif import what_if_bars

__all__ = [
    "DECISION_MAX_ROWS",
    "drift_figure",
    "error_over_time",
    "mean_change_figure",
    "share_over_time",
    "shared_change_range",
    "top_features",
    "PALETTE",
    "TEXT_PALETTE",
    "IMPORTANCE_MODES",
    "LOWER_IS_BETTER",
    "INTERACTION_METHOD",
    "RAW",
    "SCALES_DIFFER",
    "SHARE",
    "STACKED_SAMPLE",
    "STATISTICS",
    "InteractionPair",
    "ModelStyle",
    "agreement_heatmap",
    "beeswarm",
    "calibration_figure",
    "confusion_figure",
    "decimals",
    "decision_models",
    "decision_rows",
    "fit_caption",
    "dependence_panels",
    "escaped",
    "in_template",
    "force_plot",
    "force_segments",
    "group_contribution_heatmap",
    "importance_bars",
    "interaction_caption",
    "interaction_heatmap",
    "interaction_strength",
    "key_values",
    "lift_figure",
    "method_label",
    "order_words",
    "metrics_table",
    "narrow",
    "model_colors",
    "model_style",
    "model_styles",
    "model_text_colors",
    "placeholder",
    "precision_recall_figure",
    "predicted_actual_figure",
    "prediction_text",
    "residuals_figure",
    "roc_figure",
    "scale_label",
    "segment_error_figure",
    "selection_rate_figure",
    "shown_features",
    "stacked_force",
    "stacked_order",
    "text_color",
    "top_interaction_pairs",
    "waterfall",
    "what_if_bars",
]
