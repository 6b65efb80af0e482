"""Boosted trees scored over hybrid rows by differences give the model's own scores, to the last bit."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
)

from portal.explain._tree_differences import tree_output


def hybrid_rows(rng: np.random.Generator, pool: np.ndarray, stride: int, coalitions: int) -> np.ndarray:
    """Rows as the model-agnostic method builds them: per coalition, every background row with the coalition's
    columns from the explained row (the pool's last); coalitions grow one column at a time, as permutations do."""
    background, row = pool[:stride], pool[-1]
    order, rows = rng.permutation(pool.shape[1]), []
    for size in range(coalitions):
        taken = order[: size % (pool.shape[1] + 1)]
        hybrid = background.copy()
        hybrid[:, taken] = row[taken]
        rows.append(hybrid)
    return np.concatenate(rows)


@pytest.fixture(scope="module")
def data() -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(4)
    X = rng.normal(size=(400, 6))
    X[:, 5] = rng.integers(0, 4, 400)  # a small whole-number column (a category for the histogram booster)
    X[rng.random((400, 6)) < 0.05] = np.nan
    y = (np.nan_to_num(X[:, 0]) + np.nan_to_num(X[:, 1]) * np.nan_to_num(X[:, 2]) + (X[:, 5] == 2)) > 0.3
    return X, y.astype(int)


def test_a_gradient_boosting_classifier_gives_its_own_probabilities_bit_for_bit(data) -> None:
    X, y = data
    model = GradientBoostingClassifier(n_estimators=60, max_depth=3, random_state=0).fit(np.nan_to_num(X), y)
    rows = hybrid_rows(np.random.default_rng(1), np.nan_to_num(X[:41]), 40, 14)
    output = tree_output(model, "classification", stride=40)
    assert output is not None
    np.testing.assert_array_equal(output(rows), model.predict_proba(rows)[:, 1])


def test_a_regressor_gives_its_predictions_bit_for_bit(data) -> None:
    X, y = data
    target = y + np.nan_to_num(X[:, 3])
    model = GradientBoostingRegressor(n_estimators=40, max_depth=4, random_state=0).fit(np.nan_to_num(X), target)
    rows = hybrid_rows(np.random.default_rng(2), np.nan_to_num(X[100:131]), 30, 9)
    np.testing.assert_array_equal(tree_output(model, "regression", stride=30)(rows), model.predict(rows))


def test_missing_values_and_categories_follow_the_histogram_boosters_rules(data) -> None:
    X, y = data
    model = HistGradientBoostingClassifier(max_iter=40, categorical_features=[5], random_state=0).fit(X, y)
    rows = hybrid_rows(np.random.default_rng(3), X[200:251], 50, 12)
    output = tree_output(model, "classification", stride=50)
    assert output is not None
    np.testing.assert_allclose(output(rows), model.predict_proba(rows)[:, 1], rtol=0, atol=1e-12)


def test_unrelated_rows_are_walked_whole_and_still_right(data) -> None:
    """Nothing assumes the rows are hybrids: rows that share nothing are simply walked again."""
    X, y = data
    model = GradientBoostingClassifier(n_estimators=30, random_state=0).fit(np.nan_to_num(X), y)
    rows = np.random.default_rng(5).normal(size=(90, 6))
    np.testing.assert_array_equal(tree_output(model, "classification", stride=7)(rows), model.predict_proba(rows)[:, 1])


def test_forests_and_multiclass_boosters_keep_their_own_predictions(data) -> None:
    X, y = data
    clean = np.nan_to_num(X)
    assert (
        tree_output(RandomForestClassifier(n_estimators=5, random_state=0).fit(clean, y), "classification", 5) is None
    )
    three = GradientBoostingClassifier(n_estimators=5, random_state=0).fit(clean, np.arange(400) % 3)
    assert tree_output(three, "classification", stride=5) is None
