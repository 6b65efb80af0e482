"""``kind = "average"``: a weighted average of a project's models, explained exactly from its members' values."""

from __future__ import annotations

import io
import tomllib
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.special import expit
from sklearn.ensemble import VotingRegressor

from models import build_model
from portal.cli import format_summary, run_all
from portal.config import ConfigError, load_config, parse_config
from portal.explain import TREE_SHAP_FAST, WEIGHTED_AVERAGE, average_explainer, explainer_for
from portal.figures import method_label
from portal.jobs import JobRunner, ResultStore, cache_info, clear_cache
from portal.project import ModelAverage, Project, combined_progress, weighted_sum
from portal.results import LOG_ODDS, PROBABILITY, RAW, AverageMember, Explanation, JobProgress, Provenance
from tests.projects import run_portal
from tests.reports.test_export import synthetic_table

BOOSTED = 'name = "Boosted"\nkind = "gradient_boosting"\nparams = { n_estimators = 20 }'
GLASS = 'name = "Glass box"\nkind = "ebm"\nparams = { outer_bags = 1, interactions = 0, max_rounds = 100 }'
FOREST = 'name = "Forest"\nkind = "random_forest"\nparams = { n_estimators = 8, max_depth = 4 }'
DEEP = 'name = "Deep forest"\nkind = "random_forest"\nparams = { n_estimators = 6, max_depth = 7, random_state = 1 }'


def project_text(target: str, *models: str, cache: Path | str = "cache") -> str:
    tables = "".join(f"[[models]]\n{m}\n" for m in models)
    return f'[data]\nsource = "table.csv"\ntarget = "{target}"\nid = "customer"\n{tables}[cache]\ndir = "{cache}"\n'


def average(members: list[str], weights: list[float] | None = None, name: str = "Average") -> str:
    listed = ", ".join(f'"{m}"' for m in members)
    return f'name = "{name}"\nkind = "average"\nmembers = [{listed}]' + (f"\nweights = {weights}" if weights else "")


def open_project(folder: Path, text: str) -> Project:
    (folder / "project.toml").write_text(text)
    config = load_config(folder / "project.toml")
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    project.start_explanations()  # inline: returns when every job is done
    return project


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("averages")
    synthetic_table().to_csv(folder / "table.csv", index=False)
    return folder


@pytest.fixture(scope="module")
def scores(folder: Path) -> Project:
    """A booster and an EBM: both in log-odds, so the average is of their scores."""
    text = project_text("bought", BOOSTED, GLASS, average(["Boosted", "Glass box"], [3, 1]), cache=folder / "c1")
    return open_project(folder, text)


@pytest.fixture(scope="module")
def regression(folder: Path) -> Project:
    return open_project(folder, project_text("income", FOREST, BOOSTED, average(["Forest", "Boosted"], [1, 2])))


# --- the config -----------------------------------------------------------------------------------------
GOOD = project_text("bought", FOREST, DEEP, average(["Forest", "Deep forest"], [0.5, 0.5]))
MISTAKES = [
    (GOOD.replace('"Forest", "Deep forest"]', '"Forest", "Deep forrest"]'), "members", "did you mean 'Deep forest'"),
    (GOOD.replace('"Forest", "Deep forest"]', '"Forest", "Forest"]'), "members", "lists 'Forest' twice"),
    (GOOD.replace('"Forest", "Deep forest"]', '"Forest", "Average"]'), "members", "names the average itself"),
    (GOOD + f"[[models]]\n{average(['Average', 'Forest'], name='Twice')}\n", "members", "is itself an average"),
    (GOOD.replace('"Forest", "Deep forest"]', '"Forest"]'), "members", "name two or more"),
    (GOOD.replace('members = ["Forest", "Deep forest"]\n', ""), "members", "is missing"),
    (GOOD.replace('members = ["Forest", "Deep forest"]', 'members = "Forest"'), "members", "list of model names"),
    (GOOD.replace("[0.5, 0.5]", "[0.5, 0.3, 0.2]"), "weights", "has 3 weights for 2 members"),
    (GOOD.replace("[0.5, 0.5]", "[1.5, -0.5]"), "weights", "-0.5 is not a number of zero or more"),
    (GOOD.replace("[0.5, 0.5]", "[0, 0.0]"), "weights", "are all zero"),
    (GOOD.replace("[0.5, 0.5]", '["a", 1]'), "weights", "list of numbers"),
    (GOOD.replace("weights = [0.5, 0.5]", "params = { n = 1 }"), "params", "no settings of its own"),
    (GOOD.replace("max_depth = 4 }", "max_depth = 4 }\nweights = [1]"), "weights", 'only for kind = "average"'),
]


