"""The exact explanation engine: additive, equal to shap's own numbers, in the user's original columns."""

from __future__ import annotations

import warnings
from functools import cache

import numpy as np
import pandas as pd
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import ExtraTreesRegressor, HistGradientBoostingClassifier, RandomForestClassifier
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import PolynomialFeatures
from sklearn.svm import SVC

from models import FeatureSchema, build_model
from portal.explain import EBM_SHAPLEY, TREE_SHAP, TREE_SHAP_FAST, UnsupportedModelError, explainer_for
from portal.explain._base import additive_batch
from portal.results import LOG_ODDS, PROBABILITY, RAW

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # shap's import warns about matplotlib
    import shap

KINDS = ("random_forest", "gradient_boosting", "ebm")
TASKS = ("classification", "regression")
PARAMS = {
    "random_forest": {"n_estimators": 20, "max_depth": 6},
    "gradient_boosting": {"n_estimators": 20},
    "ebm": {"outer_bags": 1, "interactions": [(0, 1), (1, 4), (3, 4)], "max_rounds": 200},
}
SCALES = {
    ("random_forest", "classification"): PROBABILITY,
    ("gradient_boosting", "classification"): LOG_ODDS,
    ("ebm", "classification"): LOG_ODDS,
}
RARE = "violet"  # a colour the background never contains


def make_frame(n: int = 300) -> tuple[pd.DataFrame, dict[str, pd.Series]]:
    """Two numbers with gaps, a count, a colour (with a rare level) and a size with gaps; two targets."""
    rng = np.random.default_rng(7)
    X = pd.DataFrame(
        {
            "height": rng.normal(170, 10, n),
            "weight": rng.normal(70, 12, n),
            "visits": rng.integers(0, 6, n),
            "colour": rng.choice(["red", "green", "blue", RARE], n, p=[0.4, 0.3, 0.25, 0.05]),
            "size": rng.choice(["S", "M", "L", None], n),
        }
    )
    X.loc[rng.random(n) < 0.1, "height"] = np.nan
    X.loc[rng.random(n) < 0.1, "weight"] = np.nan
    score = (X["height"].fillna(170) - 170) / 10 + (X["colour"] == "red") * 1.5 - (X["colour"] == RARE) * 2
    score = score + 0.4 * X["visits"] + (X["size"] == "L") * X["weight"].fillna(70) / 50 + rng.normal(0, 0.7, n)
    return X, {"classification": (score > 1).astype(int), "regression": score * 10}


X, TARGETS = make_frame()
BACKGROUND = X[X["colour"] != RARE].sample(100, random_state=0)
ROWS = X.iloc[:60]


@cache
def fitted(kind: str, task: str) -> Pipeline:
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", message="Missing values detected")  # interpret, while training
        return build_model(kind, PARAMS[kind], FeatureSchema.infer(X), task).fit(X, TARGETS[task])


def model_output(model: Pipeline, scale: str, rows: pd.DataFrame) -> np.ndarray:
    if scale == PROBABILITY:
        return model.predict_proba(rows)[:, 1]
    return model.decision_function(rows) if scale == LOG_ODDS else model.predict(rows)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("kind", KINDS)
def test_contributions_add_up_to_the_models_own_output(kind: str, task: str) -> None:
    model = fitted(kind, task)
    explainer = explainer_for(model, task=task, background=BACKGROUND)
    batch = explainer.explain(ROWS)
    assert explainer.output_scale == SCALES.get((kind, task), RAW)
    assert explainer.method == (EBM_SHAPLEY if kind == "ebm" else TREE_SHAP_FAST) and explainer.exact
    assert batch.values.shape == (len(ROWS), X.shape[1]) and batch.values.dtype == np.float64
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-6, rtol=0)
    np.testing.assert_allclose(batch.outputs, model_output(model, explainer.output_scale, ROWS), atol=1e-9, rtol=0)


