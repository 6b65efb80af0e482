"""Averaging ensembles (exact by linearity) and the model-agnostic fallback (budgeted, labelled approximate)."""

from __future__ import annotations

import re
import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from interpret.glassbox import ExplainableBoostingClassifier, ExplainableBoostingRegressor
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
    VotingClassifier,
    VotingRegressor,
)
from sklearn.neighbors import KNeighborsClassifier, KNeighborsRegressor
from sklearn.pipeline import Pipeline

from portal.explain import (
    EBM_SHAPLEY,
    EXACT_ENUMERATION,
    PERMUTATION,
    TREE_SHAP_FAST,
    TREE_SHAP_INTERVENTIONAL,
    WEIGHTED_AVERAGE,
    XGBOOST_TREE_SHAP,
    Budget,
    BudgetExceededError,
    UnsupportedModelError,
    average_explainer,
    explainer_for,
)
from portal.results import PROBABILITY, RAW
from tests.explain.test_explain_matrix import (  # noqa: F401 (one_thread is an autouse fixture)
    BACKGROUND,
    FRAME,
    ROWS,
    TARGETS,
    brute_force,
    fitted,
    one_thread,
    preparation,
)

MIXED, ROWS_MIXED, BACKGROUND_MIXED = FRAME["pipeline"], ROWS["pipeline"], BACKGROUND["pipeline"]
NAMES = {0: "low", 1: "mid", 2: "high"}


def voting_members(task: str) -> list[tuple[str, Pipeline]]:
    """A forest and a booster after the preparation, and an EBM taking the frame as is: all Pipelines."""
    classify = task != "regression"
    forest = (RandomForestClassifier if classify else RandomForestRegressor)(
        n_estimators=8, max_depth=4, random_state=0
    )
    booster = (GradientBoostingClassifier if classify else GradientBoostingRegressor)(n_estimators=8, random_state=0)
    ebm = (ExplainableBoostingClassifier if classify else ExplainableBoostingRegressor)(
        outer_bags=1, max_rounds=100, interactions=[(0, 1), (1, 4)], n_jobs=1, random_state=0
    )
    return [
        ("forest", Pipeline([*preparation(), ("model", forest)])),
        ("booster", Pipeline([*preparation(), ("model", booster)])),
        ("ebm", Pipeline([("model", ebm)])),
    ]


@cache
def voting(task: str) -> VotingClassifier | VotingRegressor:
    if task == "regression":
        model = VotingRegressor(voting_members(task), weights=[1, 2, 1])
        target = TARGETS["pipeline"]["regression"]
    else:
        model = VotingClassifier(voting_members(task), voting="soft", weights=[2, 1, 1])
        target = TARGETS["pipeline"][task]
        target = target.map(NAMES) if task == "multiclass" else target  # the ensemble's own labels name classes
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # interpret: multi-class pairs cannot be drawn
        return model.fit(MIXED, target)


@pytest.mark.parametrize("task", ["binary", "multiclass"])
def test_a_soft_vote_of_forest_booster_and_ebm_is_exact_and_the_average_of_its_members(task: str) -> None:
    model = voting(task)
    explainer = explainer_for(model, task="classification", background=BACKGROUND_MIXED)
    batch = explainer.explain(ROWS_MIXED)
    assert explainer.exact and explainer.output_scale == PROBABILITY
    assert (
        explainer.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_INTERVENTIONAL}, {EXACT_ENUMERATION}, {EXACT_ENUMERATION})"
    )
    assert PERMUTATION not in explainer.method and "approximate" not in explainer.method
    assert explainer.class_names == (("high", "low", "mid") if task == "multiclass" else ())
    members = [
        explainer_for(m, task="classification", background=BACKGROUND_MIXED, scale="common") for m in model.estimators_
    ]
    assert [m.exact for m in members] == [True, True, True]
    expected = sum(w * m.explain(ROWS_MIXED).values for w, m in zip([2, 1, 1], members)) / 4
    np.testing.assert_allclose(batch.values, expected, atol=1e-12, rtol=0)
    proba = model.predict_proba(ROWS_MIXED)
    np.testing.assert_allclose(batch.outputs, proba[:, 1] if task == "binary" else proba, atol=1e-9, rtol=0)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-6, rtol=0)


def test_a_voting_regressor_averages_its_members_native_values() -> None:
    model = voting("regression")
    explainer = explainer_for(model, task="regression", background=BACKGROUND_MIXED)
    batch = explainer.explain(ROWS_MIXED)
    assert explainer.exact and explainer.output_scale == RAW
    assert explainer.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_FAST}, {TREE_SHAP_FAST}, {EBM_SHAPLEY})"
    members = [explainer_for(m, task="regression", background=BACKGROUND_MIXED) for m in model.estimators_]
    expected = sum(w * m.explain(ROWS_MIXED).values for w, m in zip([1, 2, 1], members)) / 4
    np.testing.assert_allclose(batch.values, expected, atol=1e-9, rtol=0)
    np.testing.assert_allclose(batch.outputs, model.predict(ROWS_MIXED), atol=1e-9, rtol=0)


