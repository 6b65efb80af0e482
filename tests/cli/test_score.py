"""``python -m portal score``: a new month's batch is checked, appended in the cache and explained alone.

A small monitored project (five months of bookings, two models and their average) is explained once; each
test then works on its own copy of that cache: scoring explains only the batch's rows (the engine's calls are
counted) with the models loaded, not retrained; a malformed batch is one line, exit 2 and the project exactly
as it was; after scoring the project opens with the batch's month, which ``monitor`` reports, and labels that
come later bring that month's error.
"""

from __future__ import annotations

import hashlib
import io
import json
import shutil
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.explain
from portal.cli import main
from portal.config import load_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Project, add_batch, add_labels, batch_store

MONTHS = pd.period_range("2016-07", periods=6, freq="M")  # five in the source, the sixth is the batch
ROWS_PER_MONTH = 120
BATCH_MONTH = "2016-12"
MODELS = ("Forest", "Booster", "Blend")
PROJECT = """
title = "Bookings"
[data]
source = "table.csv"
target = "price"
id = "booking"
time = "when"
[[models]]
name = "Forest"
kind = "random_forest"
params = {{ n_estimators = 10, max_depth = 4 }}
[[models]]
name = "Booster"
kind = "gradient_boosting"
params = {{ n_estimators = 30, max_depth = 3 }}
[[models]]
name = "Blend"
kind = "average"
members = ["Forest", "Booster"]
[monitoring]
window = "month"
reference = "2016-07..2016-09"
[cache]
dir = "{cache}"
"""


def bookings() -> pd.DataFrame:
    rng = np.random.default_rng(3)
    frames = []
    for i, month in enumerate(MONTHS):
        frame = pd.DataFrame(rng.normal(size=(ROWS_PER_MONTH, 3)).round(4), columns=list("abc"))
        frame["room"] = rng.choice(["A", "B", "C"], ROWS_PER_MONTH)
        days = rng.integers(0, month.days_in_month, ROWS_PER_MONTH)
        frame["when"] = [str((month.start_time + pd.Timedelta(days=int(d))).date()) for d in days]
        frame.insert(0, "booking", [f"b{i}-{j:03d}" for j in range(ROWS_PER_MONTH)])
        frames.append(frame)
    table = pd.concat(frames, ignore_index=True)
    noise = rng.normal(0, 0.2, len(table))
    table["price"] = (table["a"] + 2 * table["c"] + (table["room"] == "B") + noise).round(4)
    return table


