"""The decision tables' road (portal.explain.treeshap._patterns) gives the sweeps' values, and takes the trees
it should: shallow trees whole, deeper ones in groups, deep forests not at all."""

from __future__ import annotations

import dataclasses

import numpy as np
import pytest
from sklearn.ensemble import (
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)

from portal.explain.treeshap import TreeEnsemble, _patterns, shap_values
from tests.explain.test_treeshap import assert_matches_shap

RNG = np.random.default_rng(7)
X = RNG.normal(size=(1500, 8))
X[::9, 2] = np.nan  # missing values go the stored way in both roads
BINARY = (X[:, 0] + np.nan_to_num(X[:, 2]) * X[:, 1] > 0).astype(int)
THREE = np.digitize(X[:, 0] + X[:, 3], [-0.5, 0.5])
Y = X[:, 0] * 3 + np.nan_to_num(X[:, 2]) ** 2 + RNG.normal(size=len(X))
FILLED = np.nan_to_num(X)

MODELS = {
    "boosting depth 3": lambda: GradientBoostingClassifier(n_estimators=40, max_depth=3, random_state=0).fit(
        FILLED, BINARY
    ),
    "boosting depth 3, three classes": lambda: GradientBoostingClassifier(
        n_estimators=15, max_depth=3, random_state=0
    ).fit(FILLED, THREE),
    "hist boosting, missing values": lambda: HistGradientBoostingClassifier(max_iter=30, random_state=0).fit(X, BINARY),
    "forest depth 6": lambda: RandomForestClassifier(20, max_depth=6, random_state=0).fit(FILLED, BINARY),
    "boosting regressor depth 6": lambda: GradientBoostingRegressor(n_estimators=20, max_depth=6, random_state=0).fit(
        FILLED, Y
    ),
}


def sweeps_only(ensemble: TreeEnsemble) -> TreeEnsemble:
    return dataclasses.replace(ensemble, tables=None)


@pytest.mark.parametrize("name", list(MODELS))
def test_the_tables_give_the_sweeps_values(name: str) -> None:
    model = MODELS[name]()
    data = FILLED if "hist" not in name else X
    ensemble = TreeEnsemble.from_model(model)
    assert ensemble.tables is not None and ensemble.tables.n_trees > 0
    tabled, swept = shap_values(ensemble, data[:300]), shap_values(sweeps_only(ensemble), data[:300])
    assert np.abs(tabled - swept).max() <= 1e-12 * max(1.0, np.abs(swept).max())


def test_a_depth_3_booster_is_tabulated_whole_and_matches_shap() -> None:
    model = MODELS["boosting depth 3"]()
    ensemble = TreeEnsemble.from_model(model)
    groups = ensemble.tables.groups
    assert ensemble.tables.n_trees == 40 and len(groups.table_start) == 40  # one table per tree
    assert_matches_shap(model, FILLED[:200], model.decision_function(FILLED[:200]))


def test_a_depth_6_tree_is_split_into_groups_of_at_most_ten_decisions() -> None:
    ensemble = TreeEnsemble.from_model(MODELS["boosting regressor depth 6"]())
    groups = ensemble.tables.groups
    decisions = np.diff(groups.node_start)
    assert len(decisions) > ensemble.tables.n_trees and decisions.max() <= _patterns.MAX_GROUP_DECISIONS


def test_a_fully_grown_forest_keeps_the_sweeps() -> None:
    model = RandomForestRegressor(10, random_state=0).fit(FILLED, Y)
    assert TreeEnsemble.from_model(model).tables is None


def test_past_the_memory_budget_trees_keep_the_sweeps_with_the_same_values(monkeypatch) -> None:
    model = MODELS["boosting depth 3"]()
    full = TreeEnsemble.from_model(model)
    monkeypatch.setattr(_patterns, "TABLE_BUDGET_BYTES", full.tables.nbytes // 2)
    half = TreeEnsemble.from_model(model)
    assert 0 < half.tables.n_trees < full.tables.n_trees and half.tables.nbytes <= full.tables.nbytes // 2
    assert np.abs(shap_values(half, FILLED[:100]) - shap_values(full, FILLED[:100])).max() <= 1e-12
