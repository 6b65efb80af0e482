"""A whole project end to end, in process: train, explain every row, read it back after a restart."""

from __future__ import annotations

import tomllib
from pathlib import Path

import numpy as np
import pytest

from layouts.overview import fact_rows
from portal.config import parse_config
from portal.data import CHURN_CONFIG, load_dataset
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import LOG_ODDS, PROBABILITY, ProtectedColumn

FAST_CHURN = (
    CHURN_CONFIG.replace("n_estimators = 200, max_depth = 8", "n_estimators = 20, max_depth = 6").replace(
        "outer_bags = 4, interactions = 5", "outer_bags = 2, interactions = 3, max_rounds = 300"
    )
    + "\n[explain]\ncommon_sample_rows = 20  # the booster's and the EBM's probability samples, kept small\n"
)


@pytest.fixture(scope="module")
def churn_project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """The real Telco churn demo (7,043 rows), with smaller models so the suite stays quick."""
    raw = tomllib.loads(FAST_CHURN)
    raw["cache"] = {"dir": str(tmp_path_factory.mktemp("cache"))}
    config = parse_config(raw, base_dir=Path.cwd())
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    project.start_explanations()  # inline: returns when every job is done
    return project


def test_every_model_explains_every_row_additively(churn_project: Project) -> None:
    for name in churn_project.model_names:
        explanation = churn_project.explanation(name)
        assert explanation is not None and explanation.n_rows == 7_043
        assert explanation.values.shape == (7_043, 18)  # 19 columns less the protected senior_citizen
        total = explanation.base_values + explanation.values.sum(axis=1)
        np.testing.assert_allclose(total, explanation.outputs, atol=1e-6, rtol=0)


def test_outputs_are_the_models_own_predictions_in_the_stated_scale(churn_project: Project) -> None:
    X = churn_project.dataset.features
    scales = {}
    for name, entry in churn_project.models.entries.items():
        explanation = churn_project.explanation(name)
        model = entry.fitted.estimator
        expected = (
            model.predict_proba(X)[:, 1] if explanation.output_scale == PROBABILITY else model.decision_function(X)
        )
        np.testing.assert_allclose(explanation.outputs, expected, atol=1e-6, rtol=0)
        scales[name] = explanation.output_scale
    assert scales == {"Random forest": PROBABILITY, "Gradient boosting": LOG_ODDS, "EBM": LOG_ODDS}


def test_a_restart_reads_models_and_explanations_from_the_cache(churn_project: Project) -> None:
    messages: list[str] = []
    again = Project(
        churn_project.config, runner=JobRunner(ResultStore(churn_project.config.cache_dir)), log=messages.append
    )
    assert not [m for m in messages if m.startswith("training")]  # nothing retrained
    for name in again.model_names:
        assert again.progress(name).state == "done"
        np.testing.assert_array_equal(again.explanation(name).values, churn_project.explanation(name).values)


def test_metrics_and_summary_describe_the_held_out_split(churn_project: Project) -> None:
    metrics = {m.model_name: m for m in churn_project.metrics()}
    assert set(metrics) == set(churn_project.model_names)
    for m in metrics.values():
        assert m.n_test == 1_761 and 0.75 < m.values["AUC"] < 0.95
    facts = churn_project.facts()
    assert (facts.rows, facts.positive, facts.classes, facts.task) == (7_043, "Yes", ("No", "Yes"), "classification")
    assert facts.protected == (ProtectedColumn("senior_citizen", is_input=False),)
    assert facts.held_out_rows == churn_project.metrics()[0].n_test and len(facts.features) == 18
    assert dict(fact_rows(facts))["Protected"] == "senior_citizen (not a model input)"
    assert churn_project.row_values("C00003")["tenure"] == 2


def test_no_database_in_the_cache_holds_a_pickled_value(churn_project: Project) -> None:
    import sqlite3

    from diskcache.core import MODE_PICKLE

    databases = list(churn_project.config.cache_dir.rglob("*.db"))
    assert databases  # the index at least
    for database in databases:
        with sqlite3.connect(database) as db:
            modes = dict(db.execute("SELECT mode, COUNT(*) FROM Cache GROUP BY mode").fetchall())
        assert MODE_PICKLE not in modes and sum(modes.values()) > 0, (database, modes)
    assert not list(churn_project.config.cache_dir.rglob("*.pkl")) and not list(
        churn_project.config.cache_dir.rglob("*.pickle")
    )


def test_a_changed_default_of_a_model_kind_changes_the_fingerprint(monkeypatch) -> None:
    import models.builtin as builtin
    from portal.project._training import _effective_settings

    config = parse_config(tomllib.loads(FAST_CHURN), base_dir=Path.cwd())
    spec = next(s for s in config.models if s.kind == "ebm")
    dataset = load_dataset(config.data)
    before = _effective_settings(spec, dataset)
    monkeypatch.setattr(builtin, "EBM_DEFAULTS", {**builtin.EBM_DEFAULTS, "learning_rate": 0.5})
    after = _effective_settings(spec, dataset)
    assert before["model__learning_rate"] != after["model__learning_rate"] == 0.5
