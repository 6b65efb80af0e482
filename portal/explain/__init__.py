"""Exact explanations: how much each original column moved one model's output for one row.

Every explainer here is exact, never sampled: path-dependent TreeSHAP for tree ensembles (random
forests, extra trees, gradient boosting, histogram gradient boosting) and, for Explainable Boosting
Machines, interventional Shapley values computed from the model's own additive terms against a
background sample. Each states its ``output_scale`` (probability, log-odds or raw) and every batch it
returns keeps ``base_values + values.sum(axis=1) == outputs``, where outputs are the model's own
predictions in that scale.

Contributions are always in the user's original columns: whatever a Pipeline's ColumnTransformer
made of a column (one-hot parts, imputed copies) is summed back to it.

    explainer = explainer_for(model, task="classification", background=background_rows)
    batch = explainer.explain(rows)

Models with no exact method raise :class:`UnsupportedModelError`.
"""

from portal.explain._base import EBM_SHAPLEY, TREE_SHAP, ModelExplainer, UnsupportedModelError
from portal.explain._dispatch import explainer_for

__all__ = ["EBM_SHAPLEY", "TREE_SHAP", "ModelExplainer", "UnsupportedModelError", "explainer_for"]
