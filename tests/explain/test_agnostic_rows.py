"""The model-agnostic method row by row: a row's values do not depend on its batch, and a column-wise
Pipeline evaluated on its prepared pool gives the numbers the whole Pipeline gives."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import GradientBoostingClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline, make_pipeline
from sklearn.preprocessing import OneHotEncoder

from portal.explain import EXACT_ENUMERATION, PERMUTATION, Budget, model_agnostic_explainer
from portal.explain._coalitions import Pool, row_seeds


def table(n: int = 240, seed: int = 3) -> tuple[pd.DataFrame, np.ndarray]:
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "age": rng.integers(18, 80, n).astype(float),
            "income": rng.normal(50, 15, n),
            "plan": rng.choice(["basic", "plus", "pro"], n).astype(object),
            "region": rng.choice(["n", "s", "e", "w"], n).astype(object),
            "visits": rng.poisson(3, n).astype(float),
        }
    )
    frame.loc[rng.choice(n, 20, replace=False), "age"] = np.nan
    frame.loc[rng.choice(n, 15, replace=False), "plan"] = np.nan
    target = ((frame["age"].fillna(40) > 45) ^ (frame["plan"] == "pro")).to_numpy().astype(int)
    return frame, target


@pytest.fixture(scope="module")
def pipeline() -> tuple[Pipeline, pd.DataFrame]:
    frame, target = table()
    text = make_pipeline(SimpleImputer(strategy="most_frequent"), OneHotEncoder(handle_unknown="ignore"))
    prepare = ColumnTransformer(
        [
            ("text", text, ["plan", "region"]),
            ("numbers", SimpleImputer(add_indicator=True), ["age", "income", "visits"]),
        ]
    )
    model = Pipeline([("prepare", prepare), ("model", GradientBoostingClassifier(n_estimators=30, random_state=0))])
    return model.fit(frame, target), frame


@pytest.mark.parametrize("exact", [True, False])
def test_the_prepared_pool_gives_the_whole_pipelines_numbers(pipeline, exact: bool) -> None:
    model, frame = pipeline
    budget = Budget(max_exact_features=10 if exact else 2, permutations=4)
    fast = model_agnostic_explainer(model, task="classification", background=frame.iloc[:30], budget=budget)
    assert fast.prepared is not None and fast.method == (EXACT_ENUMERATION if exact else PERMUTATION)
    slow = replace(fast, prepared=None)
    rows = frame.iloc[200:212]
    quick, whole = fast.explain(rows), slow.explain(rows)
    np.testing.assert_allclose(quick.values, whole.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(quick.base_values, whole.base_values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(quick.outputs, model.predict_proba(rows)[:, 1], rtol=0, atol=1e-12)


def test_a_rows_sampled_values_are_the_same_in_any_batch(pipeline) -> None:
    model, frame = pipeline
    budget = Budget(max_exact_features=2, permutations=3)
    explainer = model_agnostic_explainer(model, task="classification", background=frame.iloc[:25], budget=budget)
    rows = frame.iloc[150:160]
    together = explainer.explain(rows).values
    alone = np.stack([explainer.explain(rows.iloc[[i]]).values[0] for i in range(len(rows))])
    backwards = explainer.explain(rows.iloc[::-1]).values[::-1]
    np.testing.assert_array_equal(together, alone)
    np.testing.assert_array_equal(together, backwards)
    seeds = row_seeds(rows, 0)
    assert len(set(seeds.tolist())) == len(rows)  # each row its own permutations ...
    np.testing.assert_array_equal(row_seeds(rows.iloc[[3, 3]], 0), seeds[[3, 3]])  # ... from its values alone


def test_the_background_is_prepared_once_and_pools_match_a_whole_preparation(pipeline) -> None:
    model, frame = pipeline
    explainer = model_agnostic_explainer(model, task="classification", background=frame.iloc[:30])
    prepared = explainer.prepared
    assert prepared.background is not None and prepared.background.shape[0] == 30
    seen: list[int] = []
    counting = replace(prepared, prepare=lambda rows: seen.append(len(rows)) or prepared.prepare(rows))
    rows = frame.iloc[100:103].reset_index(drop=True)
    pool = Pool(explainer.background, rows, counting)
    whole = Pool(explainer.background, rows, replace(prepared, background=None))
    np.testing.assert_array_equal(pool.matrix, whole.matrix)
    assert seen == [3]  # only the explained rows, not the 30 background rows again
