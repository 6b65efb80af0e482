"""Model kinds: how the portal builds, saves and loads the models it compares.

Built-in kinds (``random_forest``, ``gradient_boosting``, ``ebm``) register through the same
:func:`register_kind` call a user's own kind would use. A kind is a function
``(params, schema, task) -> unfitted scikit-learn estimator``; every built-in returns a Pipeline that
takes the original data frame (strings, missing values and all), so that explanations can be given in
the user's own columns. This package never imports Dash.
"""

from models import builtin as _builtin  # noqa: F401  (registers the built-in kinds)
from models.registry import build_model, known_kinds, register_kind
from models.schema import FeatureSchema

__all__ = ["FeatureSchema", "build_model", "known_kinds", "register_kind"]