@pytest.fixture(scope="module")
def base(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The source (five months), the batch (the sixth, without prices), its labels, and the explained cache."""
    folder = tmp_path_factory.mktemp("score")
    table = bookings()
    source, batch = table.iloc[: 5 * ROWS_PER_MONTH], table.iloc[5 * ROWS_PER_MONTH :]
    source.to_csv(folder / "table.csv", index=False)
    batch.drop(columns="price").to_csv(folder / "batch.csv", index=False)
    batch[["booking", "price"]].to_csv(folder / "labels.csv", index=False)
    config = write_project(folder, "base")
    Project(config, runner=inline(config), log=lambda _: None).start_explanations(common=False)
    return folder


def write_project(folder: Path, name: str) -> object:
    path = folder / f"{name}.toml"
    path.write_text(PROJECT.format(cache=folder / f"{name}-cache"))
    return load_config(path)


def copy_of(base: Path, name: str):
    """A project on the base's source with a copy of its explained cache."""
    shutil.copytree(base / "base-cache", base / f"{name}-cache")
    return write_project(base, name)


def project_file(config) -> str:
    """The project file ``write_project`` wrote for ``config`` (named as its cache folder is)."""
    return str(config.base_dir / f"{config.cache_dir.name.removesuffix('-cache')}.toml")


def inline(config) -> JobRunner:
    return JobRunner(ResultStore(config.cache_dir))


def run(*args: str) -> tuple[int, str, str]:
    """``python -m portal ARGS`` in this process: exit code, stdout, stderr."""
    out, err = io.StringIO(), io.StringIO()
    with redirect_stdout(out), redirect_stderr(err):
        code = main(list(args))
    return code, out.getvalue(), err.getvalue()


def snapshot(*folders: Path) -> dict[str, str]:
    """Every file under ``folders`` with a hash of its bytes: the project exactly as it is."""
    return {
        str(path): hashlib.sha256(path.read_bytes()).hexdigest()
        for folder in folders
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_scoring_explains_only_the_batch_rows_with_the_models_loaded_not_retrained(base: Path, monkeypatch) -> None:
    config = copy_of(base, "counted")
    before = Project(config, runner=inline(config), log=lambda _: None)
    earlier = {name: before.explanation(name) for name in MODELS}
    fingerprints = {name: e.fitted.fingerprint for name, e in before.models.entries.items()}
    record = add_batch(config, base / "batch.csv")
    assert (record.number, record.rows, record.windows) == (1, ROWS_PER_MONTH, (BATCH_MONTH,))

    explained: list[int] = []
    engine = portal.explain.explain_in_calls

    def counting(explainer, rows):
        explained.append(len(rows))
        return engine(explainer, rows)

    monkeypatch.setattr(portal.explain, "explain_in_calls", counting)
    logged: list[str] = []
    project = Project(config, runner=inline(config), log=logged.append)
    assert not [line for line in logged if line.startswith("training")]  # loaded from the cache
    assert {name: e.fitted.fingerprint for name, e in project.models.entries.items()} == fingerprints
    n = 5 * ROWS_PER_MONTH
    for name in MODELS:  # before the batch's jobs run: the earlier rows, as the rows done so far
        assert project.explanation(name) is None and project.explanation_so_far(name).values.shape[0] == n
    progress = project.progress("Forest")
    assert (progress.done, progress.total, progress.state) == (2, 3, "pending")  # 600 rows in 2 chunks, the batch's 1
    project.start_explanations(common=False)
    assert sum(explained) == 2 * ROWS_PER_MONTH  # the batch's rows, once per model with a job; the average combines
    for name in MODELS:
        whole = project.explanation(name)
        assert whole.values.shape[0] == n + ROWS_PER_MONTH
        assert np.array_equal(whole.values[:n], earlier[name].values)  # history as it was
        assert list(whole.row_ids[n:]) == [f"b5-{j:03d}" for j in range(ROWS_PER_MONTH)]
        gap = whole.base_values[n:] + whole.values[n:].sum(axis=1) - whole.outputs[n:]
        assert np.abs(gap).max() < 1e-6
    assert np.array_equal(project.dataset.train_index, before.dataset.train_index)  # batch rows never train


def malformed(table: pd.DataFrame, kind: str) -> pd.DataFrame:
    table = table.copy()
    if kind == "missing column":
        return table.drop(columns="a")
    if kind == "extra column":
        return table.assign(colour="red")
    if kind == "text in a number column":
        table["b"] = table["b"].astype(object)
        table.loc[table.index[3], "b"] = "lots"
    elif kind == "unseen category":
        table["room"] = table["room"].astype(object)
        table.loc[table.index[:2], "room"] = ["Z", "Penthouse"]
    elif kind == "id already present":
        table.loc[table.index[0], "booking"] = "b0-007"
    elif kind == "time that does not parse":
        table.loc[table.index[5], "when"] = "next tuesday"
    elif kind == "time in the reference":
        table.loc[table.index[:4], "when"] = "2016-08-03"
    elif kind == "window too small":
        table.loc[table.index[:3], "when"] = "2017-03-01"
    return table


CASES = {
    "missing column": "error: --batch: bad.csv lacks the project's column(s) 'a'. Fix: add them",
    "extra column": "error: --batch: bad.csv has column(s) the project does not have: 'colour'. Fix: remove them",
    "text in a number column": "error: --batch: column 'b' of bad.csv holds text where the project has numbers: 'lots'",
    "unseen category": "error: --batch: column 'room' of bad.csv has categories the project has never seen: 'Z', "
    "'Penthouse'. Fix: map them to known ones (A, B, C)",
    "id already present": "error: --batch: 1 id(s) of bad.csv are already rows of the project: 'b0-007'. Fix: drop",
    "time that does not parse": "error: --batch: bad.csv: the time column 'when' has 1 values that are not dates "
    "(for example 'next tuesday'). Fix: write them as ISO dates",
    "time in the reference": "error: --batch: 4 row(s) of bad.csv fall in 2016-08, not after the reference "
    "2016-07..2016-09. Fix: ",
    "window too small": "error: --batch: bad.csv: 1 window(s) hold fewer than 30 rows: 2017-03 (3). Fix: ",
    "unreadable file": "error: --batch: cannot read bad.parquet: ",
    "labels of unknown ids": "error: --labels: 2 id(s) of bad.csv are not rows of any batch: 'b0-001', 'nobody'",
}


@pytest.mark.parametrize("kind", list(CASES))
def test_a_malformed_batch_is_one_line_exit_2_and_leaves_the_project_exactly_as_it_was(base: Path, kind) -> None:
    config = copy_of(base, f"bad-{kind.replace(' ', '-')}")
    folder = base / f"bad-{kind.replace(' ', '-')}"
    folder.mkdir()
    option, path = "--batch", folder / "bad.csv"
    if kind == "unreadable file":
        path = folder / "bad.parquet"
        path.write_text("this is not a parquet file")
    elif kind == "labels of unknown ids":
        option = "--labels"
        pd.DataFrame({"booking": ["b0-001", "nobody"], "price": [1.0, 2.0]}).to_csv(path, index=False)
    else:
        malformed(pd.read_csv(base / "batch.csv"), kind).to_csv(path, index=False)
    before = snapshot(config.cache_dir, base / "table.csv")
    code, out, err = run("score", "--config", project_file(config), option, str(path))
    assert (code, out) == (2, "")
    assert len(err.splitlines()) == 1 and err.startswith(CASES[kind]), err
    assert "Traceback" not in err
    assert snapshot(config.cache_dir, base / "table.csv") == before
    assert batch_store(config).batches() == ()


def test_new_categories_are_accepted_when_asked_and_explained_like_any_row(base: Path) -> None:
    config = copy_of(base, "new-categories")
    batch = malformed(pd.read_csv(base / "batch.csv"), "unseen category")
    batch.to_csv(base / "new-categories.csv", index=False)
    record = add_batch(config, base / "new-categories.csv", new_categories=True)
    assert record.rows == ROWS_PER_MONTH
    project = Project(config, runner=inline(config), log=lambda _: None)
    project.start_explanations(common=False)
    assert [project.progress(name).state for name in MODELS] == ["done"] * 3
    rooms = project.dataset.features["room"].iloc[-ROWS_PER_MONTH:]
    assert set(rooms.iloc[:2]) == {"Z", "Penthouse"}


def test_a_classification_project_takes_a_batch_without_labels_then_its_labels(base: Path) -> None:
    table = bookings()
    table["price"] = np.where(table["price"] > 0.3, "high", "low")
    source, batch = table.iloc[: 5 * ROWS_PER_MONTH], table.iloc[5 * ROWS_PER_MONTH :]
    source.to_csv(base / "classes.csv", index=False)
    batch.drop(columns="price").to_csv(base / "classes-batch.csv", index=False)
    batch[["booking", "price"]].iloc[:60].to_csv(base / "classes-labels.csv", index=False)
    text = PROJECT.format(cache=base / "classes-cache").replace("table.csv", "classes.csv")
    blend = text.index('[[models]]\nname = "Blend"')  # a forest (probability) and a booster (log-odds) do not average
    (base / "classes.toml").write_text(text[:blend] + text[text.index("[monitoring]") :])
    config = load_config(base / "classes.toml")
    add_batch(config, base / "classes-batch.csv")
    project = Project(config, runner=inline(config), log=lambda _: None)
    project.start_explanations(common=False)
    assert project.dataset.labelled.sum() == 5 * ROWS_PER_MONTH
    high = project.cohort_rows("price = high").mask
    assert high.any() and not high[5 * ROWS_PER_MONTH :].any()  # a row without its label is in no class
    report = project.monitoring()
    assert report.windows.labels[-1] == BATCH_MONTH
    add_labels(config, base / "classes-labels.csv")
    labelled = Project(config, runner=inline(config), log=lambda _: None)
    assert labelled.dataset.labelled.sum() == 5 * ROWS_PER_MONTH + 60
    codes = labelled.dataset.y[5 * ROWS_PER_MONTH :][:60]
    truth = (batch["price"].iloc[:60] == "low").to_numpy()  # "low" sorts last: the positive class, code 1
    assert np.array_equal(codes == 1, truth)
    labelled.monitoring()


@pytest.fixture(scope="module")
def scored(base: Path):
    """The project after ``score --batch`` on the command line: its config, the exit code and the output."""
    config = copy_of(base, "scored")
    return config, *run("score", "--config", project_file(config), "--batch", str(base / "batch.csv"))


def test_score_prints_one_summary_line_and_progress_on_stderr(scored) -> None:
    _, code, out, err = scored
    assert code == 0, err
    assert out.startswith(f"scored batch 1 of project 'Bookings': 120 rows ({BATCH_MONTH}), explained by 3 models in ")
    assert out.endswith(" s\n") and len(out.splitlines()) == 1
    assert "chunks" in err and "Traceback" not in err


def test_after_scoring_the_project_and_monitor_include_the_batch_window(scored, base: Path) -> None:
    config, *_ = scored
    project = Project(config, runner=inline(config), log=lambda _: None)
    assert project.total_rows() == 6 * ROWS_PER_MONTH
    report = project.monitoring()  # every explanation is found done: nothing waits
    assert report.windows.labels[-1] == BATCH_MONTH and report.windows.counts()[BATCH_MONTH] == ROWS_PER_MONTH
    out = base / "scored.json"
    code, stdout, err = run("monitor", "--config", project_file(config), "--out", str(out))
    assert code in (0, 3), err
    monitor = json.loads(out.read_text())
    assert monitor["windows"][-1] == {"window": BATCH_MONTH, "rows": ROWS_PER_MONTH, "reference": False}
    for model in MODELS:
        window = monitor["models"][model]["windows"][BATCH_MONTH]
        assert window["error"] is None  # no labels yet
        assert set(window["features"]) == {"a", "b", "c", "room"}


def test_labels_that_come_later_bring_the_batch_window_error(scored, base: Path) -> None:
    config, *_ = scored
    code, out, err = run("score", "--config", project_file(config), "--labels", str(base / "labels.csv"))
    assert (code, out) == (0, f"labelled 120 rows of batch 1 of project 'Bookings' ({BATCH_MONTH})\n"), err
    target = base / "labelled.json"
    code, _, err = run("monitor", "--config", project_file(config), "--out", str(target))
    assert code in (0, 3), err
    monitor = json.loads(target.read_text())
    for model in MODELS:
        error = monitor["models"][model]["windows"][BATCH_MONTH]["error"]
        assert error["rows"] == ROWS_PER_MONTH and 0 < error["MAE"] < 1.5
