"""Monitoring a binary classification project in the common scale: every model in probability on the seeded
sample, its windows counting "n of N" rows, the mean probability's change split exactly; the ``monitor`` file's
``common`` section validates against the schema; a regression project, or common jobs still running, is one line.
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.analyses import COMMON, MonitoringError
from portal.config import load_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.reports import build_monitor
from portal.reports._json import finite
from portal.results import JobProgress
from tests.projects import run_portal
from tests.reports.test_monitor import validate

MONTHS = pd.period_range("2016-07", periods=6, freq="M")
REFERENCE = "2016-07..2016-09"
ROWS_PER_MONTH, SAMPLE = 200, 240
PROJECT = """
title = "Classes over time (synthetic)"
[data]
source = "{source}"
target = "label"
time = "when"
[[models]]
name = "Forest"
kind = "random_forest"
params = {{ n_estimators = 10, max_depth = 5 }}
[[models]]
name = "Booster"
kind = "gradient_boosting"
params = {{ n_estimators = 30, max_depth = 3 }}
[explain]
common_sample_rows = {sample}
[monitoring]
window = "month"
reference = "{reference}"
[cache]
dir = "{cache}"
"""


def table(task: str) -> pd.DataFrame:
    """Four features a month; from 2016-12 feature c's values are 2 higher. The label is high or low."""
    rng = np.random.default_rng(4)
    frames = []
    for i, month in enumerate(MONTHS):
        frame = pd.DataFrame(rng.normal(size=(ROWS_PER_MONTH, 4)), columns=list("abcd"))
        frame["c"] += 2.0 * (i >= 5)
        frame["when"] = [str((month.start_time + pd.Timedelta(days=int(d))).date()) for d in rng.integers(0, 28, 200)]
        frames.append(frame)
    found = pd.concat(frames, ignore_index=True)
    score = found["a"] + 2 * found["c"] + 0.5 * found["b"] + rng.normal(0, 0.3, len(found))
    found["label"] = np.where(score > 0.3, "high", "low") if task == "classification" else score
    return found.round(4)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monitor-common")
    for task in ("classification", "regression"):
        table(task).to_csv(folder / f"{task}.csv", index=False)
        text = PROJECT.format(source=f"{task}.csv", sample=SAMPLE, reference=REFERENCE, cache=folder / "cache")
        (folder / f"{task}.toml").write_text(text)
    return folder


@pytest.fixture(scope="module")
def monitored(folder: Path):
    """``monitor`` on the classification project (it also fills the cache the project-level tests open)."""
    out = folder / "monitor.json"
    done = run_portal("monitor", "--config", str(folder / "classification.toml"), "--out", str(out))
    return done, json.loads(out.read_text()) if out.is_file() else None


@pytest.fixture(scope="module")
def project(folder: Path, monitored) -> Project:
    project = Project(load_config(folder / "classification.toml"), runner=inline(folder), log=lambda _: None)
    project.start_explanations()  # inline, and every job is in the cache already
    return project


def test_monitor_writes_a_common_section_in_probability_that_validates(monitored) -> None:
    done, monitor = monitored
    assert done.returncode == 3, done.stderr  # c's drift from 2016-12 on
    validate(monitor)
    common = monitor["common"]
    assert common["scale"] == "probability" and common["sample"] == {"rows": SAMPLE, "of_rows": 1200, "seeded": True}
    assert [w["sample_of"] for w in common["windows"]] == [ROWS_PER_MONTH] * len(MONTHS)
    assert sum(w["rows"] for w in common["windows"]) == SAMPLE
    assert set(common["models"]) == set(monitor["models"]) == {"Forest", "Booster"}
    assert {monitor["models"][m]["scale"] for m in ("Forest", "Booster")} == {"probability", "log-odds"}
    for entry in common["models"].values():
        assert entry["scale"] == "probability"
        for label, window in entry["windows"].items():
            rows = next(w["rows"] for w in common["windows"] if w["window"] == label)
            assert (window["rows"], window["sample_of"]) == (rows, ROWS_PER_MONTH)
            assert 0 <= window["mean_prediction"] <= 1
            change = window["change_from_previous"]
            if change is not None:  # exact in probability too
                parts = change["before"] + change["base_change"] + sum(change["contributions"].values())
                assert parts == pytest.approx(change["after"], abs=1e-9)
    assert "no common-scale section" not in done.stderr


def test_the_project_reports_in_the_common_scale_on_the_sample_counting_n_of_n(project: Project) -> None:
    own, common = project.monitoring(), project.monitoring(COMMON)
    assert own is project.monitoring("own") and common is project.monitoring(COMMON)  # each built once
    assert (own.scale, common.scale) == ("own", "common")
    assert {m.scale for m in common.models} == {"probability"} and common.model_names == own.model_names
    assert common.windows.whole_counts() == own.windows.counts() and not own.windows.is_sample
    assert sum(common.windows.counts().values()) == SAMPLE
    assert common.alerts == own.alerts
    positions = project.common.sample.positions
    forest = project.explanation("Forest")  # a forest answers in probability: its common view is its own, cut
    outputs = np.asarray(forest.outputs)[positions]
    for i, attribution in enumerate(common.model("Forest").attribution):
        rows = np.flatnonzero(common.windows.row_window == i)
        assert attribution.mean_prediction == pytest.approx(outputs[rows].mean(), abs=1e-9)
    validate(finite(build_monitor(own, project.facts(), common=common)))


def test_common_jobs_still_running_or_a_regression_project_are_one_line(folder: Path) -> None:
    waiting = Project(load_config(folder / "classification.toml"), runner=inline(folder, "w"), log=lambda _: None)
    waiting.start_explanations(common=False)
    waiting.monitoring()  # the own scale is ready
    with pytest.raises(MonitoringError, match=r"^the common-scale \(probability\) explanations of 'Booster' are still"):
        waiting.monitoring(COMMON)
    failed = JobProgress("Booster", 3, 20, "failed", "boom")
    waiting.common.progress = lambda name: failed if name == "Booster" else None  # type: ignore[method-assign]
    with pytest.raises(MonitoringError, match=r"^the common-scale \(probability\) jobs of 'Booster' failed or were"):
        waiting.monitoring(COMMON)
    with pytest.raises(MonitoringError, match="^scale 'log-odds' is not a monitoring scale"):
        waiting.monitoring("log-odds")
    regression = Project(load_config(folder / "regression.toml"), runner=inline(folder, "r"), log=lambda _: None)
    with pytest.raises(MonitoringError, match="^the common scale is for classification projects"):
        regression.monitoring(COMMON)


def inline(folder: Path, cache: str = "cache") -> JobRunner:
    return JobRunner(ResultStore(folder / cache))
