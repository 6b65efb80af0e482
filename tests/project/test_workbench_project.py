"""The workbench services of a real (small) project: what-if, dependence, the EBM's shape, performance curves."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from portal.analyses import WhatIfError
from portal.config import parse_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import LOG_ODDS, PROBABILITY
from tests.projects import two_models

CONFIG = (
    """
title = "Workbench"
[data]
source = "customers.csv"
target = "churn"
id = "customer"
positive = "yes"
[explain]
common_sample_rows = 30
"""
    + two_models()
    + """
[[models]]
name = "Booster"
kind = "gradient_boosting"
params = { n_estimators = 20, max_depth = 2 }
"""
)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("workbench")
    rng = np.random.default_rng(5)
    n = 400
    table = pd.DataFrame(
        {
            "customer": [f"K{i:04d}" for i in range(n)],
            "tenure": rng.integers(0, 72, n),
            "charges": rng.normal(70, 20, n).round(2),
            "contract": rng.choice(["monthly", "yearly", "two years"], n),
        }
    )
    risk = -table["tenure"] / 20 + (table["contract"] == "monthly") * 1.5 + rng.normal(0, 0.7, n)
    table["churn"] = np.where(risk > 0, "yes", "no")
    table.to_csv(folder / "customers.csv", index=False)
    raw = tomllib.loads(CONFIG)
    raw["cache"] = {"dir": str(folder / "cache")}
    config = parse_config(raw, base_dir=folder)
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    project.start_explanations()  # inline: every job done on return
    return project


def test_what_if_re_explains_every_model_on_the_edited_row_in_its_own_scale(project: Project) -> None:
    row_id = "K0007"
    results = project.what_if(row_id, {"tenure": "60", "contract": "two years"}, "native")
    assert set(results) == {"Forest", "Glass box", "Booster"}
    edited = project.dataset.features.iloc[[7]].copy()
    edited["tenure"], edited["contract"] = 60, "two years"
    for name, (before, after) in results.items():
        model = project.models.entries[name].fitted.estimator
        own = (
            model.predict_proba(edited)[0, 1]
            if after.output_scale == PROBABILITY
            else model.decision_function(edited)[0]
        )
        assert after.output == pytest.approx(own, abs=1e-6)
        assert after.base_value + after.values.sum() == pytest.approx(after.output, abs=1e-6)
        assert before.row_id == row_id and after.row_id == f"{row_id} (edited)"
    assert results["Booster"][1].output_scale == LOG_ODDS


def test_what_if_in_the_common_scale_gives_every_model_in_probability(project: Project) -> None:
    results = project.what_if("K0011", {"charges": 30}, "common")
    assert set(results) == {"Forest", "Glass box", "Booster"}
    edited = project.dataset.features.iloc[[11]].copy()
    edited["charges"] = 30.0
    for name, (_before, after) in results.items():
        assert after.output_scale == PROBABILITY
        proba = project.models.entries[name].fitted.estimator.predict_proba(edited)[0, 1]
        assert after.output == pytest.approx(proba, abs=1e-6)


def test_an_unchanged_what_if_equals_the_original_and_a_bad_edit_is_refused(project: Project) -> None:
    unchanged = project.what_if("K0003", {}, "native")
    assert set(unchanged) == {"Forest", "Glass box", "Booster"}
    for before, after in unchanged.values():
        np.testing.assert_allclose(after.values, before.values, atol=1e-9)
        assert after.output == pytest.approx(before.output, abs=1e-9)
    with pytest.raises(WhatIfError, match="contract has no category 'weekly'"):
        project.what_if("K0003", {"contract": "weekly"})
    with pytest.raises(WhatIfError) as unknown:  # was a KeyError: the page answered HTTP 500
        project.what_if("NOBODY", {"tenure": "3"})
    assert str(unknown.value) == "No row 'NOBODY' in the data to change; choose one of its rows."


def test_dependence_shape_and_curves_come_from_the_projects_own_values(project: Project) -> None:
    explanations = [project.explanation(m) for m in project.model_names]
    panels = project.feature_dependence("tenure", "contract", explanations)
    assert [p.model_name for p in panels] == list(project.model_names) and panels[0].n_total == 400
    shape = project.shape_function("tenure")
    assert shape is not None and shape.output_scale == LOG_ODDS and shape.scores[0] > shape.scores[-1]
    assert shape.model_name == "Glass box"  # drawn as that model's curve on its own panel
    assert project.shape_function("no such feature") is None
    test = project.dataset.test_index
    curves_of = project.classification_curves()
    assert [c.model_name for c in curves_of] == ["Forest", "Glass box", "Booster"]  # trained models, in order
    for curves in curves_of:
        model = project.models.entries[curves.model_name].fitted.estimator
        expected = skm.roc_auc_score(
            project.dataset.y[test], model.predict_proba(project.dataset.features.iloc[test])[:, 1]
        )
        assert curves.roc_auc == pytest.approx(expected)


def test_curves_are_computed_once_per_class_and_cohort_and_kept(project: Project) -> None:
    everyone = project.classification_curves()
    assert project.classification_curves() is everyone  # kept: held-out predictions never change
    monthly = project.classification_curves(None, "contract = monthly")
    assert monthly is not everyone and monthly[0].n < everyone[0].n
    assert project.classification_curves(None, " contract = monthly ") is monthly
