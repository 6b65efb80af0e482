"""Exact values on request: ``[explain] max_exact_features`` reaches the model-agnostic method, so a soft vote of
a forest and a booster on 11 columns is exact; what exactness costs is said wherever it is not; jobs keep each
call within its budget; and the explanation key names the seed its background rows were drawn with."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import skops.io as sio
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier, VotingClassifier
from sklearn.neighbors import KNeighborsClassifier

import portal.explain._coalitions as coalitions
from portal.config import ConfigError, load_config
from portal.explain import (
    EXACT_ENUMERATION,
    PERMUTATION,
    TREE_SHAP_INTERVENTIONAL,
    WEIGHTED_AVERAGE,
    Budget,
    BudgetExceededError,
    exact_hint,
    explain_in_calls,
    explainer_for,
    members_of,
)
from portal.figures import method_label
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import AverageMember, Provenance
from tests.explain.test_explain_matrix import one_thread  # noqa: F401 (an autouse fixture)

COLUMNS = [f"x{i}" for i in range(11)]
ROWS = 28


def wide_table(columns: int = 11, rows: int = ROWS, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(rng.normal(size=(rows, columns)), columns=[f"x{i}" for i in range(columns)])
    score = frame["x0"] + 0.5 * frame["x1"] - 0.5 * frame["x2"] + rng.normal(scale=0.5, size=rows)
    frame["bought"] = np.where(score > 0, "yes", "no")
    return frame


def soft_vote(frame: pd.DataFrame) -> VotingClassifier:
    members = [
        ("forest", RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0)),
        ("booster", GradientBoostingClassifier(n_estimators=5, max_depth=2, random_state=0)),
    ]
    model = VotingClassifier(members, voting="soft", weights=[1, 3])
    return model.fit(frame[COLUMNS], (frame["bought"] == "yes").astype(int))


# --- the engine ---------------------------------------------------------------------------------------------------
def test_a_soft_vote_on_11_columns_is_exact_once_max_exact_features_allows_11() -> None:
    frame = wide_table()
    model, background, rows = soft_vote(frame), frame[COLUMNS].iloc[:12], frame[COLUMNS].iloc[-3:]
    sampled = explainer_for(model, task="classification", background=background)
    exact = explainer_for(model, task="classification", background=background, budget=Budget(max_exact_features=11))
    assert sampled.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_INTERVENTIONAL}, {PERMUTATION})" and not sampled.exact
    assert exact.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_INTERVENTIONAL}, {EXACT_ENUMERATION})" and exact.exact
    assert exact_hint(sampled) == (
        "for exact values set max_exact_features = 11 ([explain] in the project file): 2^11 coalitions x 12 "
        "background rows = 24,576 model evaluations per row, 9 times the 2,760 of sampled permutations"
    )
    assert exact_hint(exact) == ""
    batch = exact.explain(rows)
    np.testing.assert_allclose(batch.outputs, model.predict_proba(rows)[:, 1], atol=1e-12, rtol=0)
    total = batch.base_values + batch.values.sum(axis=1)
    np.testing.assert_allclose(total, batch.outputs, atol=1e-6, rtol=0)  # the interventional forest's, small background
    assert members_of(exact) == (
        AverageMember("forest", 0.25, TREE_SHAP_INTERVENTIONAL, True),
        AverageMember("booster", 0.75, EXACT_ENUMERATION, True),
    )


def test_beyond_the_limit_the_hint_says_exact_values_are_out_of_reach() -> None:
    frame = wide_table(columns=17)
    columns = [f"x{i}" for i in range(17)]
    model = KNeighborsClassifier().fit(frame[columns], frame["bought"])
    explainer = explainer_for(model, task="classification", background=frame[columns].iloc[:5])
    assert exact_hint(explainer) == (
        "exact values would need 2^17 coalitions x 5 background rows = 655,360 model evaluations per row, beyond "
        "the limit of max_exact_features = 16"
    )


def test_exact_enumeration_over_budget_names_its_cost_and_the_cheaper_sampled_method() -> None:
    frame = wide_table()
    model = KNeighborsClassifier().fit(frame[COLUMNS], frame["bought"])
    tight = Budget(max_exact_features=11, max_evaluations=20_000)
    explainer = explainer_for(model, task="classification", background=frame[COLUMNS].iloc[:5], budget=tight)
    message = (
        "shapley_exact_enumeration on 2 rows of KNeighborsClassifier needs 20,480 model evaluations (10,240 per row: "
        "2^11 coalitions x 5 background rows), over its budget of 20,000; explain fewer rows, use a smaller "
        "background, or raise the limit with budget=Budget(max_evaluations=...); with max_exact_features below 11, "
        "sampled permutations (approximate) need 1,150 per row"
    )
    with pytest.raises(BudgetExceededError, match=f"^{re.escape(message)}$"):
        explainer.explain(frame[COLUMNS].iloc[:2])


def test_a_job_explains_its_rows_in_calls_its_budget_allows_with_the_same_values() -> None:
    frame = wide_table(columns=4)
    columns, rows = ["x0", "x1", "x2", "x3"], frame[["x0", "x1", "x2", "x3"]].iloc[:8]
    model = KNeighborsClassifier().fit(frame[columns], frame["bought"])
    background = frame[columns].iloc[-10:]  # 10 rows: 2^4 x 10 = 160 evaluations per row
    tight = explainer_for(model, task="classification", background=background, budget=Budget(max_evaluations=480))
    assert tight.rows_per_call() == 3
    with pytest.raises(BudgetExceededError):
        tight.explain(rows)
    whole = explainer_for(model, task="classification", background=background).explain(rows)
    split = explain_in_calls(tight, rows)
    for name in ("values", "base_values", "outputs"):
        np.testing.assert_array_equal(getattr(split, name), getattr(whole, name))
    too_tight = explainer_for(model, task="classification", background=background, budget=Budget(max_evaluations=100))
    with pytest.raises(BudgetExceededError, match="160 per row"):  # a row alone over the budget still refuses
        explain_in_calls(too_tight, rows)


def test_exact_enumeration_in_blocks_of_coalitions_gives_the_same_values(monkeypatch: pytest.MonkeyPatch) -> None:
    frame = wide_table(columns=5)
    columns = ["x0", "x1", "x2", "x3", "x4"]
    model = KNeighborsClassifier().fit(frame[columns], frame["bought"])
    explainer = explainer_for(model, task="classification", background=frame[columns].iloc[:10])
    rows = frame[columns].iloc[-4:]
    whole = explainer.explain(rows)  # 32 coalitions x 10 rows: 4 rows a block
    monkeypatch.setattr(coalitions, "BLOCK_ROWS", 70)  # 7 coalitions a block: 5 blocks for each row
    blocked = explainer.explain(rows)
    np.testing.assert_allclose(blocked.values, whole.values, atol=1e-15, rtol=0)
    np.testing.assert_allclose(blocked.base_values, whole.base_values, atol=1e-15, rtol=0)


def test_an_averages_label_names_its_members_their_weights_and_the_approximate_ones() -> None:
    frame = wide_table()
    model, background = soft_vote(frame), frame[COLUMNS].iloc[:12]
    sampled = explainer_for(model, task="classification", background=background)

    def label(explainer) -> str:
        return method_label(Provenance("m", "d", explainer.method, explainer.exact, members=members_of(explainer)))

    assert label(sampled) == "approximate: weighted average of forest (0.25) and booster (0.75); booster approximate"
    exact = explainer_for(model, task="classification", background=background, budget=Budget(max_exact_features=11))
    assert label(exact) == "exact: weighted average of forest (0.25) and booster (0.75), each exact"


# --- the project ----------------------------------------------------------------------------------------------------
PROJECT = """
[data]
source = "table.csv"
target = "bought"
seed = {seed}
[[models]]
name = "Vote"
path = "vote.skops"
trusted = {trusted}
[[models]]
name = "Boosted"
kind = "gradient_boosting"
params = {{ n_estimators = 5, max_depth = 2 }}
{explain}
[cache]
dir = "cache"
"""


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("exact")
    frame = wide_table()
    frame.to_csv(folder / "table.csv", index=False)
    sio.dump(soft_vote(frame), folder / "vote.skops")
    return folder


def open_project(folder: Path, *, seed: int = 0, explain: str = "", name: str = "project.toml") -> Project:
    trusted = "[" + ", ".join(f'"{t}"' for t in sio.get_untrusted_types(file=folder / "vote.skops")) + "]"
    (folder / name).write_text(PROJECT.format(seed=seed, trusted=trusted, explain=explain))
    config = load_config(folder / name)
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)


def test_the_knob_reaches_the_jobs_and_the_common_scale(folder: Path) -> None:
    project = open_project(
        folder, explain="[explain]\nmax_exact_features = 11\ncommon_sample_rows = 6", name="exact.toml"
    )
    assert project.models.entries["Vote"].job.max_exact_features == 11
    assert project.common.jobs["Boosted"].job.max_exact_features == 11
    vote, boosted = project.common_methods()
    assert vote.provenance.exact and vote.hint == "" and vote.provenance == project.methods()[0]
    assert (boosted.provenance.method, boosted.provenance.exact, boosted.hint) == (EXACT_ENUMERATION, True, "")
    project.start_explanations()  # inline: each job's chunks go through portal.jobs.explain_chunk
    explanation = project.explanation("Vote")
    assert explanation.provenance.exact and explanation.values.shape == (ROWS, 11)
    estimator, features = project.models.entries["Vote"].fitted.estimator, project.dataset.features
    expected = explainer_for(
        estimator, task="classification", background=project.background, budget=Budget(max_exact_features=11)
    ).explain(features.iloc[:4])
    np.testing.assert_allclose(explanation.values[:4], expected.values, atol=1e-12, rtol=0)
    np.testing.assert_allclose(explanation.outputs, estimator.predict_proba(features)[:, 1], atol=1e-12, rtol=0)
    common = project.common_explanation("Boosted")
    assert common.provenance.method == EXACT_ENUMERATION and common.provenance.exact


def test_by_default_the_soft_vote_is_approximate_and_says_how_to_make_it_exact(folder: Path) -> None:
    project = open_project(folder)
    vote, boosted = project.common_methods()
    assert not vote.provenance.exact and not boosted.provenance.exact and boosted.provenance.method == PERMUTATION
    assert vote.hint.startswith("for exact values set max_exact_features = 11 ([explain] in the project file)")
    assert "2^11 coalitions x 21 background rows = 43,008 model evaluations per row" in boosted.hint
    assert method_label(project.methods()[0]) == (
        "approximate: weighted average of forest (0.25) and booster (0.75); booster approximate"
    )


def test_the_explanation_key_changes_with_the_seed_alone(folder: Path) -> None:
    first, other = open_project(folder, seed=0), open_project(folder, seed=1, name="seed.toml")
    vote, moved = first.models.entries["Vote"], other.models.entries["Vote"]
    assert vote.fitted.fingerprint == moved.fitted.fingerprint  # the user's file: the same model
    assert first.dataset.fingerprint == other.dataset.fingerprint  # the same data
    assert vote.job.key != moved.job.key  # but other background rows
    assert not first.background.index.equals(other.background.index)


@pytest.mark.parametrize(
    ("value", "problem"),
    [
        ("0", "0 is not a whole number from 1 to 16"),
        ("17", "17 is not a whole number from 1 to 16"),
        ("12.5", "12.5 is not a whole number from 1 to 16"),
        ("true", "True is not a whole number from 1 to 16"),
    ],
)
def test_a_wrong_max_exact_features_is_one_line_with_the_fix_and_the_cost(
    tmp_path: Path, value: str, problem: str
) -> None:
    (tmp_path / "p.toml").write_text(
        f'[data]\nsource = "t.csv"\ntarget = "y"\n[[models]]\nname = "A"\nkind = "random_forest"\n'
        f"[explain]\nmax_exact_features = {value}\n"
    )
    with pytest.raises(ConfigError) as caught:
        load_config(tmp_path / "p.toml")
    assert str(caught.value) == (
        f"[explain] max_exact_features: {problem}. Fix: write e.g. max_exact_features = 12; exact values cost 2^N "
        "coalitions x 200 background rows model evaluations per row (13,107,200 at 16)"
    )


def test_max_exact_features_defaults_to_the_engines_budget(tmp_path: Path) -> None:
    (tmp_path / "p.toml").write_text(
        '[data]\nsource = "t.csv"\ntarget = "y"\n[[models]]\nname = "A"\nkind = "random_forest"\n'
    )
    assert load_config(tmp_path / "p.toml").max_exact_features == Budget().max_exact_features == 10
