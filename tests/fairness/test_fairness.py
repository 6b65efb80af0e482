"""Fairness core: protected groups, group metrics against fairlearn's own, bootstrap intervals, the [fairness]
config, explanations by group, the services (fake and a real small project) and the loan demo."""

from __future__ import annotations

import functools
import json
import math
import tomllib

import numpy as np
import pandas as pd
import pytest
from fairlearn import metrics as flm
from sklearn import metrics as skm

from portal.config import ConfigError, parse_config
from portal.data import DEMO_CONFIGS, LOAN_CONFIG, load_dataset
from portal.fairness import (
    MISSING,
    Disparity,
    FairnessError,
    band,
    band_labels,
    column_attribute,
    explain_by_group,
    group_fairness,
    intersect,
)
from portal.jobs import JobRunner, ResultStore
from portal.project import Project
from portal.results import LOG_ODDS, Explanation, Provenance
from tests.fakes import FakeServices
from tests.projects import two_models


def scored_rows(n: int = 600, seed: int = 3) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Outcomes, scores and three groups of unequal size, with group c scored lower."""
    rng = np.random.default_rng(seed)
    groups = rng.choice(np.array(["a", "b", "c"], dtype=object), size=n, p=[0.5, 0.3, 0.2])
    y = rng.integers(0, 2, n)
    scores = np.clip(0.35 * y + rng.random(n) * 0.65 - 0.15 * (groups == "c"), 0, 1)
    return y, scores, groups


# --- group metrics ------------------------------------------------------------------------
def test_group_metrics_equal_fairlearns_own_metric_frame_on_the_same_decisions() -> None:
    y, scores, groups = scored_rows()
    result = group_fairness("M", y, scores, groups, attribute="g", threshold=0.4, min_group_rows=1)
    y_pred = (scores >= 0.4).astype(int)
    theirs = flm.MetricFrame(
        metrics={
            "selection_rate": functools.partial(flm.selection_rate, pos_label=1),
            "true_positive_rate": functools.partial(flm.true_positive_rate, pos_label=1),
            "false_positive_rate": functools.partial(flm.false_positive_rate, pos_label=1),
            "precision": skm.precision_score,
            "accuracy": skm.accuracy_score,
            "count": flm.count,
        },
        y_true=y,
        y_pred=y_pred,
        sensitive_features=groups,
    )
    assert [g.group for g in result.groups] == ["a", "b", "c"]
    for mine in result.groups:
        expected = theirs.by_group.loc[mine.group]
        assert mine.count == expected["count"]
        for metric, value in mine.values.items():
            assert value == pytest.approx(expected[metric], abs=1e-12), (mine.group, metric)
    for metric, value in result.overall.items():
        assert value == pytest.approx(theirs.overall[metric], abs=1e-12)
    parity = flm.demographic_parity_ratio(y, y_pred, sensitive_features=groups)
    odds = flm.equalized_odds_difference(y, y_pred, sensitive_features=groups)
    assert result.disparity.demographic_parity_ratio == pytest.approx(parity, abs=1e-12)
    assert result.disparity.equalized_odds_difference == pytest.approx(odds, abs=1e-12)
    rates = theirs.by_group["selection_rate"]
    assert (result.disparity.lowest, result.disparity.highest) == (rates.idxmin(), rates.idxmax()) == ("c", "a")
    assert (result.rows, result.level, result.resamples) == ("held-out", 0.95, 200)


def decided(group: str, n: int, selected: int, positives: int) -> pd.DataFrame:
    """``n`` rows of ``group``: the first ``selected`` decided positive, the first ``positives`` truly positive."""
    return pd.DataFrame({"g": group, "y": np.arange(n) < positives, "score": (np.arange(n) < selected) * 0.9})


def test_the_four_fifths_rule_is_breached_below_the_configured_ratio_and_tiny_groups_are_left_out() -> None:
    rows = pd.concat([decided("A", 100, 50, 60), decided("B", 100, 35, 60), decided("tiny", 3, 0, 1)])
    y, scores, groups = rows["y"].astype(int), rows["score"], rows["g"]
    strict = group_fairness("M", y, scores, groups, attribute="g", four_fifths=0.8)
    assert strict.disparity.demographic_parity_ratio == pytest.approx(0.35 / 0.5)
    assert strict.disparity.breaches_four_fifths
    assert strict.disparity.excluded == ("tiny",) and not strict.group("tiny").in_disparity
    assert strict.group("tiny").selection_rate == 0.0  # reported, though not counted in the ratio
    lenient = group_fairness("M", y, scores, groups, attribute="g", four_fifths=0.6)
    assert not lenient.disparity.breaches_four_fifths
    # TPR gap: A selects 50 of its 60 positives, B 35 of 60; FPR is 0 in both
    assert strict.disparity.equalized_odds_difference == pytest.approx(50 / 60 - 35 / 60)


def test_the_verdict_is_a_breach_only_when_the_whole_interval_is_below_the_rule() -> None:
    def verdict(ratio: float, low: float, high: float) -> str:
        nan = (math.nan, math.nan)
        return Disparity(ratio, (low, high), 0.1, nan, 0.8, "B", "A").verdict

    assert verdict(0.70, 0.60, 0.78) == "breach"  # all of 0.60-0.78 below 0.8
    assert verdict(0.70, 0.55, 0.95) == "inconclusive"  # a reference group of 34: the interval crosses 0.8
    assert verdict(0.85, 0.80, 0.97) == "within the rule"  # at the rule counts as within
    assert verdict(0.79, 0.79, 0.8) == "inconclusive"
    assert verdict(0.70, math.nan, math.nan) == "breach"  # no interval: the point decides
    assert verdict(math.nan, math.nan, math.nan) == "inconclusive"  # fewer than two groups count
    written = Disparity(0.70, (0.55, 0.95), 0.1, (0.0, 0.2), 0.8, "B", "A").as_dict()
    assert written["verdict"] == "inconclusive" and written["breaches_four_fifths"] is True  # the old flag stays


def test_a_rate_with_nothing_to_divide_by_is_nan_not_a_gap() -> None:
    rows = pd.concat([decided("A", 40, 20, 20), decided("no positives", 40, 10, 0)])
    result = group_fairness("M", rows["y"].astype(int), rows["score"], rows["g"], attribute="g")
    empty = result.group("no positives")
    assert math.isnan(empty.values["true_positive_rate"]) and math.isnan(empty.intervals["true_positive_rate"][0])
    assert empty.values["false_positive_rate"] == 0.25
    # only the FPR gap counts: A has no false positives (its 20 selected are its 20 positives)
    assert result.disparity.equalized_odds_difference == pytest.approx(0.25)
    plain = result.as_dict()
    assert plain["groups"]["no positives"]["true_positive_rate"] is None
    assert plain["groups"]["A"]["selection_rate"] == 0.5 and plain["groups"]["A"]["count"] == 40
    assert plain["disparity"]["demographic_parity_ratio"] == 0.5 and plain["disparity"]["breaches_four_fifths"]
    json.dumps(plain, allow_nan=False)  # valid JSON: no NaN left


def test_bootstrap_intervals_are_seeded_and_as_wide_as_the_binomial_says() -> None:
    rng = np.random.default_rng(0)
    n = 4000
    y, groups = rng.integers(0, 2, n), np.where(np.arange(n) < 3000, "big", "small")
    scores = rng.random(n)
    first = group_fairness("M", y, scores, groups, attribute="g", seed=4)
    assert first == group_fairness("M", y, scores, groups, attribute="g", seed=4)
    assert first != group_fairness("M", y, scores, groups, attribute="g", seed=5)
    for group in first.groups:
        p, (low, high) = group.selection_rate, group.intervals["selection_rate"]
        assert low < p < high
        normal_width = 2 * 1.96 * math.sqrt(p * (1 - p) / group.count)
        assert high - low == pytest.approx(normal_width, rel=0.25)
    low, high = first.disparity.demographic_parity_interval
    assert 0 < low < high <= 1


def test_only_zero_one_outcomes_and_thresholds_from_zero_to_one_are_accepted() -> None:
    with pytest.raises(ValueError, match="two-class"):
        group_fairness("M", np.array([0, 1, 2]), np.zeros(3), np.array(["a"] * 3), attribute="g")
    with pytest.raises(ValueError, match="threshold 1.5"):
        group_fairness("M", np.array([0, 1]), np.zeros(2), np.array(["a"] * 2), attribute="g", threshold=1.5)


# --- protected groups ---------------------------------------------------------------------
def test_bands_are_closed_on_the_left_and_missing_values_are_a_group_of_their_own() -> None:
    assert band_labels([25, 40, 60]) == ("<25", "25-40", "40-60", "60+")
    ages = pd.Series([18, 24.9, 25, 39, 40, 60, 75, np.nan])
    assert band(ages, [25, 40, 60]).tolist() == ["<25", "<25", "25-40", "25-40", "40-60", "60+", "60+", MISSING]
    attribute = column_attribute(pd.Series([70, np.nan, 30, 20]), "age", [25, 40, 60])
    assert attribute.groups == ("<25", "25-40", "60+", MISSING)  # band order; empty bands left out; missing last
    assert attribute.edges == {"age": (25.0, 40.0, 60.0)}


def test_a_numeric_column_without_bands_is_split_at_its_quartiles_unless_it_has_few_values() -> None:
    incomes = column_attribute(pd.Series(np.arange(1, 101, dtype=float)), "income")
    assert incomes.quartile_columns == ("income",)
    assert incomes.groups == ("<25.8", "25.8-50.5", "50.5-75.2", "75.2+")
    assert incomes.counts() == {"<25.8": 25, "25.8-50.5": 25, "50.5-75.2": 25, "75.2+": 25}
    flag = column_attribute(pd.Series([0, 1, 1, 0, np.nan]), "senior")
    assert flag.groups == ("0", "1", MISSING) and not flag.quartile_columns
    text = column_attribute(pd.Series(["single", None, "married"]), "marital")
    assert text.labels.tolist() == ["single", MISSING, "married"]
    with pytest.raises(ConfigError, match=r"\[fairness\] bands.marital: column 'marital' is not numeric"):
        column_attribute(pd.Series(["single"]), "marital", [1.0])


def test_intersections_label_each_row_with_every_part_in_reading_order() -> None:
    age = column_attribute(pd.Series([30, 70, 30, 20]), "age", [25, 40, 60])
    marital = column_attribute(pd.Series(["single", "married", None, "married"]), "marital")
    joint = intersect([age, marital])
    assert joint.name == "age & marital" and joint.columns == ("age", "marital")
    assert joint.labels.tolist() == [
        "age=25-40 & marital=single",
        "age=60+ & marital=married",
        "age=25-40 & marital=missing",
        "age=<25 & marital=married",
    ]
    assert joint.groups == (
        "age=<25 & marital=married",
        "age=25-40 & marital=single",
        "age=25-40 & marital=missing",
        "age=60+ & marital=married",
    )


# --- [fairness] config --------------------------------------------------------------------
BASE = """
[data]
source = "t.csv"
target = "y"
protected = ["age", "marital"]
[[models]]
name = "M"
kind = "ebm"
"""


def fairness(text: str):
    return parse_config(tomllib.loads(BASE + "[fairness]\n" + text), base_dir=".").fairness


def test_the_fairness_table_parses_and_defaults_apply() -> None:
    config = fairness('bands = { age = [25, 40.5] }\nintersections = [["age", "marital"]]\nfour_fifths = 0.9')
    assert config.bands == {"age": (25.0, 40.5)}
    assert config.intersections == (("age", "marital"),)
    assert (config.four_fifths, config.threshold) == (0.9, 0.5)
    default = parse_config(tomllib.loads(BASE), base_dir=".").fairness
    assert (default.bands, default.intersections, default.four_fifths, default.threshold) == ({}, (), 0.8, 0.5)


def test_outcome_words_name_a_lending_decision_only_when_the_project_says_so() -> None:
    assert fairness('outcome_words = "lending"').outcome_words == "lending"
    assert fairness('outcome_words = "selection"').outcome_words == "selection"
    assert fairness("four_fifths = 0.9").outcome_words == "selection"  # the default: words of the positive class
    assert parse_config(tomllib.loads(BASE), base_dir=".").fairness.outcome_words == "selection"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("band = {}", "[fairness] band: is not a known field. Fix: did you mean 'bands'?"),
        (
            "bands = { agee = [25] }",
            "[fairness] bands.agee: 'agee' is not a protected column. Fix: did you mean 'age'?",
        ),
        ("bands = { income = [25] }", "add 'income' to [data] protected"),
        ("bands = { age = [40, 25] }", "[fairness] bands.age: edges [40, 25] do not increase"),
        ('bands = { age = ["young"] }', "[fairness] bands.age: ['young'] is not a list of numbers"),
        ("bands = { age = [] }", "[fairness] bands.age: [] is not a list of numbers"),
        ('intersections = [["age"]]', "needs two or more different columns"),
        ('intersections = ["age"]', "[fairness] intersections: must be a list of lists of column names"),
        ("four_fifths = 0", "[fairness] four_fifths: 0 is not a number above 0 and at most 1"),
        ("threshold = 1.2", "[fairness] threshold: 1.2 is not a number from 0 to 1. Fix: write e.g. threshold = 0.5"),
        (
            'outcome_words = "loans"',
            '[fairness] outcome_words: \'loans\' is not "selection" or "lending". '
            'Fix: write outcome_words = "lending" for a lending decision; leave it out for "selection"',
        ),
        ("outcome_words = 1", '[fairness] outcome_words: 1 is not "selection" or "lending"'),
        (
            'outcome_word = "lending"',
            "[fairness] outcome_word: is not a known field. Fix: did you mean 'outcome_words'?",
        ),
    ],
)
def test_fairness_mistakes_name_the_field_and_the_fix(text: str, message: str) -> None:
    with pytest.raises(ConfigError) as caught:
        fairness(text)
    assert message in str(caught.value)
    assert "\n" not in str(caught.value)


# --- explanations by group ----------------------------------------------------------------
def test_explanations_by_group_are_the_mean_contributions_of_each_groups_rows() -> None:
    values = np.array([[1.0, -2.0], [3.0, 0.0], [-1.0, 4.0], [5.0, 2.0]])
    explanation = Explanation(
        "M", ("age", "income"), np.array(["r0", "r1", "r2", "r3"]), values, np.zeros(4), values.sum(axis=1), LOG_ODDS,
        Provenance("m", "d", "exact", exact=True),
    )  # fmt: skip
    result = explain_by_group(explanation, np.array(["old", "young", "old", "old"]), attribute="age", order=["young"])
    assert result.groups == ("young", "old") and result.counts.tolist() == [1, 3]
    np.testing.assert_allclose(result.mean, [[3.0, 0.0], [5 / 3, 4 / 3]])
    np.testing.assert_allclose(result.mean_abs, [[3.0, 0.0], [7 / 3, 8 / 3]])
    np.testing.assert_allclose(result.contribution_of("age"), [3.0, 5 / 3])
    np.testing.assert_allclose(result.mean_output, [3.0, 3.0])


# --- the services on the fake and on a real project ---------------------------------------
def test_the_fake_answers_like_a_project_with_a_planted_age_disparity() -> None:
    fake = FakeServices()
    assert fake.fairness_support() == ""
    assert [a.name for a in fake.protected_attributes()] == ["age", "senior_citizen", "age & senior_citizen"]
    by_age = fake.group_metrics("age")
    assert [r.model_name for r in by_age] == list(fake.model_names)
    assert all(r.disparity.breaches_four_fifths for r in by_age)
    assert all(r.n_rows == 125 and r.threshold == 0.5 for r in by_age)
    assert fake.group_metrics("age", threshold=0.9)[0].threshold == 0.9
    assert fake.group_metrics("age") is by_age  # kept: a slider revisits thresholds
    explained = fake.group_explanations("senior_citizen", "EBM")
    assert explained.groups == ("No", "Yes") and explained.mean.shape == (2, len(fake.feature_names()))
    with pytest.raises(FairnessError, match="no protected attribute 'zip'; choose one of"):
        fake.group_metrics("zip")
    many = FakeServices(classes=("a", "b", "c"))
    assert many.fairness_support() == "group metrics need a two-class target; this project's target has 3 classes"
    with pytest.raises(FairnessError, match="two-class"):
        many.group_metrics("age")


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    """A small loan project: age protected and not an input; the outcome depends on income, which age drives."""
    folder = tmp_path_factory.mktemp("fair")
    rng = np.random.default_rng(2)
    n = 400
    age = rng.integers(18, 70, n).astype(float)
    age[:5] = np.nan
    income = rng.normal(30, 8, n) + np.nan_to_num(age, nan=40) * 0.5
    table = pd.DataFrame({"id": [f"A{i:04d}" for i in range(n)], "age": age, "income": income.round(1)})
    table["home"] = rng.choice(["rent", "owner"], n)
    table["status"] = np.where(income + rng.normal(0, 6, n) > 50, "good", "bad")
    table.to_csv(folder / "loans.csv", index=False)
    text = '[data]\nsource = "loans.csv"\ntarget = "status"\nid = "id"\nprotected = ["age"]\npositive = "good"\n'
    raw = tomllib.loads(text + "[fairness]\nbands = { age = [30, 50] }\nthreshold = 0.6\n" + two_models())
    raw["cache"] = {"dir": str(folder / "cache")}
    config = parse_config(raw, base_dir=folder)
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    project.start_explanations(common=False)  # inline: every job done on return
    return project


def test_a_projects_group_metrics_are_its_held_out_decisions_at_the_configured_threshold(project: Project) -> None:
    data = project.dataset
    results = project.group_metrics("age")
    assert [r.model_name for r in results] == ["Forest", "Glass box"]
    test = data.test_index
    ages = data.frame["age"].to_numpy()[test]
    for result in results:
        assert (result.threshold, result.n_rows) == (0.6, len(test))
        approved = project.models.estimator(result.model_name).predict_proba(data.features.iloc[test])[:, 1] >= 0.6
        young = ages < 30
        assert result.group("<30").selection_rate == pytest.approx(approved[young].mean())
        assert result.group("<30").count == young.sum()
    assert [a.groups for a in project.protected_attributes()] == [("<30", "30-50", "50+", MISSING)]


def test_a_projects_explanations_by_group_average_its_stored_contributions(project: Project) -> None:
    explained = project.group_explanations("age", "Forest")
    full = project.explanation("Forest")
    ages = project.dataset.frame["age"].to_numpy()
    old = ages >= 50
    np.testing.assert_allclose(explained.mean[explained.groups.index("50+")], full.values[old].mean(axis=0))
    assert explained.counts.sum() == project.dataset.n_rows
    assert "age" not in explained.feature_names  # protected, not an input


# --- the loan demo ------------------------------------------------------------------------
def test_the_loan_demo_config_parses_and_its_table_loads_with_age_and_marital_as_inputs() -> None:
    config = parse_config(tomllib.loads(DEMO_CONFIGS["loan"]), base_dir=".")
    assert config.data.protected == ("age", "marital") and config.data.positive == "good"
    assert [m.name for m in config.models] == ["Gradient boosting", "Random forest", "EBM"]
    assert config.fairness.bands == {"age": (25.0, 40.0, 60.0)}
    data = load_dataset(config.data)
    assert data.n_rows == 4454 and data.positive == "good" and data.ids[0] == "A00001"
    assert {"age", "marital"} <= set(data.features.columns) and data.features.shape[1] == 13
    assert (data.y == 1).sum() == 3200  # "good" is code 1: a positive decision is an approval
    marital = column_attribute(data.frame["marital"], "marital")
    assert marital.counts()[MISSING] == 1
    assert "loan" in LOAN_CONFIG
