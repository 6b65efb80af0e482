"""A running project: the composition root and the parts a :class:`Project` is made of.

:func:`open_project` turns a :class:`~portal.config.ProjectConfig` into a running :class:`Project`: it picks
where explanation jobs run (local worker processes, or Celery workers when the config names a Redis server),
loads and checks the data, trains or loads every model (once per fingerprint, kept in the cache) and wires
the parts together. The CLI, the web server and Dash's Celery page worker all open projects here.

A :class:`Project` implements :class:`portal.web.PortalServices`, the one seam the pages see, by handing
each question to the part that owns it (see :mod:`portal.project` ``_project`` for the table). The parts are
small classes that receive what they use explicitly (the data set, the models, the runner and store, the
config, the one :class:`~portal.results.RowIndex`); none reads another's private state. The ones a test twin
reuses with its own inputs (:class:`Cohorts`, :class:`Fairness`, :class:`Proxies`) are exported here.
"""

from portal.project._averages import ModelAverage, combined_progress, weighted_sum
from portal.project._batches import LabelsAdded, add_batch, add_labels, batch_store, project_data
from portal.project._cohorts import Cohorts
from portal.project._entries import BACKGROUND_ROWS, ModelEntry, chunk_rows_for
from portal.project._fairness import Fairness
from portal.project._interactions import SAMPLE_SIZES, sample_positions, sample_sizes
from portal.project._models import Models
from portal.project._monitoring import Monitoring, not_monitored
from portal.project._open import open_project, open_runner
from portal.project._predictions import HeldOutScores, Predictions
from portal.project._project import Project, project_facts
from portal.project._proxies import Proxies
from portal.project._training import FittedModel, fit_or_load

__all__ = [
    "BACKGROUND_ROWS",
    "SAMPLE_SIZES",
    "Cohorts",
    "LabelsAdded",
    "Fairness",
    "FittedModel",
    "HeldOutScores",
    "ModelAverage",
    "ModelEntry",
    "Models",
    "Monitoring",
    "Predictions",
    "Project",
    "Proxies",
    "add_batch",
    "add_labels",
    "batch_store",
    "chunk_rows_for",
    "combined_progress",
    "fit_or_load",
    "not_monitored",
    "open_project",
    "open_runner",
    "project_data",
    "project_facts",
    "sample_positions",
    "sample_sizes",
    "weighted_sum",
]
