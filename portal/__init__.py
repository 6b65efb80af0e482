"""Model Comparison Portal: compare trained models side by side and explain them, exactly.

The Python API is this package's names (``__all__``)::

    import portal

    config = portal.load_config("project.toml")   # or portal.data.demo_config("churn")
    project = portal.open_project(config)          # train or load every model, pick the job runner
    project.start_explanations()                   # background jobs; project.progress(name) tells how far
    explanation = project.explanation("EBM")       # a portal.Explanation once its job is done

Everything here is plain Python that a script, a test or a report can use without a web server: only
:mod:`portal.web` and :mod:`portal.cli` touch Dash. The core is organised by concern, one package each
(``config``, ``data``, ``explain``, ``jobs``, ``analyses``, ``fairness``, ``figures``, ``reports``,
``project``, ``cli``, ``web``); ``docs/architecture.md`` is the tour. Names are imported on first use, so
``import portal`` stays cheap for worker processes that need only a part.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

__version__ = "0.1.0"

#: Public name -> the package that owns it.
_OWNERS = {
    "ConfigError": "portal.config",
    "ProjectConfig": "portal.config",
    "load_config": "portal.config",
    "open_project": "portal.project",
    "Project": "portal.project",
    "Explanation": "portal.results",
    "LocalExplanation": "portal.results",
    "JobProgress": "portal.results",
    "ModelMetrics": "portal.results",
    "ModelInteractions": "portal.results",
    "InteractionValues": "portal.results",
    "Provenance": "portal.results",
    "AverageMember": "portal.results",
}

__all__ = [
    "AverageMember",
    "ConfigError",
    "Explanation",
    "InteractionValues",
    "JobProgress",
    "LocalExplanation",
    "ModelInteractions",
    "ModelMetrics",
    "Project",
    "ProjectConfig",
    "Provenance",
    "__version__",
    "load_config",
    "open_project",
]

if TYPE_CHECKING:
    from portal.config import ConfigError, ProjectConfig, load_config
    from portal.project import Project, open_project
    from portal.results import (
        AverageMember,
        Explanation,
        InteractionValues,
        JobProgress,
        LocalExplanation,
        ModelInteractions,
        ModelMetrics,
        Provenance,
    )


def __getattr__(name: str) -> Any:
    """Import a public name from its package on first use (PEP 562)."""
    owner = _OWNERS.get(name)
    if owner is None:
        raise AttributeError(f"module 'portal' has no attribute {name!r}")
    value = getattr(importlib.import_module(owner), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_OWNERS))