def test_a_weighted_average_of_registered_models_is_built_from_their_explainers() -> None:
    forest, booster = fitted("random_forest", "multiclass", "pipeline"), fitted("xgboost", "multiclass", "pipeline")
    members = [
        explainer_for(m, task="classification", background=BACKGROUND_MIXED, scale="common") for m in (forest, booster)
    ]
    explainer = average_explainer(members, weights=[3, 1])
    batch = explainer.explain(ROWS_MIXED)
    assert explainer.exact and explainer.output_scale == PROBABILITY and explainer.class_names == ("0", "1", "2")
    averaged = (3 * forest.predict_proba(ROWS_MIXED) + booster.predict_proba(ROWS_MIXED)) / 4
    np.testing.assert_allclose(batch.outputs, averaged, atol=1e-9, rtol=0)
    parts = [m.explain(ROWS_MIXED).values for m in members]
    np.testing.assert_allclose(batch.values, (3 * parts[0] + parts[1]) / 4, atol=1e-12, rtol=0)


def test_an_average_refuses_members_in_different_scales_and_bad_weights() -> None:
    native = [
        explainer_for(fitted(f, "binary", "numeric"), task="classification", background=BACKGROUND["numeric"])
        for f in ("random_forest", "xgboost")
    ]
    assert [e.method for e in native] == [TREE_SHAP_FAST, XGBOOST_TREE_SHAP]
    with pytest.raises(ValueError, match=r"share one output scale; got \['log-odds', 'probability'\]"):
        average_explainer(native)
    with pytest.raises(ValueError, match="one non-negative weight per member"):
        average_explainer(native[:1], weights=[-1.0])


def test_hard_voting_and_voting_after_preparation_are_refused() -> None:
    members = [("a", RandomForestClassifier(n_estimators=3)), ("b", GradientBoostingClassifier(n_estimators=3))]
    numbers = FRAME["numeric"]
    hard = VotingClassifier(members, voting="hard").fit(numbers, TARGETS["numeric"]["binary"])
    with pytest.raises(UnsupportedModelError, match="VotingClassifier with voting='hard'"):
        explainer_for(hard, task="classification", background=numbers)
    wrapped = Pipeline([("scale", preparation()[1][1]), ("vote", VotingClassifier(members, voting="soft"))])
    wrapped.fit(numbers, TARGETS["numeric"]["binary"])
    with pytest.raises(UnsupportedModelError, match="VotingClassifier after preparation steps"):
        explainer_for(wrapped, task="classification", background=numbers)


WIDE = pd.DataFrame(np.random.default_rng(5).normal(size=(200, 12)), columns=[f"x{i}" for i in range(12)])
WIDE_TARGET = (WIDE["x0"] + WIDE["x1"] * WIDE["x2"] > 0).astype(int)


def test_a_model_of_unknown_kind_is_explained_approximately_and_says_so() -> None:
    model = KNeighborsClassifier().fit(WIDE, WIDE_TARGET)  # 12 columns: more than exact enumeration allows
    explainer = explainer_for(model, task="classification", background=WIDE.iloc[:20])
    batch = explainer.explain(WIDE.iloc[-5:])
    assert (explainer.method, explainer.exact, explainer.output_scale) == (PERMUTATION, False, PROBABILITY)
    assert "approximate" in explainer.method and batch.values.shape == (5, 12)
    np.testing.assert_allclose(batch.outputs, model.predict_proba(WIDE.iloc[-5:])[:, 1], atol=1e-12, rtol=0)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-9, rtol=0)
    again = explainer_for(model, task="classification", background=WIDE.iloc[:20]).explain(WIDE.iloc[-5:])
    np.testing.assert_array_equal(again.values, batch.values)  # seeded: the same rows give the same values


