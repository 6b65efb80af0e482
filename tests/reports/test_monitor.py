"""``python -m portal monitor`` end to end on synthetic months with a planted change in one feature's values: the
change is flagged for every model from its month on and nothing before, the JSON validates against the shipped
schema, a mistake is one line and exit 2, and the built-in models learnt from the reference months only."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from portal.analyses import MonitoringError
from portal.config import ConfigError, load_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.reports import build_monitor
from portal.reports._json import finite
from portal.reports._monitor import SCHEMA_PATH, load_schema
from tests.projects import run_portal

MONTHS = pd.period_range("2016-07", periods=10, freq="M")
REFERENCE = "2016-07..2016-10"  # the first 4 months
BETWEEN = ("2016-11", "2016-12", "2017-01")  # months 5-7: nothing changed
CHANGED = ("2017-02", "2017-03", "2017-04")  # months 8-10: feature c's values move by 2.5
MODELS = ("Forest", "Booster")
ROWS_PER_MONTH = 400
PROJECT = """
title = "Prices over time (synthetic)"
[data]
source = "table.csv"
target = "price"
time = "when"
[[models]]
name = "Forest"
kind = "random_forest"
params = {{ n_estimators = 10, max_depth = 5 }}
[[models]]
name = "Booster"
kind = "gradient_boosting"
params = {{ n_estimators = 40, max_depth = 3 }}
{monitoring}
[cache]
dir = "{cache}"
"""
MONITORING = f'[monitoring]\nwindow = "month"\nreference = "{REFERENCE}"\n{{more}}'


def months() -> pd.DataFrame:
    """400 rows a month, dated within it; from month 8 on, feature c's values are 2.5 higher. The models do not
    change: the price is the same function of the features throughout."""
    rng = np.random.default_rng(1)
    frames = []
    for i, month in enumerate(MONTHS):
        frame = pd.DataFrame(rng.normal(size=(ROWS_PER_MONTH, 4)), columns=list("abcd"))
        frame["c"] += 2.5 * (i >= 7)
        days = rng.integers(0, month.days_in_month, ROWS_PER_MONTH)
        frame["when"] = [str((month.start_time + pd.Timedelta(days=int(d))).date()) for d in days]
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    table["price"] = table["a"] + 2 * table["c"] + 0.5 * table["b"] + rng.normal(0, 0.2, len(table))
    return table.round(4)


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("monitor")
    months().to_csv(folder / "table.csv", index=False)
    variants = {
        "monitored": MONITORING.format(more=""),
        "unmonitored": "",
        "all_rows": MONITORING.format(more="train_on_reference = false\n"),
        "no_reference_rows": MONITORING.replace(REFERENCE, "2015-01..2015-03").format(more=""),
    }
    for name, monitoring in variants.items():
        (folder / f"{name}.toml").write_text(PROJECT.format(monitoring=monitoring, cache=folder / "cache"))
    return folder


@pytest.fixture(scope="module")
def monitored(folder: Path):
    out = folder / "monitor.json"
    done = run_portal("monitor", "--config", str(folder / "monitored.toml"), "--out", str(out))
    return done, json.loads(out.read_text()) if out.is_file() else None


def validate(monitor: dict) -> None:
    jsonschema.validate(monitor, load_schema(), format_checker=jsonschema.FormatChecker())


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_monitor_flags_the_planted_change_for_every_model_from_its_month_on_and_exits_3(monitored) -> None:
    done, monitor = monitored
    assert done.returncode == 3, done.stderr
    alerts = monitor["alerts"]
    for model in MODELS:
        for window in CHANGED:
            found = [a for a in alerts if (a["model"], a["window"]) == (model, window)]
            assert {("c", "attribution_shift"), ("c", "psi")} <= {(a["feature"], a["kind"]) for a in found}, model
            assert next(a for a in found if a["feature"])["feature"] == "c"  # the top change there
            assert not [a for a in found if a["kind"] == "psi" and a["feature"] != "c"]  # no other feature drifted
    assert [a for a in alerts if a["window"] in BETWEEN] == []
    assert {a["window"] for a in alerts} == set(CHANGED)


def test_stdout_is_the_summary_then_one_line_per_distinct_alert(monitored, folder: Path) -> None:
    done, monitor = monitored
    lines = done.stdout.splitlines()
    n = len(monitor["alerts"])
    assert lines[0] == f"monitored 2 models over 10 months to {folder / 'monitor.json'}: {n} alert(s)"
    reasons = [a["reason"] for a in monitor["alerts"]]
    assert lines[1:] == [f"alert: {r}" for r in dict.fromkeys(reasons)] and n >= 12  # each reason once
    assert len(lines[1:]) < len(reasons)  # the drift of a feature is one line, not one per model
    assert "leans more on c in 2017-02" in done.stdout and "Traceback" not in done.stderr


def test_the_json_validates_and_holds_every_window_model_and_feature(monitored) -> None:
    _, monitor = monitored
    validate(monitor)
    assert monitor["windows"] == [
        {"window": str(m), "rows": ROWS_PER_MONTH, "reference": i < 4} for i, m in enumerate(MONTHS)
    ]
    assert monitor["settings"]["reference"] == ["2016-07", "2016-08", "2016-09", "2016-10"]
    assert monitor["passed"] is False and set(monitor["models"]) == set(MODELS)
    for model in MODELS:
        entry = monitor["models"][model]
        assert entry["scale"] == "raw" and entry["method"]
        moved = entry["windows"]["2017-02"]["change_from_previous"]["contributions"]
        assert next(iter(moved)) == "c" and moved["c"] > 2  # c rose by 2.5 (trees flatten beyond the reference)
        assert list(entry["windows"]) == [str(m) for m in MONTHS]
        for label, window in entry["windows"].items():
            features = window["features"]
            assert set(features) == set("abcd")
            assert sum(f["share"] for f in features.values()) == pytest.approx(1.0)
            total = window["mean_base"] + sum(f["mean_contribution"] for f in features.values())
            assert total == pytest.approx(window["mean_prediction"], abs=1e-9)  # base + contributions = prediction
            change = window["change_from_previous"]
            if label != "2016-07":  # the mean prediction's change since the month before, split exactly
                parts = change["before"] + change["base_change"] + sum(change["contributions"].values())
                assert parts == pytest.approx(change["after"], abs=1e-9)
                assert change["after"] == window["mean_prediction"]
            else:
                assert change is None
            reference = label <= "2016-10"
            assert (features["c"]["shift_p_value"] is None) == reference  # no test of the reference against itself
            assert (features["c"]["psi"] > 1) == (label in CHANGED)
            assert -1 <= window["rank_agreement"] <= 1 and 0 < window["ndcg"] <= 1
            if not reference:
                assert window["error"]["rows"] == ROWS_PER_MONTH  # every later row is held out
        assert entry["reference"]["error"]["MAE"] > 0


def test_the_reference_error_is_measured_on_rows_the_models_did_not_learn(folder: Path, monitored) -> None:
    _, monitor = monitored
    project = Project(load_config(folder / "monitored.toml"), runner=inline(folder), log=lambda _: None)
    held_out = 4 * ROWS_PER_MONTH - project.dataset.train_index.size
    for model in MODELS:
        errors = [monitor["models"][model]["windows"][str(m)]["error"]["rows"] for m in MONTHS[:4]]
        assert sum(errors) == monitor["models"][model]["reference"]["error"]["rows"] == held_out


def test_train_on_reference_trains_the_built_in_models_on_the_reference_rows_only(folder: Path) -> None:
    logged: list[str] = []
    config = load_config(folder / "monitored.toml")
    project = Project(config, runner=inline(folder, "fresh"), log=logged.append)
    every = Project(load_config(folder / "all_rows.toml"), runner=inline(folder, "fresh"), log=logged.append)
    when = pd.to_datetime(project.dataset.frame["when"])
    reference = np.flatnonzero(when < "2016-11-01")
    trained = project.dataset.train_index
    assert np.array_equal(trained, np.intersect1d(every.dataset.train_index, reference))
    assert trained.size > 0.6 * reference.size  # about the split's share of them
    assert np.array_equal(project.dataset.test_index, every.dataset.test_index)  # the held-out rows stay
    assert f"training Forest (random_forest) on {trained.size:,} rows ..." in logged
    assert f"training Forest (random_forest) on {every.dataset.train_index.size:,} rows ..." in logged
    for name in MODELS:  # other training rows, other fitted models: neither is read from the other's cache
        assert project.models.entries[name].fitted.fingerprint != every.models.entries[name].fitted.fingerprint
    assert project.background.index.isin(reference).all()  # explained against reference rows too


def test_the_project_says_which_explanations_it_waits_for_and_that_an_unmonitored_one_has_no_report(
    folder: Path,
) -> None:
    waiting = Project(load_config(folder / "monitored.toml"), runner=inline(folder, "waiting"), log=lambda _: None)
    with pytest.raises(MonitoringError, match="the explanations of 'Forest', 'Booster' are still being computed"):
        waiting.monitoring()
    waiting.start_explanations(common=False)  # inline: returns when done
    assert waiting.monitoring() is waiting.monitoring()  # computed once
    unmonitored = Project(load_config(folder / "unmonitored.toml"), runner=inline(folder), log=lambda _: None)
    with pytest.raises(ConfigError, match=r"^\[monitoring\]: the project has no \[monitoring\] table"):
        unmonitored.monitoring()


def test_a_binary_classification_project_is_monitored_in_its_scale_with_auc_and_brier(folder: Path) -> None:
    table = months()
    table["price"] = np.where(table["price"] > 0.3, "high", "low")
    table.to_csv(folder / "classes.csv", index=False)
    text = PROJECT.format(monitoring=MONITORING.format(more=""), cache=folder / "classes-cache")
    (folder / "classes.toml").write_text(text.replace("table.csv", "classes.csv"))
    project = Project(load_config(folder / "classes.toml"), runner=inline(folder, "classes-cache"), log=lambda _: None)
    project.start_explanations(common=False)
    monitor = build_monitor(project.monitoring(), project.facts())
    validate(finite(monitor))
    assert monitor["project"]["rows"] == 10 * ROWS_PER_MONTH
    for model in MODELS:
        entry = monitor["models"][model]
        assert entry["scale"] in ("probability", "log-odds")
        assert set(entry["reference"]["error"]) == {"rows", "AUC", "Brier"} and entry["reference"]["error"]["AUC"] > 0.9
    flagged = {(a["model"], a["window"], a["feature"], a["kind"]) for a in monitor["alerts"]}
    assert {(m, w, "c", "psi") for m in MODELS for w in CHANGED} <= flagged
    assert {(m, w, "c", "attribution_shift") for m in MODELS for w in CHANGED} <= flagged
    assert not [a for a in monitor["alerts"] if a["window"] in BETWEEN]


@pytest.mark.parametrize(
    ("variant", "line"),
    [
        ("unmonitored", "error: [monitoring]: the project has no [monitoring] table to monitor it over time. Fix: "),
        ("no_reference_rows", "error: [monitoring]: reference window '2015-01' holds no rows; the windows run from"),
    ],
)
def test_a_mistake_is_one_line_on_stderr_without_a_traceback_and_exit_2(folder: Path, variant, line) -> None:
    out = folder / f"{variant}.json"
    done = run_portal("monitor", "--config", str(folder / f"{variant}.toml"), "--out", str(out))
    assert done.returncode == 2
    errors = [e for e in done.stderr.splitlines() if e.startswith("error:")]
    assert len(errors) == 1 and errors[0].startswith(line) and "Traceback" not in done.stderr
    assert done.stdout == "" and not out.exists()


def test_an_output_folder_that_does_not_exist_is_exit_2(folder: Path) -> None:
    done = run_portal("monitor", "--config", str(folder / "monitored.toml"), "--out", "/no/such/folder/m.json")
    assert (done.returncode, done.stderr) == (
        2,
        "error: --out: no folder /no/such/folder. Fix: create it first or write elsewhere\n",
    )


def test_nan_is_written_as_null_so_any_json_parser_reads_the_file(monitored, folder: Path) -> None:
    text = (folder / "monitor.json").read_text()
    assert "NaN" not in text and "Infinity" not in text
    assert '"shift_p_value": null' in text  # the reference windows' tests, undefined


def inline(folder: Path, cache: str = "cache") -> JobRunner:
    return JobRunner(ResultStore(folder / cache))