@pytest.mark.parametrize(("text", "field", "hint"), MISTAKES, ids=[f"{m[1]}: {m[2]}" for m in MISTAKES])
def test_each_mistake_in_an_average_names_its_field_in_one_line(text: str, field: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_config(tomllib.loads(text), base_dir=Path.cwd())
    assert caught.value.field.endswith(f" {field}") and caught.value.field.startswith("[[models]] '")
    assert hint in str(caught.value) and "\n" not in str(caught.value)


def test_a_good_average_reads_its_members_and_weights() -> None:
    config = parse_config(tomllib.loads(GOOD.replace("[0.5, 0.5]", "[2, 1]")), base_dir=Path.cwd())
    spec = config.models[-1]
    assert (spec.kind, spec.members, spec.weights, spec.is_average) == (
        "average",
        ("Forest", "Deep forest"),
        (2, 1),
        True,
    )
    equal = parse_config(tomllib.loads(GOOD.replace("\nweights = [0.5, 0.5]", "")), base_dir=Path.cwd())
    assert equal.models[-1].weights == ()


def test_members_in_different_scales_are_refused_naming_both(folder: Path) -> None:
    text = project_text("bought", FOREST, BOOSTED, average(["Forest", "Boosted"]), cache=folder / "c2")
    (folder / "project.toml").write_text(text)
    config = load_config(folder / "project.toml")
    with pytest.raises(ConfigError) as caught:
        Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    assert caught.value.field == "[[models]] 'Average' members"
    message = str(caught.value)
    assert "'Forest' is explained in probability but 'Boosted' in log-odds" in message
    assert "exact only up to 10 columns" in message and "\n" not in message


# --- classification: an average of log-odds scores --------------------------------------------------------
def test_the_average_of_scores_is_the_weighted_sum_of_its_members_values(scores: Project) -> None:
    mean = scores.explanation("Average")
    parts = [scores.explanation(m) for m in ("Boosted", "Glass box")]
    assert mean.output_scale == LOG_ODDS and mean.n_rows == 300
    for name in ("values", "base_values", "outputs"):
        expected = 0.75 * getattr(parts[0], name) + 0.25 * getattr(parts[1], name)
        np.testing.assert_allclose(getattr(mean, name), expected, atol=1e-12, rtol=0)
    assert isinstance(mean.values, np.memmap)  # stored like any result, and read back memory-mapped


def test_the_average_adds_up_to_its_own_prediction(scores: Project) -> None:
    mean, X = scores.explanation("Average"), scores.dataset.features
    estimator = scores.models.averages["Average"].estimator
    np.testing.assert_allclose(mean.base_values + mean.values.sum(axis=1), mean.outputs, atol=1e-6, rtol=0)
    np.testing.assert_allclose(mean.outputs, estimator.decision_function(X), atol=1e-6, rtol=0)
    booster, ebm = (scores.models.entries[m].fitted.estimator for m in ("Boosted", "Glass box"))
    score = 0.75 * booster.decision_function(X) + 0.25 * ebm.decision_function(X)
    np.testing.assert_allclose(estimator.predict_proba(X)[:, 1], expit(score), atol=1e-12, rtol=0)


def test_it_is_a_model_like_any_other_in_the_project(scores: Project) -> None:
    assert scores.model_names == ("Boosted", "Glass box", "Average")
    assert scores.output_scales() == (LOG_ODDS, LOG_ODDS, LOG_ODDS)
    provenance = scores.methods()[2]
    assert provenance.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_FAST}, ebm_additive_shapley)" and provenance.exact
    assert scores.explanation("Average").provenance == provenance
    metrics = {m.model_name: m.values for m in scores.metrics()}
    assert set(metrics) == set(scores.model_names) and 0.5 < metrics["Average"]["AUC"] <= 1
    progress = scores.progress("Average")
    members = [scores.progress(m) for m in ("Boosted", "Glass box")]
    total = sum(p.total for p in members)  # one chunk each here
    assert (progress.state, progress.done, progress.total) == ("done", total, total) == ("done", 2, 2)


