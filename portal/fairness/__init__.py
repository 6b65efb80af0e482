"""portal.fairness."""

from portal.fairness._adverse_action import (
    COLUMNS,
    DecisionRule,
    Reason,
    ReasonsWritten,
    declined_reason_frames,
    reasons_for_row,
    top_reasons,
    write_reasons_csv,
)
from portal.fairness._group_explanations import GroupExplanation, explain_by_group
from portal.fairness._groups import (
    JOIN,
    MISSING,
    ProtectedAttribute,
    band,
    band_labels,
    column_attribute,
    intersect,
    protected_attributes,
)
from portal.fairness._metrics import MIN_GROUP_ROWS, Disparity, GroupMetrics, ModelFairness, group_fairness
from portal.fairness._proxies import (
    FLAG_AUC,
    FLAG_SHARE,
    AttributeAssociation,
    ProxyScore,
    ProxyTable,
    associate,
    mean_abs_importance,
    rank_proxies,
)

__all__ = [
    "COLUMNS",
    "FLAG_AUC",
    "FLAG_SHARE",
    "JOIN",
    "MIN_GROUP_ROWS",
    "MISSING",
    "AttributeAssociation",
    "DecisionRule",
    "Disparity",
    "GroupExplanation",
    "GroupMetrics",
    "ModelFairness",
    "ProtectedAttribute",
    "ProxyScore",
    "ProxyTable",
    "Reason",
    "ReasonsWritten",
    "associate",
    "band",
    "band_labels",
    "column_attribute",
    "declined_reason_frames",
    "explain_by_group",
    "group_fairness",
    "intersect",
    "mean_abs_importance",
    "protected_attributes",
    "rank_proxies",
    "reasons_for_row",
    "top_reasons",
    "write_reasons_csv",
]