def shap_by_origin(model: Pipeline, rows: pd.DataFrame) -> np.ndarray:
    """shap's own TreeSHAP on the transformed matrix, summed to columns by the (here unambiguous) names."""
    prepare, estimator = model[:-1], model[-1]
    raw = np.asarray(shap.TreeExplainer(estimator).shap_values(prepare.transform(rows)))
    raw = raw[:, :, 1] if raw.ndim == 3 else raw
    names = prepare.get_feature_names_out()
    origin = [next(i for i, c in enumerate(X.columns) if n == c or n.startswith(c + "_")) for n in names]
    return np.stack([raw[:, np.array(origin) == i].sum(axis=1) for i in range(X.shape[1])], axis=1)


@pytest.mark.parametrize("task", TASKS)
@pytest.mark.parametrize("kind", ["random_forest", "gradient_boosting"])
def test_tree_values_are_shaps_own_summed_to_original_columns(kind: str, task: str) -> None:
    model = fitted(kind, task)
    values = explainer_for(model, task=task, background=BACKGROUND).explain(ROWS).values
    np.testing.assert_allclose(values, shap_by_origin(model, ROWS), atol=1e-6, rtol=0)


def shap_exact(model: Pipeline, scale: str, background: pd.DataFrame, rows: pd.DataFrame) -> shap.Explanation:
    """shap's brute-force Exact explainer on the EBM's score; strings become codes for shap's masker."""
    categorical = [c for c in X.columns if not pd.api.types.is_numeric_dtype(X[c])]
    levels = {c: sorted(X[c].dropna().unique()) for c in categorical}

    def encode(frame: pd.DataFrame) -> np.ndarray:
        coded = frame.copy()
        for c in categorical:
            coded[c] = frame[c].map({v: float(i) for i, v in enumerate(levels[c])}).astype(float)
        return coded.to_numpy(dtype=float)

    def score(matrix: np.ndarray) -> np.ndarray:
        frame = pd.DataFrame(matrix, columns=X.columns)
        for c in categorical:
            codes = frame[c].to_numpy()
            frame[c] = pd.Series([None if np.isnan(v) else levels[c][int(v)] for v in codes], dtype=X[c].dtype)
        return model_output(model, scale, frame)

    masker = shap.maskers.Independent(encode(background), max_samples=len(background))
    return shap.explainers.Exact(score, masker)(encode(rows))


@pytest.mark.parametrize("task", TASKS)
def test_ebm_values_are_exact_shapley_values_against_the_background(task: str) -> None:
    model = fitted("ebm", task)
    assert any(len(term) == 2 for term in model[-1].term_features_)  # pair terms are shared out too
    explainer = explainer_for(model, task=task, background=BACKGROUND)
    batch = explainer.explain(ROWS.iloc[:12])
    expected = shap_exact(model, explainer.output_scale, BACKGROUND, ROWS.iloc[:12])
    np.testing.assert_allclose(batch.values, expected.values, atol=1e-6, rtol=0)
    np.testing.assert_allclose(batch.base_values, expected.base_values, atol=1e-6, rtol=0)


def test_ebm_handles_unseen_categories_cut_points_and_missing_values() -> None:
    ebm = fitted("ebm", "classification")[-1]
    odd = ROWS.iloc[:4].copy()
    odd.loc[odd.index[0], "colour"] = "never seen"
    odd.loc[odd.index[1], "height"] = ebm.bins_[0][0][3]  # exactly on a main-effect cut
    odd.loc[odd.index[2], "weight"] = ebm.bins_[1][-1][2]  # exactly on an interaction cut
    odd.loc[odd.index[3], ["height", "weight", "size"]] = [np.nan, np.nan, None]
    explainer = explainer_for(fitted("ebm", "classification"), task="classification", background=BACKGROUND)
    batch = explainer.explain(odd)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), ebm.decision_function(odd), atol=1e-9)
    expected = shap_exact(fitted("ebm", "classification"), LOG_ODDS, BACKGROUND, odd)
    np.testing.assert_allclose(batch.values, expected.values, atol=1e-6, rtol=0)


def test_one_hot_parts_are_summed_back_to_their_column() -> None:
    model = fitted("random_forest", "classification")
    explainer = explainer_for(model, task="classification", background=BACKGROUND)
    values = explainer.explain(ROWS).values
    assert model[:-1].transform(ROWS).shape[1] > X.shape[1]  # there were parts to sum
    assert explainer.feature_names == tuple(X.columns) and values.shape[1] == X.shape[1]
    assert np.abs(values[:, list(X.columns).index("colour")]).max() > 1e-3


