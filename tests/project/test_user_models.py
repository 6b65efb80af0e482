"""Bring your own model: a fitted file at ``path = ...`` loads under the trust rules, fits the data, is explained.

Every refusal happens when the project opens and reaches the user as one line and exit code 2.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import joblib
import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier, VotingClassifier
from sklearn.impute import SimpleImputer
from sklearn.linear_model import LogisticRegression
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import FunctionTransformer, OneHotEncoder
from sklearn.tree import DecisionTreeClassifier

from portal.config import ConfigError, load_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import LOG_ODDS

ROOT = Path(__file__).parents[2]
ROWS = 300
COLUMNS = ["age", "income", "plan"]
PROJECT = """
[data]
source = "table.csv"
target = "bought"
[[models]]
name = "Mine"
path = "{file}"
{extra}
[cache]
dir = "cache"
"""


def portal(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "portal", *args], capture_output=True, text=True, cwd=ROOT, timeout=300
    )


def one_error_line(done: subprocess.CompletedProcess) -> str:
    """The run failed as a user mistake: exit code 2 and exactly one line on stderr, never a traceback."""
    assert done.returncode == 2, done.stderr
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "Traceback" not in done.stderr, done.stderr
    return lines[0]


@pytest.fixture(scope="module")
def table() -> pd.DataFrame:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, ROWS).astype(float),
            "income": rng.normal(50, 15, ROWS).round(2),
            "plan": rng.choice(["basic", "plus", "pro"], ROWS),
        }
    )
    frame.loc[rng.choice(ROWS, 12, replace=False), "age"] = np.nan
    chance = frame["age"].fillna(40) / 100 + (frame["plan"] == "pro") * 0.3
    frame["bought"] = np.where(rng.random(ROWS) < chance, "yes", "no")
    return frame


def preparation(numbers: object) -> ColumnTransformer:
    encode = OneHotEncoder(handle_unknown="ignore", sparse_output=False)
    return ColumnTransformer([("numbers", numbers, ["age", "income"]), ("plan", encode, ["plan"])])


def boosted(numbers: object) -> Pipeline:
    model = GradientBoostingClassifier(n_estimators=20, max_depth=2, random_state=0)
    return Pipeline([("prepare", preparation(numbers)), ("model", model)])


def fitted(model: object, frame: pd.DataFrame, columns: list[str] = COLUMNS) -> object:
    return model.fit(frame[columns], (frame["bought"] == "yes").astype(int))


def project_with(folder: Path, table: pd.DataFrame, file: str, extra: str = "") -> Path:
    """A project folder holding the data and one [[models]] table pointing at ``file``."""
    folder.mkdir(parents=True, exist_ok=True)
    table.to_csv(folder / "table.csv", index=False)
    config = folder / "project.toml"
    config.write_text(PROJECT.format(file=file, extra=extra))
    return config


def toml_list(types: list[str]) -> str:
    return "[" + ", ".join(f'"{t}"' for t in types) + "]"


def open_inline(path: Path) -> Project:
    config = load_config(path)
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=print)


def assert_explained(project: Project, table: pd.DataFrame) -> None:
    """Every row explained additively, in log-odds, and the output is the model's own decision function."""
    project.start_explanations()  # inline: returns when done
    explanation = project.explanation("Mine")
    assert explanation is not None and explanation.values.shape == (ROWS, 3)
    assert explanation.feature_names == tuple(COLUMNS) and explanation.output_scale == LOG_ODDS
    total = explanation.base_values + explanation.values.sum(axis=1)
    np.testing.assert_allclose(total, explanation.outputs, atol=1e-9, rtol=0)
    model = project.models.entries["Mine"].fitted.estimator
    np.testing.assert_allclose(explanation.outputs, model.decision_function(table[COLUMNS]), atol=1e-9, rtol=0)


@pytest.fixture(scope="module")
def pipeline_file(tmp_path_factory: pytest.TempPathFactory, table: pd.DataFrame) -> Path:
    """A scikit-learn Pipeline (ColumnTransformer + GradientBoostingClassifier) saved with skops."""
    path = tmp_path_factory.mktemp("models") / "boosted.skops"
    sio.dump(fitted(boosted(SimpleImputer(strategy="median")), table), path)
    return path


def test_a_skops_pipeline_is_refused_naming_its_untrusted_types(tmp_path: Path, table, pipeline_file) -> None:
    config = project_with(tmp_path, table, str(pipeline_file))
    needed = sio.get_untrusted_types(file=pipeline_file)
    assert "sklearn.tree._tree.Tree" in needed
    line = one_error_line(portal("precompute", "--config", str(config)))
    assert line.startswith("error: [[models]] 'Mine' path: boosted.skops contains types skops does not trust")
    assert line.endswith(f"add this line to its [[models]] table: trusted = {toml_list(needed)}")


def test_a_trusted_skops_pipeline_is_explained_and_exported(tmp_path: Path, table, pipeline_file) -> None:
    needed = sio.get_untrusted_types(file=pipeline_file)
    config = project_with(tmp_path, table, str(pipeline_file), f"trusted = {toml_list(needed)}")
    assert_explained(open_inline(config), table)
    out = tmp_path / "mine.csv"
    done = portal("export", "--config", str(config), "--model", "Mine", "--out", str(out))  # computed above: cached
    assert done.returncode == 0, done.stderr
    exported = pd.read_csv(out)
    assert list(exported.columns) == ["row", *COLUMNS, "base_value", "model_output", "output_scale"]
    gap = exported["base_value"] + exported[COLUMNS].sum(axis=1) - exported["model_output"]
    assert gap.abs().max() <= 1e-6 and exported["row"].tolist() == list(range(ROWS))


