"""portal.project."""

from portal.project._averages import ModelAverage, combined_progress, common_rows, weighted_sum
from portal.project._cohorts import (
    NO_HELD_OUT,
    ONE_OUTCOME,
    CohortRows,
    CohortServices,
    RowIndex,
    check_held_out,
    classification_columns,
    regression_columns,
)
from portal.project._fairness import GROUP_PREFIX, FairnessError, FairnessServices, HeldOutScores
from portal.project._interactions import SAMPLE_SIZES, sample_positions, sample_sizes
from portal.project._open import open_project, open_runner
from portal.project._project import Project
from portal.project._proxies import ProxyServices, RowDecision
from portal.project._training import fit_or_load

__all__ = [
    "open_project",
    "open_runner",
    "GROUP_PREFIX",
    "NO_HELD_OUT",
    "ONE_OUTCOME",
    "SAMPLE_SIZES",
    "CohortRows",
    "CohortServices",
    "FairnessError",
    "FairnessServices",
    "HeldOutScores",
    "ModelAverage",
    "Project",
    "ProxyServices",
    "RowDecision",
    "RowIndex",
    "check_held_out",
    "classification_columns",
    "combined_progress",
    "common_rows",
    "fit_or_load",
    "regression_columns",
    "sample_positions",
    "sample_sizes",
    "weighted_sum",
]
