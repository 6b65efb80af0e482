"""Every component id of the portal, in one place.

Plain strings for the components that appear once; dict ids (``{"type": ..., "model": name}``) for
the panes repeated per model, so one callback with ``MATCH`` serves every model's pane.
"""

from __future__ import annotations

from typing import Any

# shell (present on every page)
URL = "url"
PAGE = "page"
PROGRESS_AREA = "progress-area"
PROGRESS_POLL = "progress-poll"
READY_MODELS = "ready-models"  # dcc.Store: the names of models whose explanation is ready
SAMPLED_MODELS = "sampled-models"  # dcc.Store: {model: quarter of rows done} for models still computing

# global page
IMPORTANCE_GRAPH = "importance-graph"
IMPORTANCE_MODE = "importance-mode"
IMPORTANCE_NOTE = "importance-note"

# local page
ROW_PICKER = "row-picker"

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
