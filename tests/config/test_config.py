"""Every field of a project file, got wrong on purpose, gives one line naming it (and exit code 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from portal.config import ConfigError, load_config, parse_config
from portal.data import load_dataset

GOOD = """
[data]
source = "table.csv"
target = "churn"
id = "customer_id"
protected = ["senior"]

[[models]]
name = "Forest"
kind = "random_forest"
params = { n_estimators = 5 }
"""


@pytest.fixture
def table(tmp_path: Path) -> Path:
    frame = pd.DataFrame(
        {
            "customer_id": [f"c{i}" for i in range(40)],
            "tenure": range(40),
            "plan": ["a", "b"] * 20,
            "senior": [0, 1, 1, 0] * 10,
            "churn": ["Yes", "No"] * 20,
            "always": ["x"] * 40,
        }
    )
    frame.to_csv(tmp_path / "table.csv", index=False)
    return tmp_path


def write(folder: Path, text: str) -> Path:
    path = folder / "project.toml"
    path.write_text(text)
    return path


def error_of(folder: Path, text: str) -> ConfigError:
    with pytest.raises(ConfigError) as caught:
        config = load_config(write(folder, text))
        load_dataset(config.data, config.base_dir)
    return caught.value


def test_good_config_loads(table: Path) -> None:
    config = load_config(write(table, GOOD))
    data = load_dataset(config.data, config.base_dir)
    assert config.models[0].kind == "random_forest"
    assert tuple(data.features.columns) == ("tenure", "plan", "always")  # id, target, protected left out
    assert data.classes == ("No", "Yes") and data.positive == "Yes"
    assert data.train_index.size + data.test_index.size == 40


MISTAKES = [
    (GOOD.replace('source = "table.csv"', 'source = "missing.csv"'), "[data] source", "no file"),
    (GOOD.replace('source = "table.csv"', 'source = "table.xlsx"'), "[data] source", ".csv or .parquet"),
    (GOOD.replace('source = "table.csv"', 'source = "demo:nope"'), "[data] source", "demo"),
    (GOOD.replace('target = "churn"', 'target = "chrun"'), "[data] target", "'churn'"),
    (GOOD.replace('target = "churn"', 'target = "always"'), "[data] target", "one class"),
    (GOOD.replace('id = "customer_id"', 'id = "plan"'), "[data] id", "repeats"),
    (GOOD.replace('id = "customer_id"', 'id = "cust_id"'), "[data] id", "did you mean"),
    (GOOD.replace('protected = ["senior"]', 'protected = ["age"]'), "[data] protected", "not in the data"),
    (GOOD.replace('protected = ["senior"]', "protected = 3"), "[data] protected", "list of column names"),
    (GOOD.replace("[data]", '[data]\ntask = "ranking"'), "[data] task", "classification, regression"),
    (GOOD.replace("[data]", '[data]\npositive = "Maybe"'), "[data] positive", "not a class"),
    (GOOD.replace("[data]", '[data]\ntime = "month"'), "[data] time", "not in the data"),
    (GOOD.replace("[data]", '[data]\nfeatures = ["tenure", "pla"]'), "[data] features", "did you mean 'plan'"),
    (GOOD.replace("[data]", '[data]\nexclude = ["nope"]'), "[data] exclude", "not in the data"),
    (GOOD.replace("[data]", "[data]\ntest_size = 2"), "[data] test_size", "between 0 and 1"),
    (GOOD.replace("[data]", '[data]\nseed = "x"'), "[data] seed", "whole number"),
    (GOOD.replace("[data]", '[data]\ntargte = "x"'), "[data] targte", "did you mean 'target'"),
    (GOOD.replace('target = "churn"\n', ""), "[data] target", "is missing"),
    (GOOD.replace('kind = "random_forest"', 'kind = "random_forrest"'), "[[models]] 'Forest' kind", "random_forest"),
    (GOOD.replace('name = "Forest"\n', ""), "[[models]] #1 name", "is missing"),
    (GOOD.replace("params = { n_estimators = 5 }", "params = 5"), "[[models]] 'Forest' params", "must be a table"),
    (GOOD.replace('kind = "random_forest"', 'path = "nowhere.skops"'), "[[models]] 'Forest' path", "no file"),
    (GOOD + '\n[[models]]\nname = "Forest"\nkind = "ebm"\n', "[[models]] 'Forest' name", "used twice"),
    (GOOD.replace("[[models]]", "[[modles]]"), "modles", "did you mean 'models'"),
    (GOOD + '\n[cache]\ndirectory = "x"\n', "[cache] directory", "known fields: dir"),
    ("title = 3\n" + GOOD, "title", "must be a string"),
    ("[data\n", "config", "not valid TOML"),
    (GOOD + '\n[cache]\nsize_limit_gb = "big"\n', "[cache] size_limit_gb", "positive number"),
    (GOOD + "\n[cache]\nsize_limit_gb = inf\n", "[cache] size_limit_gb", "positive number"),
    (GOOD + "\n[cache]\nsize_limit_gb = nan\n", "[cache] size_limit_gb", "positive number"),
]


@pytest.mark.parametrize(("text", "field", "hint"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_mistake_names_its_field_in_one_line(table: Path, text: str, field: str, hint: str) -> None:
    error = error_of(table, text)
    assert error.field == field
    assert hint in str(error)
    assert "\n" not in str(error)


def test_unknown_model_parameter_is_reported_at_training(table: Path) -> None:
    from portal.jobs import ResultStore
    from portal.project import fit_or_load

    config = load_config(write(table, GOOD.replace("n_estimators = 5", "n_trees = 5")))
    data = load_dataset(config.data, config.base_dir)
    with pytest.raises(ConfigError) as caught:
        fit_or_load(config.models[0], data, ResultStore(table / "cache"), log=lambda _: None)
    assert caught.value.field == "[[models]] 'Forest' params" and "n_trees" in str(caught.value)


def test_cli_prints_one_line_and_exits_2(table: Path) -> None:
    path = write(table, GOOD.replace('target = "churn"', 'target = "chrun"'))
    done = subprocess.run(
        [sys.executable, "-m", "portal", "serve", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=Path(__file__).parents[2],
    )
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [done.stderr.strip()]
    assert "[data] target" in done.stderr and "Traceback" not in done.stderr


def test_cache_dir_comes_from_config_then_environment(table: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("PORTAL_CACHE_DIR", str(table / "env-cache"))
    assert load_config(write(table, GOOD)).cache_dir == table / "env-cache"
    config = parse_config(
        {
            "data": {"source": "x.csv", "target": "y"},
            "models": [{"name": "m", "kind": "ebm"}],
            "cache": {"dir": "here"},
        },
        base_dir=table,
    )
    assert config.cache_dir == table / "here"
