"""Fairness: protected groups, group metrics, explanations by group, proxies and adverse-action reasons.

Pure pieces over a project's data and results, joined to one project by :class:`portal.project.Fairness` and
:class:`portal.project.Proxies`:

- :func:`protected_attributes`: one group label per row for each protected column (numbers banded by
  ``[fairness] bands``, or at their quartiles) and each configured intersection;
- :func:`group_fairness`: held-out selection rate, TPR, FPR, precision and accuracy per group with bootstrap
  intervals, and the disparity figures (demographic parity ratio against the four-fifths rule, equalized odds
  difference), equal to fairlearn's MetricFrame;
- :func:`explain_by_group`: a model's mean contribution per feature per group;
- :func:`associate` and :func:`rank_proxies`: how well each feature predicts a protected attribute, times the
  model's reliance on it: the proxy risk table;
- :func:`reasons_for_row` and :func:`write_reasons_csv`: the features that pushed a declined row toward decline
  (declined: the model's probability of the positive class is below the threshold);
- :func:`decision_words`: what the pages call that decision, following ``[fairness] outcome_words`` ("declined"
  only for a lending decision, else "not decided 'Yes'" from the positive class's name).

:class:`FairnessError` is a question the project cannot answer (no protected columns, not a two-class target),
in one line with the fix.
"""

from portal.fairness._adverse_action import (
    COLUMNS,
    DecisionRule,
    Reason,
    ReasonsWritten,
    RowDecision,
    declined_reason_frames,
    reasons_for_row,
    top_reasons,
    write_reasons_csv,
)
from portal.fairness._group_explanations import GroupExplanation, explain_by_group
from portal.fairness._groups import (
    GROUP_PREFIX,
    JOIN,
    MISSING,
    FairnessError,
    ProtectedAttribute,
    band,
    band_labels,
    column_attribute,
    intersect,
    protected_attributes,
)
from portal.fairness._metrics import (
    MIN_GROUP_ROWS,
    VERDICTS,
    Disparity,
    GroupMetrics,
    ModelFairness,
    group_fairness,
)
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
from portal.fairness._words import DecisionWords, decision_words

__all__ = [
    "VERDICTS",
    "GROUP_PREFIX",
    "FairnessError",
    "RowDecision",
    "COLUMNS",
    "FLAG_AUC",
    "FLAG_SHARE",
    "JOIN",
    "MIN_GROUP_ROWS",
    "MISSING",
    "AttributeAssociation",
    "DecisionRule",
    "DecisionWords",
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
    "decision_words",
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