def test_a_category_missing_from_the_background_is_still_traced_to_its_column() -> None:
    model = fitted("gradient_boosting", "classification")
    rare_rows = X[X["colour"] == RARE].head(10)
    values = explainer_for(model, task="classification", background=BACKGROUND).explain(rare_rows).values
    np.testing.assert_allclose(values, shap_by_origin(model, rare_rows), atol=1e-6, rtol=0)


def test_bare_estimators_are_explained_in_their_own_columns() -> None:
    numbers = X[["height", "weight", "visits"]]
    booster = HistGradientBoostingClassifier(max_iter=20).fit(numbers, TARGETS["classification"])
    forest = ExtraTreesRegressor(n_estimators=10, random_state=0).fit(numbers.fillna(0), TARGETS["regression"])
    for model, task, rows, scale in [
        (booster, "classification", numbers, LOG_ODDS),
        (forest, "regression", numbers.fillna(0), RAW),
    ]:
        explainer = explainer_for(model, task=task, background=rows.iloc[:50])
        batch = explainer.explain(rows.iloc[:40])
        assert explainer.output_scale == scale and explainer.feature_names == ("height", "weight", "visits")
        np.testing.assert_allclose(batch.outputs, model_output(model, scale, rows.iloc[:40]), atol=1e-9, rtol=0)
        np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-6)


def test_a_classifier_without_probabilities_is_refused_in_one_line() -> None:
    numbers = X[["visits"]]
    model = SVC().fit(numbers, TARGETS["classification"])  # no predict_proba: nothing in probability to explain
    with pytest.raises(
        UnsupportedModelError, match=r"^cannot explain SVC: a classification model needs predict_proba\(\) [^\n]*$"
    ):
        explainer_for(model, task="classification", background=numbers)


def test_a_transformer_mixing_columns_cannot_be_attributed() -> None:
    crossed = Pipeline([("impute", SimpleImputer()), ("cross", PolynomialFeatures(interaction_only=True))])
    prepare = ColumnTransformer([("cross", crossed, ["height", "weight"])])
    model = Pipeline([("prepare", prepare), ("model", RandomForestClassifier(n_estimators=5, random_state=0))])
    model.fit(X[["height", "weight"]], TARGETS["classification"])
    with pytest.raises(ValueError, match="mixes columns"):
        explainer_for(model, task="classification", background=BACKGROUND)


def test_a_task_that_contradicts_the_model_is_refused() -> None:
    with pytest.raises(ValueError, match="task is 'regression'"):
        explainer_for(fitted("random_forest", "classification"), task="regression", background=BACKGROUND)


def test_a_batch_that_does_not_add_up_is_never_returned() -> None:
    values, outputs = np.array([[0.25, 0.5], [1.0, -1.0]]), np.array([1.75, 1.0])
    batch = additive_batch(values, 1.0, outputs, method="m", kind="k")
    np.testing.assert_array_equal(batch.base_values, [1.0, 1.0])
    with pytest.raises(RuntimeError, match="broke additivity by 1e-06"):
        additive_batch(values, 1.0, outputs + [0.0, 1e-6], method="m", kind="k")


def test_where_the_fast_kernel_declines_shap_gives_the_same_values(monkeypatch) -> None:
    """The engine falls back to shap's TreeExplainer, says so in the method, and the values agree."""
    from portal.explain import _tree

    model = fitted("random_forest", "classification")
    fast = explainer_for(model, task="classification", background=BACKGROUND)
    monkeypatch.setattr(_tree.FastTreeShap, "try_from", classmethod(lambda cls, estimator: None))
    slow = explainer_for(model, task="classification", background=BACKGROUND)
    assert (fast.method, slow.method) == (TREE_SHAP_FAST, TREE_SHAP)
    np.testing.assert_allclose(fast.explain(ROWS).values, slow.explain(ROWS).values, atol=1e-9, rtol=0)
