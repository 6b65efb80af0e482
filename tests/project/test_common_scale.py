"""The common scale: every classifier in probability on one seeded sample, through the ordinary jobs."""

from __future__ import annotations

import io
import time
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import portal.jobs._runner as jobs
from portal.analyses import BACKGROUND_ROWS, Sample
from portal.cli import format_summary, run_all
from portal.config import ConfigError, load_config
from portal.data import read_frame
from portal.explain import EXACT_ENUMERATION, TREE_SHAP_FAST, explainer_for
from portal.jobs import JobRunner, ResultStore, cache_info
from portal.project import Project
from portal.results import LOG_ODDS, PROBABILITY, RAW
from tests.project.test_averages import BOOSTED, FOREST, GLASS, average
from tests.reports.test_export import synthetic_table

SAMPLE = 60


def project_text(target: str, *models: str, sample: int | None = SAMPLE, cache: str = "cache") -> str:
    tables = "".join(f"[[models]]\n{m}\n" for m in models)
    explain = f"[explain]\ncommon_sample_rows = {sample}\n" if sample is not None else ""
    data = f'[data]\nsource = "table.csv"\ntarget = "{target}"\nid = "customer"\n'
    return f'{data}{tables}{explain}[cache]\ndir = "{cache}"\n'


def open_project(folder: Path, text: str, *, start: bool = True) -> Project:
    (folder / "project.toml").write_text(text)
    config = load_config(folder / "project.toml")
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    if start:
        project.start_explanations()  # inline: returns when every job is done
    return project


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("common")
    synthetic_table().to_csv(folder / "table.csv", index=False)  # 300 rows, 3 columns, a yes/no target
    return folder


@pytest.fixture(scope="module")
def project(folder: Path) -> Project:
    """A forest (probability), a booster and an EBM (log-odds), every job finished."""
    return open_project(folder, project_text("bought", FOREST, BOOSTED, GLASS, cache="main"))


def test_only_the_log_odds_models_get_a_common_job(project: Project) -> None:
    assert set(project.common.jobs) == {"Boosted", "Glass box"}
    assert project.common_progress("Forest") is None
    for name in ("Boosted", "Glass box"):
        progress = project.common_progress(name)
        assert (progress.state, progress.done, progress.total) == ("done", 20, 20)
        job = project.common.jobs[name].job
        assert (job.scale, job.n_rows, job.chunk_rows) == ("common", SAMPLE, 3)
        background = read_frame(job.background_path)
        assert len(background) == BACKGROUND_ROWS == len(project.background)  # the project's own background rows
        pd.testing.assert_frame_equal(background, project.background.reset_index(drop=True), check_dtype=False)


def test_a_common_job_equals_explainer_for_in_the_common_scale_on_the_same_rows(project: Project) -> None:
    rows = project.dataset.features.iloc[project.common.sample.positions]
    for name in ("Boosted", "Glass box"):
        estimator, job = project.models.entries[name].fitted.estimator, project.common.jobs[name].job
        explainer = explainer_for(
            estimator, task="classification", background=read_frame(job.background_path), scale="common"
        )
        expected, common = explainer.explain(rows), project.common_explanation(name)
        np.testing.assert_array_equal(common.row_ids, project.dataset.ids[project.common.sample.positions])
        np.testing.assert_allclose(common.values, expected.values, rtol=0, atol=1e-12)
        np.testing.assert_allclose(common.base_values, expected.base_values, rtol=0, atol=1e-12)
        np.testing.assert_allclose(common.outputs, estimator.predict_proba(rows)[:, 1], rtol=0, atol=1e-9)
        assert (common.output_scale, common.n_rows, common.sample_of) == (PROBABILITY, SAMPLE, 300)
        assert (common.provenance.method, common.provenance.exact) == (EXACT_ENUMERATION, True)  # 3 columns
        assert project.explanation(name).output_scale == LOG_ODDS  # the model's own stays as it was