def test_the_approximate_explainer_keeps_to_its_budget() -> None:
    model = KNeighborsClassifier().fit(WIDE, WIDE_TARGET)
    budget = Budget(max_evaluations=50_000, max_rows=4)
    explainer = explainer_for(model, task="classification", background=WIDE.iloc[:20], budget=budget)
    assert explainer.evaluations_per_row() == 10 * 25 * 20  # permutations x (2 x columns + 1) x background
    explainer.check_budget(4)
    with pytest.raises(BudgetExceededError, match=re.escape("raise the limit with budget=Budget(max_rows=...)")):
        explainer.explain(WIDE.iloc[:5])
    tight = explainer_for(model, task="classification", background=WIDE.iloc[:20], budget=Budget(max_evaluations=9_999))
    message = (
        "shapley_permutation_approximate on 2 rows of KNeighborsClassifier needs 10,000 model evaluations (5,000 per "
        "row: 10 permutations x (2 x 12 + 1) x 20 background rows), over its budget of 9,999; explain fewer rows, use "
        "a smaller background, or raise the limit with budget=Budget(max_evaluations=...); for exact values set "
        "max_exact_features = 12 ([explain] in the project file): 2^12 coalitions x 20 background rows = 81,920 model "
        "evaluations per row, 16 times the 5,000 of sampled permutations"
    )
    with pytest.raises(BudgetExceededError, match=f"^{re.escape(message)}$"):
        tight.explain(WIDE.iloc[:2])


def test_a_budget_reaches_the_members_of_an_ensemble() -> None:
    explainer = explainer_for(
        voting("binary"), task="classification", background=BACKGROUND_MIXED, budget=Budget(max_rows=2)
    )
    with pytest.raises(BudgetExceededError, match="over its budget of 2 rows"):
        explainer.check_budget(3)


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
def test_a_model_of_unknown_kind_with_few_columns_is_explained_exactly(task: str) -> None:
    numbers = FRAME["numeric"]
    target = TARGETS["numeric"][task]
    model = (KNeighborsRegressor() if task == "regression" else KNeighborsClassifier()).fit(numbers, target)
    kind = "regression" if task == "regression" else "classification"
    explainer = explainer_for(model, task=kind, background=BACKGROUND["numeric"])
    batch = explainer.explain(ROWS["numeric"])
    assert (explainer.method, explainer.exact) == (EXACT_ENUMERATION, True)
    assert explainer.output_scale == (RAW if task == "regression" else PROBABILITY)

    def output(frame: pd.DataFrame) -> np.ndarray:
        if task == "regression":
            return model.predict(frame)
        proba = model.predict_proba(frame)
        return proba[:, 1] if task == "binary" else proba

    expected, base = brute_force(output, BACKGROUND["numeric"], ROWS["numeric"])
    np.testing.assert_allclose(batch.values, expected, atol=1e-9, rtol=0)
    np.testing.assert_allclose(batch.base_values, base, atol=1e-9, rtol=0)


class Scorecard:
    """Not a scikit-learn estimator: just predict, on a frame."""

    def predict(self, frame: pd.DataFrame) -> np.ndarray:
        return 2.0 * frame["a"].to_numpy() - frame["b"].to_numpy() ** 2


def test_any_object_with_predict_is_explained() -> None:
    explainer = explainer_for(Scorecard(), task="regression", background=BACKGROUND["numeric"])
    batch = explainer.explain(ROWS["numeric"])
    assert explainer.method == EXACT_ENUMERATION and explainer.feature_names == tuple(FRAME["numeric"].columns)
    background = BACKGROUND["numeric"]
    expected_a = 2.0 * (ROWS["numeric"]["a"] - background["a"].mean())
    np.testing.assert_allclose(batch.values[:, 0], expected_a, atol=1e-12)
    np.testing.assert_allclose(batch.values[:, 2:], 0.0, atol=1e-12)


def test_supported_families_never_fall_back_on_wide_data_but_a_soft_vote_of_them_says_it_is_approximate() -> None:
    """Natively every family keeps its exact method however many columns; in probability a booster or an EBM
    is exact only up to Budget.max_exact_features columns (no cheap exact method exists), and says so."""
    members = [
        ("forest", RandomForestClassifier(n_estimators=5, max_depth=3, random_state=0)),
        ("booster", GradientBoostingClassifier(n_estimators=5, random_state=0)),
        ("ebm", ExplainableBoostingClassifier(outer_bags=1, max_rounds=50, interactions=0, n_jobs=1, random_state=0)),
    ]
    model = VotingClassifier(members, voting="soft").fit(WIDE, WIDE_TARGET)
    background, rows = WIDE.iloc[:10], WIDE.iloc[-3:]
    native = [explainer_for(m, task="classification", background=background).method for m in model.estimators_]
    assert native == [TREE_SHAP_FAST, TREE_SHAP_FAST, EBM_SHAPLEY]
    explainer = explainer_for(model, task="classification", background=background)
    assert not explainer.exact
    assert explainer.method == f"{WEIGHTED_AVERAGE}({TREE_SHAP_INTERVENTIONAL}, {PERMUTATION}, {PERMUTATION})"
    batch = explainer.explain(rows)
    np.testing.assert_allclose(batch.outputs, model.predict_proba(rows)[:, 1], atol=1e-9, rtol=0)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-6, rtol=0)
