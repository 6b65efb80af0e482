"""``python -m portal export``: the CSV promise users' scripts rely on, column for column and digit for digit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.config import load_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.reports import write_explanation_csv
from portal.results import LOG_ODDS, PROBABILITY, Explanation, Provenance
from tests.projects import run_portal, two_models

ROWS = 300
PROJECT = """
title = "Export"
[data]
source = "table.csv"
target = "bought"
id = "customer"
{models}[cache]
dir = "{cache}"
"""
COLUMNS = ["customer", "age", "income", "plan", "base_value", "model_output", "output_scale"]


portal = run_portal


def synthetic_table(rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    """A numeric column with a few missing values, another without, a text category and a yes/no target."""
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "customer": [f"c-{i:04d}" for i in range(rows)],
            "age": rng.integers(18, 80, rows).astype(float),
            "income": rng.normal(50, 15, rows).round(2),
            "plan": rng.choice(["basic", "plus", "pro"], rows),
        }
    )
    frame.loc[rng.choice(rows, 12, replace=False), "age"] = np.nan
    chance = frame["age"].fillna(40) / 100 + (frame["plan"] == "pro") * 0.3
    frame["bought"] = np.where(rng.random(rows) < chance, "yes", "no")
    return frame


@pytest.fixture(scope="module")
def exported(tmp_path_factory: pytest.TempPathFactory) -> dict:
    """Both models exported by the real command, then the project reopened in process to compare against."""
    folder = tmp_path_factory.mktemp("export")
    synthetic_table().to_csv(folder / "table.csv", index=False)
    config_path = folder / "project.toml"
    config_path.write_text(PROJECT.format(cache=folder / "cache", models=two_models(trees=8)))
    runs = {
        name: portal("export", "--config", str(config_path), "--model", name, "--out", str(folder / f"{name}.csv"))
        for name in ("Forest", "Glass box")
    }
    config = load_config(config_path)
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    return {"folder": folder, "config": config_path, "runs": runs, "project": project}


def read_export(path: Path) -> pd.DataFrame:
    return pd.read_csv(path, dtype={"customer": str})


@pytest.mark.parametrize("name", ["Forest", "Glass box"])
def test_export_writes_one_additive_row_per_data_row(exported: dict, name: str) -> None:
    run = exported["runs"][name]
    assert run.returncode == 0, run.stderr
    table = read_export(exported["folder"] / f"{name}.csv")
    assert list(table.columns) == COLUMNS
    assert len(table) == ROWS
    assert table["customer"].tolist() == [f"c-{i:04d}" for i in range(ROWS)]
    contributions = table[["age", "income", "plan"]].to_numpy()
    gap = table["base_value"].to_numpy() + contributions.sum(axis=1) - table["model_output"].to_numpy()
    assert np.abs(gap).max() <= 1e-6


def test_model_output_is_the_models_own_prediction_in_the_stated_scale(exported: dict) -> None:
    project = exported["project"]
    X = project.dataset.features
    forest = read_export(exported["folder"] / "Forest.csv")
    glass = read_export(exported["folder"] / "Glass box.csv")
    assert set(forest["output_scale"]) == {PROBABILITY} and set(glass["output_scale"]) == {LOG_ODDS}
    forest_model = project.models.entries["Forest"].fitted.estimator
    glass_model = project.models.entries["Glass box"].fitted.estimator
    np.testing.assert_allclose(forest["model_output"], forest_model.predict_proba(X)[:, 1], atol=1e-9, rtol=0)
    np.testing.assert_allclose(glass["model_output"], glass_model.decision_function(X), atol=1e-9, rtol=0)


def test_stdout_is_one_summary_line_and_progress_goes_to_stderr(exported: dict) -> None:
    run = exported["runs"]["Forest"]
    lines = run.stdout.splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"exported {ROWS} rows x 7 columns of 'Forest' to ")
    assert lines[0].endswith(" s") and "Forest.csv" in lines[0]
    assert "chunks" in run.stderr  # the job's progress


def test_an_export_of_a_computed_explanation_reuses_the_cache(exported: dict) -> None:
    out = exported["folder"] / "again.csv"
    again = portal("export", "--config", str(exported["config"]), "--model", "Forest", "--out", str(out))
    assert again.returncode == 0, again.stderr
    assert "training" not in again.stderr and "running" not in again.stderr
    assert out.read_bytes() == (exported["folder"] / "Forest.csv").read_bytes()


def test_an_unknown_model_is_one_line_naming_the_known_ones(exported: dict, tmp_path: Path) -> None:
    done = portal("export", "--config", str(exported["config"]), "--model", "Nope", "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr.strip().splitlines() == [
        "error: --model: 'Nope' is not a model of this project. Fix: use one of 'Forest', 'Glass box'"
    ]
    assert not (tmp_path / "x.csv").exists()


def test_a_demo_is_accepted_instead_of_a_config(tmp_path: Path) -> None:
    """The model name is checked before anything is trained, so this proves --demo without training the demo."""
    done = portal("export", "--demo", "churn", "--model", "Nope", "--out", str(tmp_path / "x.csv"))
    assert done.returncode == 2
    assert "'Random forest'" in done.stderr and len(done.stderr.strip().splitlines()) == 1


def test_the_file_does_not_depend_on_the_block_size(exported: dict, tmp_path: Path) -> None:
    explanation = exported["project"].explanation("Forest")
    assert isinstance(explanation.values, np.memmap)  # streamed from the cache, not loaded whole
    small = write_explanation_csv(explanation, tmp_path / "small.csv", id_name="customer", block_rows=7)
    whole = write_explanation_csv(explanation, tmp_path / "whole.csv", id_name="customer", block_rows=10**6)
    assert (small.rows, small.columns) == (whole.rows, whole.columns) == (ROWS, 7)
    assert small.path.read_bytes() == whole.path.read_bytes()
    assert small.path.read_bytes() == (exported["folder"] / "Forest.csv").read_bytes()


def hand_made(values: np.ndarray, base: np.ndarray, *, classes: tuple[str, ...] = ()) -> Explanation:
    provenance = Provenance("model", "data", "hand", exact=True)
    outputs = base + values.sum(axis=1)
    ids = np.array([f"r{i}" for i in range(values.shape[0])], dtype=object)
    scale = "logit" if classes else PROBABILITY
    return Explanation("Hand", ("a", "b"), ids, values, base, outputs, scale, provenance, class_names=classes)


def test_a_multiclass_explanation_has_a_class_column_and_a_line_per_row_and_class(tmp_path: Path) -> None:
    rng = np.random.default_rng(1)
    explanation = hand_made(rng.normal(size=(5, 2, 3)), rng.normal(size=(5, 3)), classes=("low", "mid", "high"))
    summary = write_explanation_csv(explanation, tmp_path / "multi.csv", id_name="row", block_rows=2)
    table = pd.read_csv(summary.path)
    assert list(table.columns) == ["row", "class", "a", "b", "base_value", "model_output", "output_scale"]
    assert (summary.rows, summary.columns) == (15, 7) and len(table) == 15
    assert table["row"].tolist() == [f"r{i}" for i in range(5) for _ in range(3)]
    assert table["class"].tolist() == ["low", "mid", "high"] * 5
    for k in range(3):
        rows = table[table["class"] == explanation.class_names[k]]
        np.testing.assert_array_equal(rows[["a", "b"]].to_numpy(), explanation.values[:, :, k])
        np.testing.assert_array_equal(rows["model_output"], explanation.outputs[:, k])
    assert set(table["output_scale"]) == {"logit"}


def test_formula_like_ids_classes_and_names_are_written_as_text_and_numbers_stay_numbers(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    values = rng.normal(size=(3, 2, 2))
    base = rng.normal(size=(3, 2))
    ids = np.array(["=1+1", "@SUM(A1)", "-1.5"], dtype=object)
    provenance = Provenance("m", "d", "hand", exact=True)
    outputs = base + values.sum(axis=1)
    classes = ("+a", "b")
    names = ("-x", "=y")
    explanation = Explanation("Hand", names, ids, values, base, outputs, "logit", provenance, class_names=classes)
    path = write_explanation_csv(explanation, tmp_path / "formulas.csv", id_name="@id").path
    table = pd.read_csv(path, dtype={"'@id": str})
    assert list(table.columns) == ["'@id", "class", "'-x", "'=y", "base_value", "model_output", "output_scale"]
    assert table["'@id"].tolist() == ["'=1+1", "'=1+1", "'@SUM(A1)", "'@SUM(A1)", "-1.5", "-1.5"]
    assert table["class"].tolist() == ["'+a", "b"] * 3
    np.testing.assert_array_equal(table[["'-x", "'=y"]].to_numpy()[::2], values[:, :, 0])


def test_floats_read_back_exactly(tmp_path: Path) -> None:
    rng = np.random.default_rng(2)
    values = rng.normal(size=(50, 2)) * 10.0 ** rng.integers(-12, 12, (50, 2))
    explanation = hand_made(values, rng.random(50) / 3)
    table = pd.read_csv(write_explanation_csv(explanation, tmp_path / "exact.csv", id_name="row").path)
    np.testing.assert_array_equal(table[["a", "b"]].to_numpy(), values)
    np.testing.assert_array_equal(table["model_output"], explanation.outputs)


def test_a_failed_write_leaves_the_old_file_and_no_temporary_one(tmp_path: Path, monkeypatch) -> None:
    import portal.reports._export

    target = tmp_path / "out.csv"
    target.write_text("old\n")
    calls = []

    def failing_block(*args):
        calls.append(args)
        if len(calls) > 1:
            raise OSError("disk full")
        return real_block(*args)

    real_block = portal.reports._export._block
    monkeypatch.setattr(portal.reports._export, "_block", failing_block)
    explanation = hand_made(np.ones((10, 2)), np.zeros(10))
    with pytest.raises(OSError, match="disk full"):
        write_explanation_csv(explanation, target, id_name="row", block_rows=3)
    assert target.read_text() == "old\n" and [p.name for p in tmp_path.iterdir()] == ["out.csv"]


def test_a_column_name_the_table_would_repeat_is_refused(tmp_path: Path) -> None:
    explanation = hand_made(np.ones((3, 2)), np.zeros(3))
    with pytest.raises(ValueError, match="repeat the column name"):
        write_explanation_csv(explanation, tmp_path / "x.csv", id_name="a")
    assert not list(tmp_path.iterdir())