def test_a_probability_models_common_view_is_its_own_values_on_the_sample_rows(project: Project) -> None:
    native, common = project.explanation("Forest"), project.common_explanation("Forest")
    positions = project.common.sample.positions
    np.testing.assert_array_equal(common.values, native.values[positions])
    np.testing.assert_array_equal(common.base_values, native.base_values[positions])
    np.testing.assert_array_equal(common.outputs, native.outputs[positions])
    np.testing.assert_array_equal(common.row_ids, native.row_ids[positions])
    assert common.provenance.method == TREE_SHAP_FAST and common.sample_of == 300 and common.n_rows == SAMPLE


def test_the_sample_is_seeded_sorted_and_whole_when_the_data_is_small() -> None:
    first, again, other = Sample.draw(7_043, 500, 0), Sample.draw(7_043, 500, 0), Sample.draw(7_043, 500, 1)
    np.testing.assert_array_equal(first.positions, again.positions)
    assert not np.array_equal(first.positions, other.positions)
    assert first.size == 500 and np.all(np.diff(first.positions) > 0) and first.of_rows == 7_043
    assert first.index_of(int(first.positions[42])) == 42 and first.index_of(-1) is None
    whole = Sample.draw(300, 500, 0)
    np.testing.assert_array_equal(whole.positions, np.arange(300))


