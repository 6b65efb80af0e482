"""Cohorts on a real (small) project: the rows they select, their predictions and errors, and every view cut to them."""

from __future__ import annotations

import tomllib

import numpy as np
import pandas as pd
import pytest
from sklearn import metrics as skm

from portal.analyses import (
    NO_HELD_OUT,
    ONE_OUTCOME,
    CohortError,
    RowSearchError,
    check_held_out,
    classification_columns,
    regression_columns,
)
from portal.config import parse_config
from portal.jobs import JobRunner, ResultStore
from portal.project import Cohorts, Project
from portal.results import RowIndex
from tests.projects import two_models

CONFIG = """
title = "Cohorts"
[data]
source = "customers.csv"
target = "churn"
id = "customer"
positive = "yes"
[explain]
common_sample_rows = 60
"""


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    folder = tmp_path_factory.mktemp("cohorts")
    rng = np.random.default_rng(8)
    n = 300
    table = pd.DataFrame(
        {
            "customer": [f"K{i:04d}" for i in range(n)],
            "tenure": rng.integers(0, 72, n),
            "charges": rng.normal(70, 20, n).round(2),
            "contract": rng.choice(["monthly", "yearly"], n),
        }
    )
    risk = -table["tenure"] / 20 + (table["contract"] == "monthly") * 1.5 + rng.normal(0, 0.7, n)
    table["churn"] = np.where(risk > 0, "yes", "no")
    table.to_csv(folder / "customers.csv", index=False)
    raw = tomllib.loads(CONFIG + two_models())
    raw["cache"] = {"dir": str(folder / "cache")}
    config = parse_config(raw, base_dir=folder)
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    project.start_explanations()  # inline: every job done on return
    return project


def test_columns_are_the_features_the_target_and_each_models_prediction_and_error(project: Project) -> None:
    assert project.cohort_columns() == (
        "tenure",
        "charges",
        "contract",
        "churn",
        "prediction: Forest",
        "error: Forest",
        "prediction: Glass box",
        "error: Glass box",
    )


def test_a_feature_cohort_selects_the_rows_pandas_would(project: Project) -> None:
    features = project.dataset.features
    rows = project.cohort_rows("tenure<12 ;contract = monthly")
    expected = ((features["tenure"] < 12) & (features["contract"] == "monthly")).to_numpy()
    assert rows.text == "tenure < 12; contract = monthly"  # written back normalised
    assert rows.n_rows == expected.sum() > 0 and rows.total == 300
    assert rows.row_ids.tolist() == project.dataset.ids[expected].astype(str).tolist()
    assert project.cohort_rows("tenure < 12; contract = monthly") is rows  # kept, not recomputed
    assert project.cohort_rows(None).is_everyone and project.cohort_rows("  ").n_rows == 300


def test_prediction_and_error_columns_are_the_models_probability_and_its_miss(project: Project) -> None:
    data = project.dataset
    probability = project.models.entries["Forest"].fitted.estimator.predict_proba(data.features)[:, 1]
    rows = project.cohort_rows("prediction: Forest >= 0.5")
    np.testing.assert_array_equal(rows.mask, probability >= 0.5)
    miss = np.where(data.y == 1, 1 - probability, probability)  # 1 − p(actual class)
    np.testing.assert_array_equal(project.cohort_rows("error: Forest > 0.5").mask, miss > 0.5)
    np.testing.assert_array_equal(project.cohort_rows("churn = yes").mask, data.y == 1)


def test_explanations_are_cut_to_the_cohort_and_a_sample_counts_against_it(project: Project) -> None:
    rows = project.cohort_rows("tenure >= 36")
    full = rows.restrict(project.explanation("Forest"))
    assert full.row_ids.tolist() == rows.row_ids.tolist() and full.sample_of == 0
    np.testing.assert_array_equal(full.values, project.explanation("Forest").values[rows.mask])
    sample = project.common_explanation("Glass box")
    cut = rows.restrict(sample)
    assert 0 < cut.n_rows < sample.n_rows and cut.sample_of == rows.n_rows
    assert set(cut.row_ids.tolist()) == set(sample.row_ids.tolist()) & set(rows.row_ids.tolist())
    assert project.cohort_rows("").restrict(sample) is sample


def test_performance_on_a_cohort_is_measured_on_its_held_out_rows_only(project: Project) -> None:
    data = project.dataset
    test = data.test_index
    kept = test[data.features["contract"].to_numpy()[test] == "monthly"]
    curves = project.classification_curves(cohort="contract = monthly")
    model = project.models.entries["Forest"].fitted.estimator
    expected = skm.roc_auc_score(data.y[kept], model.predict_proba(data.features.iloc[kept])[:, 1])
    assert curves[0].n == len(kept) < len(test) and curves[0].roc_auc == pytest.approx(expected)
    counts = project.confusions(0.5, cohort="contract = monthly")["Forest"]
    assert counts.true_positive + counts.false_positive + counts.true_negative + counts.false_negative == len(kept)