def test_the_averages_method_label_names_its_members_and_their_weights(scores: Project) -> None:
    provenance = scores.methods()[2]
    assert provenance.members == (
        AverageMember("Boosted", 0.75, TREE_SHAP_FAST, True),
        AverageMember("Glass box", 0.25, "ebm_additive_shapley", True),
    )
    assert method_label(provenance) == "exact: weighted average of Boosted (0.75) and Glass box (0.25), each exact"
    assert scores.explain_row("Average", str(scores.dataset.ids[0]), "native").provenance == provenance
    assert method_label(scores.methods()[0]) == "exact: TreeSHAP (path-dependent, fast kernel)"  # members: none


def test_precompute_summary_and_cache_info_list_the_average(scores: Project) -> None:
    summary = {row.model_name: row for row in run_all(scores, out=io.StringIO(), every=0)}
    assert summary["Average"].state == "done" and summary["Average"].rows == 300
    assert summary["Average"].seconds is not None  # the seconds it took to combine the members' values
    assert f"{'Average':<20} {'done':<9} {300:>9,}" in format_summary(tuple(summary.values()))
    listed = {e.model_name: e for e in cache_info(scores.store).explanations}
    assert listed["Average"].state == "done" and listed["Average"].n_rows == 300 and listed["Average"].bytes > 0


def test_a_cleared_average_is_combined_again_and_a_restart_reads_it(scores: Project) -> None:
    before = np.array(scores.explanation("Average").values)
    assert clear_cache(scores.store, "Average") == 1
    again = Project(scores.config, runner=JobRunner(ResultStore(scores.config.cache_dir)), log=lambda _: None)
    assert again.progress("Average").state == "done"  # the members are cached: combined at once
    np.testing.assert_array_equal(again.explanation("Average").values, before)
    assert "Average" in {e.model_name for e in cache_info(again.store).explanations}


# --- probability and regression: the same numbers as the engine's own averages --------------------------
def test_an_average_of_forests_is_in_probability_and_equals_average_explainer(folder: Path) -> None:
    text = project_text("bought", FOREST, DEEP, average(["Forest", "Deep forest"], [1, 3]), cache=folder / "c3")
    project = open_project(folder, text)
    mean, X = project.explanation("Average"), project.dataset.features
    members = [project.models.entries[m].fitted.estimator for m in ("Forest", "Deep forest")]
    engine = average_explainer(
        [explainer_for(m, task="classification", background=project.background) for m in members], weights=[1, 3]
    ).explain(X)
    assert mean.output_scale == PROBABILITY
    np.testing.assert_allclose(mean.values, engine.values, atol=1e-9, rtol=0)
    np.testing.assert_allclose(mean.outputs, engine.outputs, atol=1e-12, rtol=0)
    proba = (members[0].predict_proba(X) + 3 * members[1].predict_proba(X)) / 4  # a soft vote's probability
    np.testing.assert_allclose(project.models.averages["Average"].estimator.predict_proba(X), proba, atol=1e-12, rtol=0)
    np.testing.assert_allclose(mean.base_values + mean.values.sum(axis=1), proba[:, 1], atol=1e-6, rtol=0)


def test_a_regression_average_equals_a_voting_regressor_of_the_same_members(regression: Project) -> None:
    data, mean = regression.dataset, regression.explanation("Average")
    X, train = data.features, data.train_index
    specs = {s.name: s for s in regression.config.models}
    voting = VotingRegressor(
        [(m, build_model(specs[m].kind, specs[m].params, data.schema, "regression")) for m in ("Forest", "Boosted")],
        weights=[1, 2],
    ).fit(X.iloc[train], data.y[train])
    assert mean.output_scale == RAW
    np.testing.assert_allclose(regression.models.averages["Average"].estimator.predict(X), voting.predict(X), atol=1e-9)
    engine = explainer_for(voting, task="regression", background=regression.background).explain(X)
    np.testing.assert_allclose(mean.values, engine.values, atol=1e-9, rtol=0)
    np.testing.assert_allclose(mean.base_values + mean.values.sum(axis=1), voting.predict(X), atol=1e-6, rtol=0)
    assert {m.model_name for m in regression.metrics()} == {"Forest", "Boosted", "Average"}


