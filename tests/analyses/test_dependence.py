"""A feature's dependence across models on shared rows, and an EBM's shape function against its own Shapley values."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from interpret.glassbox import ExplainableBoostingClassifier

from portal.analyses import category_order, dependence, ebm_shape_function
from portal.explain import explainer_for
from portal.results import LOG_ODDS, PROBABILITY, Explanation, Provenance

FEATURES = pd.DataFrame(
    {"tenure": [1.0, 5.0, 9.0, 20.0], "contract": ["month", "year", "month", "two years"]},
    index=pd.Index(["a", "b", "c", "d"]),
)


def explanation(name: str, ids, values) -> Explanation:
    values = np.asarray(values, dtype=np.float64)
    return Explanation(
        model_name=name,
        feature_names=("tenure", "contract"),
        row_ids=np.asarray(ids),
        values=values,
        base_values=np.zeros(len(values)),
        outputs=values.sum(axis=1),
        output_scale=PROBABILITY,
        provenance=Provenance("m", "d", "tree_shap", True),
    )


RF = explanation("RF", ["a", "b", "c", "d"], [[0.3, 0.1], [0.1, -0.1], [-0.1, 0.1], [-0.3, -0.2]])
GB = explanation("GB", ["d", "b", "a"], [[-0.5, -0.3], [0.2, -0.2], [0.6, 0.2]])  # a partial job: c not yet


def test_every_model_is_drawn_on_the_same_rows_with_its_own_contributions() -> None:
    rf, gb = dependence([RF, GB], FEATURES, "tenure", colour_by="contract")
    assert rf.values.tolist() == gb.values.tolist() == [1.0, 5.0, 20.0]  # rows a, b, d: explained by both
    assert rf.contributions.tolist() == [0.3, 0.1, -0.3]
    assert gb.contributions.tolist() == [0.6, 0.2, -0.5]
    assert rf.colour_values.tolist() == ["month", "year", "two years"]
    assert (rf.n_shown, rf.n_total, rf.categorical) == (3, 3, False)


def test_the_sample_is_capped_seeded_and_categories_are_flagged() -> None:
    first = dependence([RF], FEATURES, "contract", max_points=2)[0]
    again = dependence([RF], FEATURES, "contract", max_points=2)[0]
    assert first.categorical and (first.n_shown, first.n_total) == (2, 4)
    assert first.values.tolist() == again.values.tolist()


def test_unknown_features_are_named() -> None:
    with pytest.raises(ValueError, match="no feature 'age'"):
        dependence([RF], FEATURES, "age")
    with pytest.raises(ValueError, match="no feature 'age' to colour by"):
        dependence([RF], FEATURES, "tenure", colour_by="age")


def test_an_ebm_shape_function_equals_its_shapley_values_of_a_feature_without_pairs() -> None:
    rng = np.random.default_rng(0)
    X = pd.DataFrame({"x": rng.normal(size=400), "y": rng.normal(size=400), "colour": rng.choice(["r", "g", "b"], 400)})
    target = (X["x"] + (X["colour"] == "r") + rng.normal(0, 0.5, 400) > 0.5).astype(int)
    ebm = ExplainableBoostingClassifier(outer_bags=1, max_rounds=200, interactions=0, n_jobs=1, random_state=0)
    ebm.fit(X, target)
    background = X.iloc[:50]
    explainer = explainer_for(ebm, task="classification", background=background)
    for feature in ("x", "colour"):
        shape = ebm_shape_function(ebm, feature, background, LOG_ODDS)
        probe = pd.concat([X.iloc[[0]]] * len(shape.grid), ignore_index=True)
        probe[feature] = shape.grid
        own = explainer.explain(probe).values[:, explainer.feature_names.index(feature)]
        assert shape.scores == pytest.approx(own, abs=1e-9)
    with pytest.raises(ValueError, match="no main term for 'z'"):
        ebm_shape_function(ebm, "z", background, LOG_ODDS)


def test_a_large_sample_is_the_seeded_choice_of_shared_ids_in_id_order_whatever_each_models_row_order() -> None:
    ids = np.array([f"r{i:05d}" for i in range(5_000)], dtype=object)
    rng = np.random.default_rng(1)
    values = rng.normal(size=(5_000, 2))
    first = explanation("RF", ids, values)
    order = rng.permutation(5_000)
    second = explanation("GB", ids[order], values[order] * 2)
    features = pd.DataFrame({"tenure": np.arange(5_000.0), "contract": "month"}, index=pd.Index(ids.astype(str)))
    rf, gb = dependence([first, second], features, "tenure", max_points=300, seed=4)
    expected = np.sort(np.random.default_rng(4).choice(ids.astype(str), size=300, replace=False))
    at = np.array([int(i[1:]) for i in expected])
    assert rf.values.tolist() == gb.values.tolist() == at.astype(float).tolist()
    assert rf.contributions.tolist() == values[at, 0].tolist()
    assert gb.contributions.tolist() == (values[at, 0] * 2).tolist()
    assert (rf.n_shown, rf.n_total) == (300, 5_000)


def test_categories_are_in_the_datas_order_else_numbers_and_bands_by_value_else_alphabetical() -> None:
    ordered = pd.Series(pd.Categorical(["high", "low", "mid"], categories=["low", "mid", "high", "unused"]))
    assert category_order(ordered) == ("low", "mid", "high")  # the data's own order; absent ones left out
    bands = pd.Series(["60+", "25-40", "<25", "40-60", "missing", "25-40"])
    assert category_order(bands) == ("<25", "25-40", "40-60", "60+", "missing")  # not 25-40, 40-60, 60+, <25
    assert category_order(pd.Series(["10", "9", "100"])) == ("9", "10", "100")
    assert category_order(pd.Series([">=60", "<=18", "(18, 60]"])) == ("<=18", "(18, 60]", ">=60")
    assert category_order(pd.Series(["year", "month", None])) == ("month", "year")


def test_dependence_gives_the_feature_and_colour_levels_shown_in_band_order() -> None:
    features = pd.DataFrame(
        {"tenure": [1.0, 5.0, 9.0, 20.0], "contract": ["60+", "<25", "25-40", "<25"]}, index=pd.Index(list("abcd"))
    )
    rf = dependence([RF], features, "contract", colour_by="contract")[0]
    assert rf.levels == rf.colour_levels == ("<25", "25-40", "60+")
    by_tenure = dependence([RF], features, "tenure", colour_by="tenure")[0]
    assert by_tenure.levels == by_tenure.colour_levels == ()  # numbers: an axis and a colour scale, not levels


def test_an_ebm_shape_function_lists_banded_categories_in_band_order_and_names_its_model() -> None:
    rng = np.random.default_rng(1)
    X = pd.DataFrame({"x": rng.normal(size=300), "age": rng.choice(["<25", "25-40", "40-60", "60+"], 300)})
    target = (X["x"] + (X["age"] == "60+") + rng.normal(0, 0.5, 300) > 0.5).astype(int)
    ebm = ExplainableBoostingClassifier(outer_bags=1, max_rounds=50, interactions=0, n_jobs=1, random_state=0)
    ebm.fit(X, target)
    shape = ebm_shape_function(ebm, "age", X.iloc[:50], LOG_ODDS, "Glass box")
    assert shape.grid.tolist() == ["<25", "25-40", "40-60", "60+"] and shape.model_name == "Glass box"