def test_a_numpy_function_needs_trusting_too(tmp_path: Path, table) -> None:
    """numpy.nan_to_num inside a FunctionTransformer is a type skops does not trust by default."""
    path = tmp_path / "cleaned.skops"
    sio.dump(fitted(boosted(FunctionTransformer(np.nan_to_num, feature_names_out="one-to-one")), table), path)
    needed = sio.get_untrusted_types(file=path)
    assert "numpy.nan_to_num" in needed
    partly = [t for t in needed if t != "numpy.nan_to_num"]
    config = project_with(tmp_path / "partly", table, str(path), f"trusted = {toml_list(partly)}")
    with pytest.raises(ConfigError) as refused:
        open_inline(config)
    assert "by default: numpy.nan_to_num." in str(refused.value)  # only the type still missing is named ...
    assert str(refused.value).endswith(f"trusted = {toml_list(needed)}")  # ... the line to add lists them all
    config = project_with(tmp_path / "all", table, str(path), f"trusted = {toml_list(needed)}")
    assert_explained(open_inline(config), table)


def test_a_joblib_file_needs_trust_and_says_why(tmp_path: Path, table, pipeline_file) -> None:
    path = tmp_path / "boosted.joblib"
    joblib.dump(sio.load(pipeline_file, trusted=sio.get_untrusted_types(file=pipeline_file)), path)
    config = project_with(tmp_path / "refused", table, str(path))
    line = one_error_line(portal("precompute", "--config", str(config)))
    assert line.startswith("error: [[models]] 'Mine' path: boosted.joblib is a .joblib file, and loading it runs")
    assert "add trust = true to its [[models]] table" in line and "skops" in line


def test_a_trusted_joblib_file_loads_with_a_warning(tmp_path: Path, table, pipeline_file, capsys) -> None:
    path = tmp_path / "boosted.joblib"
    joblib.dump(sio.load(pipeline_file, trusted=sio.get_untrusted_types(file=pipeline_file)), path)
    config = project_with(tmp_path, table, str(path), "trust = true")
    project = open_inline(config)
    warning = capsys.readouterr().err
    assert warning.strip() == (
        "warning: loading boosted.joblib with joblib (trust = true): this runs any code the file contains"
    )
    assert_explained(project, table)


def test_a_model_trained_on_other_columns_names_the_missing_and_extra_ones(tmp_path: Path, table) -> None:
    other = table.assign(region=np.where(table["income"] > 50, "north", "south"))
    encode = OneHotEncoder(handle_unknown="ignore")
    prepare = ColumnTransformer([("numbers", SimpleImputer(), ["age"]), ("categories", encode, ["plan", "region"])])
    model = Pipeline([("prepare", prepare), ("model", LogisticRegression())])
    path = tmp_path / "other.skops"
    sio.dump(fitted(model, other, ["age", "plan", "region"]), path)
    config = project_with(tmp_path, table, str(path), f"trusted = {toml_list(sio.get_untrusted_types(file=path))}")
    line = one_error_line(portal("precompute", "--config", str(config)))
    assert "other.skops was trained on other columns than the data" in line
    assert "missing from the data: region; in the data but not in the model: income" in line


def test_columns_in_another_order_are_named_with_the_line_that_fixes_it(tmp_path: Path, table) -> None:
    path = tmp_path / "reordered.skops"
    sio.dump(fitted(boosted(SimpleImputer()), table, ["plan", "income", "age"]), path)
    config = project_with(tmp_path, table, str(path), f"trusted = {toml_list(sio.get_untrusted_types(file=path))}")
    with pytest.raises(ConfigError, match=r'another order.*features = \["plan", "income", "age"\] under \[data\]'):
        open_inline(config)


def test_a_model_without_column_names_is_checked_by_count(tmp_path: Path, table) -> None:
    path = tmp_path / "numbers.skops"
    sio.dump(LogisticRegression().fit(table[["age", "income"]].fillna(0).to_numpy(), table["bought"]), path)
    config = project_with(tmp_path, table, str(path), f"trusted = {toml_list(sio.get_untrusted_types(file=path))}")
    with pytest.raises(ConfigError, match="numbers.skops takes 2 columns but the data has 3 .age, income, plan."):
        open_inline(config)


def test_a_model_the_engine_cannot_explain_is_one_line_naming_it(tmp_path: Path, table) -> None:
    def member(estimator: object) -> Pipeline:
        return Pipeline([("prepare", preparation(SimpleImputer())), ("model", estimator)])

    members = [("linear", member(LogisticRegression())), ("tree", member(DecisionTreeClassifier(max_depth=3)))]
    path = tmp_path / "vote.skops"
    sio.dump(fitted(VotingClassifier(members, voting="hard"), table), path)
    config = project_with(tmp_path, table, str(path), f"trusted = {toml_list(sio.get_untrusted_types(file=path))}")
    line = one_error_line(portal("precompute", "--config", str(config)))
    assert line.startswith("error: [[models]] 'Mine': cannot explain a VotingClassifier with voting='hard'")
    assert "supported: RandomForest" in line