def test_export_writes_the_average_with_its_members_computed_first(folder: Path) -> None:
    text = project_text("bought", BOOSTED, GLASS, average(["Boosted", "Glass box"], [3, 1]), cache=folder / "c4")
    (folder / "export.toml").write_text(text)
    done = run_portal(
        "export", "--config", str(folder / "export.toml"), "--model", "Average", "--out", str(folder / "a.csv")
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("exported 300 rows x 7 columns of 'Average' to ")
    table = pd.read_csv(folder / "a.csv", dtype={"customer": str})
    assert set(table["output_scale"]) == {LOG_ODDS}
    gap = table["base_value"] + table[["age", "plan", "income"]].sum(axis=1) - table["model_output"]
    assert gap.abs().max() <= 1e-6
    config = load_config(folder / "export.toml")
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    estimator = project.models.averages["Average"].estimator
    np.testing.assert_allclose(table["model_output"], estimator.decision_function(project.dataset.features), atol=1e-9)


# --- while the members are computing ---------------------------------------------------------------------
def explained(ids: list[str], values: np.ndarray) -> Explanation:
    outputs = values.sum(axis=1) + 1.0
    provenance = Provenance("m", "d", "hand", exact=True)
    return Explanation(
        "m", ("a", "b"), np.array(ids, dtype=object), values, np.ones(len(ids)), outputs, RAW, provenance
    )


class Members:
    """The two calls an average makes of the project while its members are still running."""

    def __init__(self, parts: dict[str, Explanation]) -> None:
        self.parts = parts

    def progress(self, name: str) -> JobProgress:
        return JobProgress(name, 1, 3, "running")

    def explanation_so_far(self, name: str) -> Explanation:
        return self.parts[name]


def test_so_far_the_average_covers_the_rows_every_member_has_explained(tmp_path: Path) -> None:
    a = explained(["r1", "r2", "r3"], np.array([[1.0, 2.0], [3.0, 4.0], [5.0, 6.0]]))
    b = explained(["r3", "r4", "r1"], np.array([[10.0, 20.0], [30.0, 40.0], [50.0, 60.0]]))
    mean = ModelAverage(
        "Mean", ("A", "B"), (0.5, 0.5), None, "f", "k", "m", True, RAW, ("a", "b"), ResultStore(tmp_path)
    )
    so_far = mean.explanation_so_far(Members({"A": a, "B": b}))
    assert so_far.row_ids.tolist() == ["r1", "r3"]
    np.testing.assert_array_equal(so_far.values, [[25.5, 31.0], [7.5, 13.0]])
    np.testing.assert_array_equal(so_far.base_values + so_far.values.sum(axis=1), so_far.outputs)


def test_progress_is_the_members_chunks_summed_and_their_most_telling_state() -> None:
    done, running = JobProgress("A", 4, 4, "done"), JobProgress("B", 1, 6, "running")
    assert combined_progress("M", [("A", done), ("B", running)]) == JobProgress("M", 5, 10, "running")
    failed = JobProgress("B", 2, 6, "failed", "MemoryError")
    assert combined_progress("M", [("A", running), ("B", failed)]) == JobProgress(
        "M", 3, 12, "failed", "member 'B': MemoryError"
    )
    assert combined_progress("M", [("A", done), ("B", done)]).state == "done"


def test_a_weighted_sum_takes_each_members_rows_at_its_positions() -> None:
    part = explained(["x", "y"], np.array([[1.0, 2.0], [3.0, 4.0]]))
    summed = weighted_sum((0.25, 0.75), [part, part], [np.array([0, 1]), np.array([1, 0])])
    assert summed["values"].tolist() == [[2.5, 3.5], [1.5, 2.5]]