def test_a_cohort_with_one_outcome_has_no_curves_but_has_a_confusion(project: Project) -> None:
    with pytest.raises(CohortError, match=ONE_OUTCOME.split("{")[0]):
        project.classification_curves(cohort="churn = yes")
    counts = project.confusions(0.5, cohort="churn = yes")["Forest"]
    assert counts.true_negative == counts.false_positive == 0


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("age > 3", "no column 'age'; write a feature, the target, 'prediction: <model>' or 'error: <model>'"),
        ("prediction: Nobody > 0.5", "no column 'prediction: Nobody'"),
        ("prediction: Forest > high", "'prediction: Forest' is numeric, so write a number"),
        ("tenure", "is not 'column op value'"),
    ],
)
def test_a_wrong_cohort_names_the_filter_and_the_fix(project: Project, text: str, message: str) -> None:
    with pytest.raises(CohortError, match=message):
        project.cohort_rows(text)


def test_row_positions_take_a_shortcut_for_data_order_and_look_up_the_rest() -> None:
    index = RowIndex(np.array(["a", "b", "c", "d"]))
    assert index.positions(np.array(["a", "b", "c", "d"])).tolist() == [0, 1, 2, 3]
    assert index.positions(np.array(["d", "b"])).tolist() == [3, 1]


def test_prediction_columns_name_the_most_probable_class_and_measure_the_miss_for_every_task() -> None:
    probabilities = np.array([[0.7, 0.2, 0.1], [0.1, 0.3, 0.6]])
    predicted, error = classification_columns(probabilities, np.array([0, 1]), ("a", "b", "c"))
    assert predicted.tolist() == ["a", "c"] and np.allclose(error, [0.3, 0.7])
    predicted, error = regression_columns(np.array([[3.0], [5.0]]), np.array([4.0, 5.0]))
    assert predicted.tolist() == [3.0, 5.0] and error.tolist() == [1.0, 0.0]


def test_held_out_rows_that_cannot_be_measured_are_refused_with_the_fix() -> None:
    with pytest.raises(CohortError, match=NO_HELD_OUT):
        check_held_out(np.array([]), both_outcomes=False)
    with pytest.raises(CohortError, match="all have the same outcome"):
        check_held_out(np.array([1, 1]), both_outcomes=True)
    check_held_out(np.array([1, 1]), both_outcomes=False)  # a confusion needs no negatives


def test_row_search_reads_the_cohort_grammar_and_sorts_by_a_prediction_or_disagreement(project: Project) -> None:
    data = project.dataset
    forest = project.models.entries["Forest"].fitted.estimator.predict_proba(data.features)[:, 1]
    found = project.find_rows("prediction: Forest > 0.5", sort="prediction: Forest")
    expected = np.flatnonzero(forest > 0.5)[np.argsort(-forest[forest > 0.5], kind="stable")][:50]
    assert found.row_ids == tuple(data.ids[expected].astype(str)) and found.total == (forest > 0.5).sum() > 0
    assert found.columns == ("prediction: Forest",) and found.sorted_by == "prediction: Forest"
    assert [v[0] for v in found.values] == sorted(forest[forest > 0.5], reverse=True)[:50]
    assert project.find_rows("churn = YES", limit=500).total == (data.y == 1).sum()  # the target, any case
    glass = project.models.entries["Glass box"].fitted.estimator.predict_proba(data.features)[:, 1]
    spread = np.abs(forest - glass)
    top = project.find_rows("", sort="disagreement", limit=5)  # every row, the most disputed first
    np.testing.assert_allclose([v[0] for v in top.values], np.sort(spread)[::-1][:5])


@pytest.mark.parametrize(
    ("text", "sort", "message"),
    [
        (
            "prediction: Forests > 0.5",
            None,
            "Search 'prediction: Forests > 0.5': no column 'prediction: Forests' "
            "(did you mean 'prediction: Forest'?); write a feature, the target, 'prediction: <model>' or "
            "'error: <model>'.",
        ),
        (
            "contract = weekly",
            None,
            "Search 'contract = weekly': no row has contract 'weekly'; its categories: monthly, yearly.",
        ),
        (
            "tenure < 3",
            "tenure",
            "Rows can be sorted by 'prediction: <model>', 'error: <model>' or 'disagreement', not 'tenure'.",
        ),
    ],
)
def test_a_wrong_search_is_a_sentence_naming_the_fix(project: Project, text: str, sort, message: str) -> None:
    with pytest.raises(RowSearchError) as raised:
        project.find_rows(text, sort=sort)
    assert str(raised.value) == message and "[" not in message


def test_the_example_cohort_is_the_projects_own_columns(project: Project) -> None:
    features = project.dataset.features
    median = int(features["tenure"].median())
    common = features["contract"].value_counts().index[0]
    assert project.cohort_example() == f"tenure < {median}; contract = {common}"
    with pytest.raises(CohortError, match=f"write e.g. 'tenure < {median}; contract = {common}'"):
        project.cohort_rows("tenure")


def test_a_loan_like_table_gives_a_loan_example_and_matches_a_category_in_any_case() -> None:
    table = pd.DataFrame(
        {"seniority": [1, 3, 5, 9], "home": ["?", "owner", "rent", "owner"], "marital": ["married"] * 3 + ["single"]}
    )
    cohorts = Cohorts(lambda: table, RowIndex(["A1", "A2", "A3", "A4"]), ("GB",), lambda _m: (np.zeros(4), np.zeros(4)))
    assert cohorts.example() == "seniority < 4; home = owner"
    assert cohorts.rows("marital = Married").n_rows == 3
    with pytest.raises(CohortError, match="no row has marital 'wed'; its categories: married, single"):
        cohorts.rows("marital = wed")
