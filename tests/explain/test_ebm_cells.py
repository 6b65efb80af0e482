"""An EBM on the model-agnostic method's fast road (its terms' cells) gives the numbers the EBM itself gives."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from interpret.glassbox import ExplainableBoostingClassifier, ExplainableBoostingRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

from portal.explain import EXACT_ENUMERATION, PERMUTATION, Budget, model_agnostic_explainer
from portal.explain._coalitions import Pool
from tests.explain.test_agnostic_rows import table

EBM = {"interactions": 3, "outer_bags": 2, "max_rounds": 200, "random_state": 0}


@pytest.fixture(scope="module")
def data() -> tuple[pd.DataFrame, np.ndarray]:
    return table(n=300, seed=5)


@pytest.fixture(scope="module")
def classifier(data) -> ExplainableBoostingClassifier:
    frame, target = data
    return ExplainableBoostingClassifier(**EBM).fit(frame, target)


def test_hybrid_rows_score_as_the_ebm_scores_them(classifier, data) -> None:
    """Any mix of pool rows, column by column (missing values, categories and pairs included)."""
    frame, _ = data
    explainer = model_agnostic_explainer(classifier, task="classification", background=frame.iloc[:40])
    assert explainer.prepared is not None and len(classifier.term_features_) > frame.shape[1]  # pairs present
    pool = Pool(frame.iloc[:40], frame.iloc[200:260], explainer.prepared)
    positions = np.random.default_rng(0).integers(0, 100, size=(500, frame.shape[1])).astype(np.float64)
    fast = pool.evaluate(explainer.output, positions)
    whole = classifier.predict_proba(pool.pick(positions))[:, 1]
    np.testing.assert_allclose(fast, whole, rtol=0, atol=1e-12)


@pytest.mark.parametrize("exact", [True, False])
def test_the_cells_road_gives_the_values_of_the_ebms_own_predictions(classifier, data, exact: bool) -> None:
    frame, _ = data
    budget = Budget(max_exact_features=10 if exact else 2, permutations=3)
    fast = model_agnostic_explainer(classifier, task="classification", background=frame.iloc[:30], budget=budget)
    assert fast.method == (EXACT_ENUMERATION if exact else PERMUTATION)
    slow = replace(fast, prepared=None)
    rows = frame.iloc[220:230]
    quick, whole = fast.explain(rows), slow.explain(rows)
    np.testing.assert_allclose(quick.values, whole.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(quick.base_values, whole.base_values, rtol=0, atol=1e-12)


def test_a_regressor_after_a_preparation_takes_the_road_too(data) -> None:
    frame, target = data
    numbers = frame[["age", "income", "visits"]]
    model = Pipeline([("fill", SimpleImputer()), ("ebm", ExplainableBoostingRegressor(**EBM))]).fit(
        numbers, target + numbers["income"].to_numpy() / 10
    )
    budget = Budget(max_exact_features=2, permutations=2)
    fast = model_agnostic_explainer(model, task="regression", background=numbers.iloc[:25], budget=budget)
    assert fast.prepared is not None
    rows = numbers.iloc[250:256]
    np.testing.assert_allclose(
        fast.explain(rows).values, replace(fast, prepared=None).explain(rows).values, rtol=0, atol=1e-10
    )


def test_a_multiclass_ebm_keeps_its_own_predictions(data) -> None:
    frame, _ = data
    three = np.asarray(["a", "b", "c"])[np.arange(len(frame)) % 3]
    model = ExplainableBoostingClassifier(**{**EBM, "interactions": 0}).fit(frame, three)
    explainer = model_agnostic_explainer(model, task="classification", background=frame.iloc[:10])
    assert explainer.prepared is None