def test_a_failed_common_job_resumes_from_its_chunks_and_a_finished_one_is_not_computed_again(
    folder: Path, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    original, calls = jobs.explain_chunk, []

    def counting(job: dict, positions: list[int]):
        if job["scale"] == "common":
            calls.append(job["model_name"])
            if calls == ["Boosted"] * 5 and failing:
                raise RuntimeError("worker lost")
        return original(job, positions)

    monkeypatch.setattr(jobs, "explain_chunk", counting)
    failing = True
    first = open_project(folder, project_text("bought", FOREST, BOOSTED, GLASS, cache="resume"))
    stopped = first.common_progress("Boosted")
    assert (stopped.state, stopped.done, stopped.error) == ("failed", 5, "RuntimeError: worker lost")  # 2 in flight
    assert first.common_progress("Glass box").state == "done"
    calls.clear()
    failing = False
    again = open_project(folder, project_text("bought", FOREST, BOOSTED, GLASS, cache="resume"))
    assert calls == ["Boosted"] * 15  # only the missing chunks; the EBM's finished job is found
    for name in ("Boosted", "Glass box"):
        np.testing.assert_array_equal(again.common_explanation(name).values, project.common_explanation(name).values)


def test_in_the_background_the_common_jobs_start_once_the_own_jobs_have_ended(
    folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from concurrent.futures import ThreadPoolExecutor

    original, order = jobs.explain_chunk, []
    monkeypatch.setattr(jobs, "explain_chunk", lambda job, rows: order.append(job["scale"]) or original(job, rows))
    (folder / "project.toml").write_text(project_text("bought", FOREST, BOOSTED, GLASS, cache="background"))
    config = load_config(folder / "project.toml")
    with ThreadPoolExecutor(2) as pool:
        project = Project(config, runner=JobRunner(ResultStore(config.cache_dir), pool), log=lambda _: None)
        project.start_explanations()
        deadline = time.monotonic() + 120
        while any(project.common_progress(n).state != "done" for n in project.common.jobs):
            assert time.monotonic() < deadline, [project.common_progress(n) for n in project.common.jobs]
            time.sleep(0.05)
    assert order.index("common") == order.count("native") == 3  # every own chunk (one per model) came first


def test_the_common_jobs_key_names_the_sample_and_leaves_the_own_scale_jobs_alone(folder: Path, project) -> None:
    smaller = open_project(folder, project_text("bought", FOREST, BOOSTED, GLASS, sample=30, cache="main"), start=False)
    assert smaller.models.entries["Boosted"].job.key == project.models.entries["Boosted"].job.key
    assert smaller.common.jobs["Boosted"].job.key != project.common.jobs["Boosted"].job.key
    assert smaller.progress("Boosted").state == "done" and smaller.common_progress("Boosted").state == "pending"


def test_explain_row_reads_finished_jobs_and_explains_other_rows_on_the_server(project: Project) -> None:
    ids, features, sample = project.dataset.ids, project.dataset.features, project.common.sample
    inside = int(sample.positions[7])
    outside = next(i for i in range(300) if sample.index_of(i) is None)
    row = project.explain_row("Boosted", ids[inside], "common")
    np.testing.assert_array_equal(row.values, project.common_explanation("Boosted").values[7])
    expected = project.common.jobs["Boosted"].explainer.explain(features.iloc[[outside]])
    before = len(project.single_rows.kept)
    row = project.explain_row("Boosted", ids[outside], "common")
    np.testing.assert_allclose(row.values, expected.values[0], rtol=0, atol=1e-12)
    assert row.output_scale == PROBABILITY and row.base_value + row.values.sum() == pytest.approx(row.output)
    project.explain_row("Boosted", ids[outside], "common")
    assert len(project.single_rows.kept) == before + 1  # computed once, then kept
    native = project.explain_row("Boosted", ids[outside], "native")
    np.testing.assert_array_equal(native.values, project.explanation("Boosted").values[outside])
    assert native.output_scale == LOG_ODDS
    forest = project.explain_row("Forest", ids[outside], "common")  # already in probability: its own values
    np.testing.assert_array_equal(forest.values, project.explanation("Forest").values[outside])
    assert project.explain_row("Boosted", "no-such-id", "common") is None


def test_warm_up_explains_the_first_row_of_every_common_model_in_the_background(folder: Path) -> None:
    fresh = open_project(folder, project_text("bought", FOREST, BOOSTED, cache="warm"), start=False)
    fresh.warm_up().join(timeout=120)
    assert ("Boosted", 0, "common") in fresh.single_rows.kept and ("Forest", 0, "common") not in fresh.single_rows.kept
    assert open_project(folder, project_text("income", FOREST), start=False).warm_up() is None  # nothing to warm


def test_explain_row_works_before_any_job_and_agrees_with_the_jobs_afterwards(folder: Path) -> None:
    fresh = open_project(folder, project_text("bought", FOREST, GLASS, cache="fresh"), start=False)
    row_id = str(fresh.dataset.ids[11])
    early = {scale: fresh.explain_row("Glass box", row_id, scale) for scale in ("native", "common")}
    assert fresh.progress("Glass box").state == "pending" and early["common"].output_scale == PROBABILITY
    fresh.start_explanations()
    np.testing.assert_allclose(early["native"].values, fresh.explanation("Glass box").values[11], atol=1e-12)


def test_a_regression_project_has_no_common_jobs(folder: Path) -> None:
    regression = open_project(folder, project_text("income", FOREST, BOOSTED, cache="regression"))
    assert regression.common.jobs == {} and regression.common_progress("Boosted") is None
    common = regression.common_explanation("Boosted")
    assert common is regression.explanation("Boosted") and common.output_scale == RAW and common.sample_of == 0


def test_an_average_of_log_odds_models_has_no_common_scale_and_says_why(folder: Path) -> None:
    text = project_text("bought", BOOSTED, GLASS, average(["Boosted", "Glass box"]), sample=20, cache="average")
    averaged = open_project(folder, text)
    progress = averaged.common_progress("Average")
    assert progress.state == "unavailable" and "not available in probability" in progress.error
    assert averaged.common_explanation("Average") is None
    assert averaged.explain_row("Average", str(averaged.dataset.ids[0]), "common") is None
    native = averaged.explain_row("Average", str(averaged.dataset.ids[0]), "native")
    np.testing.assert_allclose(native.values, averaged.explanation("Average").values[0], atol=1e-12)


def test_common_methods_name_each_models_method_in_probability_before_any_result(folder: Path) -> None:
    text = project_text("bought", FOREST, BOOSTED, GLASS, average(["Boosted", "Glass box"]), cache="methods")
    fresh = open_project(folder, text, start=False)
    forest, boosted, glass, mean = fresh.common_methods()
    assert forest.provenance == fresh.methods()[0] and forest.provenance.method == TREE_SHAP_FAST  # its own
    for common in (boosted, glass):  # 3 columns: every coalition evaluated
        assert (common.provenance.method, common.provenance.exact, common.hint) == (EXACT_ENUMERATION, True, "")
    assert boosted.provenance.model_fingerprint == fresh.models.entries["Boosted"].fitted.fingerprint
    assert mean.provenance is None and mean.reason.startswith("not available in probability: 'Average' averages")
    assert fresh.common_progress("Average").error == mean.reason
    assert open_project(folder, project_text("income", FOREST, BOOSTED), start=False).common_methods() == ()


def test_precompute_summarises_the_common_jobs_and_cache_info_lists_them(project: Project) -> None:
    summary = run_all(project, out=io.StringIO(), every=0)
    rows = {row.model_name: row for row in summary}
    assert list(rows) == ["Forest", "Boosted", "Glass box", "Boosted (common)", "Glass box (common)"]
    common = rows["Boosted (common)"]
    assert (common.state, common.rows, common.method, common.output_scale) == (
        "done",
        SAMPLE,
        EXACT_ENUMERATION,
        PROBABILITY,
    )
    assert "Glass box (common)   done" in format_summary(summary)
    listed = [(e.model_name, e.scale, e.n_rows) for e in cache_info(project.store).explanations]
    assert ("Boosted", "common", SAMPLE) in listed and ("Boosted", "native", 300) in listed


@pytest.mark.parametrize(
    ("explain", "message"),
    [
        ("common_sample_rows = 0", "[explain] common_sample_rows: 0 is not a positive whole number. Fix: write e.g."),
        ("common_sample_rows = 2.5", "[explain] common_sample_rows: 2.5 is not a positive whole number"),
        ("common_sample = 5", "[explain] common_sample: is not a known field. Fix: did you mean 'common_sample_rows'?"),
        ("common_all_rows_up_to = -1", "[explain] common_all_rows_up_to: -1 is not a whole number of rows. Fix:"),
        ("common_all_rows_up_to = true", "[explain] common_all_rows_up_to: True is not a whole number of rows"),
    ],
)
def test_a_wrong_explain_table_is_one_line_naming_the_field(folder: Path, explain: str, message: str) -> None:
    text = project_text("bought", FOREST, sample=None) + f"[explain]\n{explain}\n"
    (folder / "wrong.toml").write_text(text)
    with pytest.raises(ConfigError) as caught:
        load_config(folder / "wrong.toml")
    assert str(caught.value).startswith(message) and "\n" not in str(caught.value)


def test_without_an_explain_table_the_sample_is_500_rows(folder: Path) -> None:
    (folder / "default.toml").write_text(project_text("bought", FOREST, sample=None))
    assert load_config(folder / "default.toml").common_sample_rows == 500


def test_the_every_row_jobs_exist_up_to_the_configured_size(folder: Path, project: Project) -> None:
    assert set(project.common.all_rows) == {"Boosted", "Glass box"}
    job = project.common.all_rows["Boosted"]
    own = project.models.entries["Boosted"].job
    assert (job.scale, job.n_rows, job.data_path, job.order_path) == ("common", 300, own.data_path, own.order_path)
    assert job.key not in (own.key, project.common.jobs["Boosted"].job.key)
    assert job.background_path == project.common.jobs["Boosted"].job.background_path
    text = project_text("bought", FOREST, BOOSTED, sample=None) + "[explain]\ncommon_all_rows_up_to = 299\n"
    assert open_project(folder, text, start=False).common.all_rows == {}  # 300 rows: more than allowed
    (folder / "default.toml").write_text(project_text("bought", FOREST, sample=None))
    assert load_config(folder / "default.toml").common_all_rows_up_to == 20_000


def test_once_every_row_is_explained_a_row_outside_the_sample_is_read_not_computed(project: Project) -> None:
    ids, features, sample = project.dataset.ids, project.dataset.features, project.common.sample
    outside = [i for i in range(300) if sample.index_of(i) is None][5]
    assert project.common.all_rows_row("Glass box", outside) is None  # not run yet: explained on request
    project.common.submit_all_rows()  # inline: runs now
    before = len(project.single_rows.kept)
    for name in ("Boosted", "Glass box"):
        expected = project.common.jobs[name].explainer.explain(features.iloc[[outside]])
        row = project.explain_row(name, ids[outside], "common")
        np.testing.assert_allclose(row.values, expected.values[0], rtol=0, atol=1e-12)
        assert (row.row_id, row.output_scale) == (str(ids[outside]), PROBABILITY)
        assert row.provenance.method == project.common.jobs[name].explainer.method
    assert len(project.single_rows.kept) == before  # read from the job, nothing computed on the request
