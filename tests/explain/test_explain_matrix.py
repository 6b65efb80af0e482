"""The acceptance matrix: every model family x task x frame, in its native scale and in the common one.

Each explanation must equal an independent reference (shap's own TreeExplainer, or brute-force Shapley
values computed here coalition by coalition) to 1e-6 once summed to original columns, add up to the
model's own output to 1e-6, and state the method and scale expected of its family.
"""

from __future__ import annotations

import warnings
from collections.abc import Iterator
from functools import cache
from itertools import combinations
from math import factorial

import numpy as np
import pandas as pd
import pytest
from interpret.glassbox import ExplainableBoostingClassifier, ExplainableBoostingRegressor
from lightgbm import LGBMClassifier, LGBMRegressor
from sklearn.compose import ColumnTransformer
from sklearn.ensemble import (
    ExtraTreesClassifier,
    ExtraTreesRegressor,
    GradientBoostingClassifier,
    GradientBoostingRegressor,
    HistGradientBoostingClassifier,
    HistGradientBoostingRegressor,
    RandomForestClassifier,
    RandomForestRegressor,
)
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline
from sklearn.preprocessing import MaxAbsScaler, OneHotEncoder, OrdinalEncoder, StandardScaler
from threadpoolctl import threadpool_limits
from xgboost import XGBClassifier, XGBRegressor

from portal.explain import (
    EBM_SHAPLEY,
    EXACT_ENUMERATION,
    LIGHTGBM_TREE_SHAP,
    TREE_SHAP_FAST,
    TREE_SHAP_INTERVENTIONAL,
    XGBOOST_TREE_SHAP,
    explainer_for,
)
from portal.results import LOG_ODDS, LOGIT, PROBABILITY, RAW

with warnings.catch_warnings():
    warnings.simplefilter("ignore")  # shap's import warns about matplotlib
    import shap
    from shap.explainers._tree import TreeEnsemble


@pytest.fixture(scope="module", autouse=True)
def one_thread() -> Iterator[None]:
    """Tiny models predict in microseconds; OpenMP's thread start-up on every call would cost more."""
    with threadpool_limits(limits=1):
        yield


FAMILIES = ("random_forest", "extra_trees", "gradient_boosting", "hist_gradient_boosting", "xgboost", "lightgbm", "ebm")
TASKS = ("binary", "multiclass", "regression")
FRAMES = ("numeric", "pipeline")
FORESTS = ("random_forest", "extra_trees")
NATIVE_METHODS = {"xgboost": XGBOOST_TREE_SHAP, "lightgbm": LIGHTGBM_TREE_SHAP, "ebm": EBM_SHAPLEY}
RARE = "violet"  # a colour the background never contains


def make_frames(n: int = 240) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, pd.Series]]]:
    """A plain numeric frame, and a mixed one with gaps, a rare colour and a size with gaps; three targets each."""
    rng = np.random.default_rng(3)
    numeric = pd.DataFrame(rng.normal(size=(n, 5)), columns=["a", "b", "c", "d", "e"])
    mixed = pd.DataFrame(
        {
            "height": rng.normal(170, 10, n),
            "weight": rng.normal(70, 12, n),
            "visits": rng.integers(0, 6, n),
            "colour": rng.choice(["red", "green", "blue", RARE], n, p=[0.4, 0.3, 0.25, 0.05]),
            "size": rng.choice(["S", "M", "L", None], n),
        }
    )
    mixed.loc[rng.random(n) < 0.1, "height"] = np.nan
    mixed.loc[rng.random(n) < 0.1, "weight"] = np.nan
    scores = {
        "numeric": numeric["a"] + numeric["b"] * numeric["c"] - numeric["d"] + 0.5 * numeric["e"],
        "pipeline": (mixed["height"].fillna(170) - 170) / 10
        + (mixed["colour"] == "red") * 1.5
        + 0.4 * mixed["visits"]
        + (mixed["size"] == "L") * mixed["weight"].fillna(70) / 50,
    }
    targets = {}
    for frame, score in scores.items():
        score = score + rng.normal(0, 0.5, n)
        targets[frame] = {
            "binary": (score > score.median()).astype(int),
            "multiclass": pd.Series(pd.qcut(score, 3, labels=False), dtype=int),
            "regression": score * 10,
        }
    return {"numeric": numeric, "pipeline": mixed}, targets


FRAME, TARGETS = make_frames()
MIXED = FRAME["pipeline"]
BACKGROUND = {"numeric": FRAME["numeric"].iloc[:25], "pipeline": MIXED[MIXED["colour"] != RARE].iloc[:25]}
ROWS = {
    "numeric": FRAME["numeric"].iloc[-6:],
    "pipeline": pd.concat([MIXED.iloc[-5:], MIXED[MIXED["colour"] == RARE][:2]]),
}


def estimator(family: str, task: str) -> object:
    """A small model of the family: few trees, few rounds, one thread."""
    classify = task != "regression"
    trees = {"n_estimators": 8, "max_depth": 4, "random_state": 0}
    if family in FORESTS:
        kind = {
            "random_forest": (RandomForestClassifier, RandomForestRegressor),
            "extra_trees": (ExtraTreesClassifier, ExtraTreesRegressor),
        }[family]
        return kind[0 if classify else 1](**trees)
    if family == "gradient_boosting":
        return (GradientBoostingClassifier if classify else GradientBoostingRegressor)(
            n_estimators=8, max_depth=3, random_state=0
        )
    if family == "hist_gradient_boosting":
        return (HistGradientBoostingClassifier if classify else HistGradientBoostingRegressor)(
            max_iter=8, random_state=0
        )
    if family == "xgboost":
        return (XGBClassifier if classify else XGBRegressor)(n_estimators=8, max_depth=3, n_jobs=1)
    if family == "lightgbm":
        return (LGBMClassifier if classify else LGBMRegressor)(
            n_estimators=8, num_leaves=8, min_child_samples=5, verbose=-1, n_jobs=1
        )
    ebm = ExplainableBoostingClassifier if classify else ExplainableBoostingRegressor
    return ebm(outer_bags=1, max_rounds=100, interactions=[(0, 1), (1, 4), (2, 3)], n_jobs=1, random_state=0)


def preparation() -> list[tuple[str, object]]:
    """Imputed and scaled numbers, one-hot colour, ordinal size, then a scaler over everything."""
    numbers = Pipeline([("impute", SimpleImputer(strategy="median")), ("scale", StandardScaler())])
    fill = ("impute", SimpleImputer(strategy="constant", fill_value="missing"))
    colour = Pipeline([fill, ("encode", OneHotEncoder(handle_unknown="ignore", sparse_output=False))])
    size = Pipeline([fill, ("encode", OrdinalEncoder(handle_unknown="use_encoded_value", unknown_value=-1))])
    prepare = ColumnTransformer(
        [
            ("numbers", numbers, ["height", "weight", "visits"]),
            ("colour", colour, ["colour"]),
            ("size", size, ["size"]),
        ],
        verbose_feature_names_out=False,
    )
    return [("prepare", prepare), ("scale", MaxAbsScaler())]


@cache
def fitted(family: str, task: str, frame: str) -> object:
    model = estimator(family, task)
    if frame == "pipeline":
        model = Pipeline([*preparation(), ("model", model)])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # interpret: multi-class pairs cannot be drawn
        return model.fit(FRAME[frame], TARGETS[frame][task])


def task_of(task: str) -> str:
    return "regression" if task == "regression" else "classification"


def own_output(model: object, family: str, scale: str, rows: pd.DataFrame) -> np.ndarray:
    """The model's own output in ``scale``, asked of it directly."""
    if scale == PROBABILITY:
        proba = model.predict_proba(rows)
        return proba[:, 1] if proba.shape[1] == 2 else proba
    if scale == RAW:
        return model.predict(rows)
    if family == "xgboost":
        return model.predict(rows, output_margin=True)
    return model.predict(rows, raw_score=True) if family == "lightgbm" else model.decision_function(rows)


def brute_force(output, background: pd.DataFrame, rows: pd.DataFrame) -> tuple[np.ndarray, np.ndarray]:
    """Interventional Shapley values over original columns, every coalition spelt out: (values, base)."""
    background = background.reset_index(drop=True)
    columns, f = list(rows.columns), rows.shape[1]
    subsets = [frozenset(s) for k in range(f + 1) for s in combinations(range(f), k)]
    values, bases = [], []
    for r in range(len(rows)):
        hybrids = []
        for subset in subsets:
            hybrid = background.copy()
            for i in subset:
                hybrid[columns[i]] = rows[columns[i]].iloc[np.full(len(background), r)].reset_index(drop=True)
            hybrids.append(hybrid)
        out = np.asarray(output(pd.concat(hybrids, ignore_index=True)), dtype=np.float64)
        worth = dict(zip(subsets, out.reshape(len(subsets), len(background), -1).mean(axis=1)))
        phi = [
            sum(
                factorial(len(s)) * factorial(f - len(s) - 1) / factorial(f) * (worth[s | {i}] - worth[s])
                for s in subsets
                if i not in s
            )
            for i in range(f)
        ]
        values.append(np.stack(phi))
        bases.append(worth[frozenset()])
    values, bases = np.stack(values), np.stack(bases)
    return (values[..., 0], bases[:, 0]) if out.ndim == 1 else (values, bases)


def summed_by_name(model: object, raw: np.ndarray, columns: list[str]) -> np.ndarray:
    """Per-prepared-column values summed to original columns by output name (unambiguous here)."""
    if not isinstance(model, Pipeline):
        return raw
    names = model[:-1].get_feature_names_out()
    origin = np.array([next(i for i, c in enumerate(columns) if n == c or n.startswith(c + "_")) for n in names])
    return np.stack([raw[:, origin == i].sum(axis=1) for i in range(len(columns))], axis=1)


def shap_tree_reference(model: object, family: str, task: str, rows: pd.DataFrame, **options) -> np.ndarray:
    """shap's TreeExplainer on what the estimator sees, summed to original columns; class 1 when binary."""
    prepare, est = (model[:-1], model[-1]) if isinstance(model, Pipeline) else (None, model)
    matrix = rows if prepare is None else prepare.transform(rows)
    if "data" in options and prepare is not None:
        options["data"] = prepare.transform(options["data"])
    if family == "gradient_boosting" and task == "multiclass":
        raw = gb_per_tree(est, matrix)
    elif family in ("xgboost", "lightgbm"):
        raw = shaps_own_reading(est, matrix)
    else:
        raw = np.asarray(shap.TreeExplainer(est, **options).shap_values(matrix, check_additivity=False))
    if task == "binary" and raw.ndim == 3:
        raw = raw[:, :, 1]
    return summed_by_name(model, raw, list(rows.columns))


def gb_per_tree(est: GradientBoostingClassifier, matrix: np.ndarray) -> np.ndarray:
    """shap refuses multi-class GradientBoosting: every stage's tree of every class, explained on its own."""
    classes = range(est.estimators_.shape[1])
    per_class = [
        sum(est.learning_rate * shap.TreeExplainer(tree).shap_values(matrix) for tree in est.estimators_[:, k])
        for k in classes
    ]
    return np.stack(per_class, axis=-1)


def shaps_own_reading(est: object, matrix: np.ndarray) -> np.ndarray:
    """shap's TreeSHAP on shap's own reading of XGBoost / LightGBM trees (its TreeExplainer would call the
    library's pred_contribs, the very numbers under test); class k's trees are every k-th tree."""
    ensemble = TreeEnsemble(est)
    k, base = ensemble.num_stacked_models, np.ravel(ensemble.base_offset)
    fields = ("children_left", "children_right", "children_default", "features", "thresholds", "values")
    per_class = []
    for c in range(k):
        trees = [{f: getattr(t, f) for f in (*fields, "node_sample_weight")} for t in ensemble.trees[c::k]]
        model = {
            "trees": trees,
            "base_offset": base[c],
            "tree_output": "raw_value",
            "input_dtype": ensemble.input_dtype,
        }
        per_class.append(np.asarray(shap.TreeExplainer(model).shap_values(matrix, check_additivity=False)))
    return np.stack(per_class, axis=-1) if k > 1 else per_class[0]


CASES = [(f, t, fr) for f in FAMILIES for t in TASKS for fr in FRAMES]


@pytest.mark.parametrize(("family", "task", "frame"), CASES)
def test_native_values_equal_the_reference_and_add_up(family: str, task: str, frame: str) -> None:
    model, rows = fitted(family, task, frame), ROWS[frame]
    explainer = explainer_for(model, task=task_of(task), background=BACKGROUND[frame])
    batch = explainer.explain(rows)
    if family in FORESTS and task != "regression":
        scale = PROBABILITY
    else:
        scale = {"binary": LOG_ODDS, "multiclass": LOGIT, "regression": RAW}[task]
    assert (explainer.method, explainer.exact, explainer.output_scale) == (
        NATIVE_METHODS.get(family, TREE_SHAP_FAST),
        True,
        scale,
    )
    assert explainer.feature_names == tuple(rows.columns)
    k = (3,) if task == "multiclass" else ()
    assert batch.values.shape == (len(rows), rows.shape[1], *k) and batch.outputs.shape == (len(rows), *k)
    assert explainer.class_names == batch.class_names == (("0", "1", "2") if k else ())
    # XGBoost computes in float32: its own margin has float32 spacing (1e-6 at 8-16), so relative 1e-6 there
    atol = 1e-6 * (max(1.0, np.abs(batch.outputs).max()) if family == "xgboost" else 1.0)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=atol, rtol=0)
    np.testing.assert_allclose(batch.outputs, own_output(model, family, scale, rows), atol=1e-9, rtol=0)
    if family == "ebm":
        expected, base = brute_force(lambda x: own_output(model, family, scale, x), BACKGROUND[frame], rows)
        np.testing.assert_allclose(batch.base_values, base, atol=1e-6, rtol=0)
    else:
        expected = shap_tree_reference(model, family, task, rows)
    np.testing.assert_allclose(batch.values, expected, atol=atol, rtol=0)


CLASSIFIER_CASES = [(f, t, fr) for f in FAMILIES for t in ("binary", "multiclass") for fr in FRAMES]


@pytest.mark.parametrize(("family", "task", "frame"), CLASSIFIER_CASES)
def test_the_common_scale_puts_every_classifier_in_probability_exactly(family: str, task: str, frame: str) -> None:
    model, rows, background = fitted(family, task, frame), ROWS[frame], BACKGROUND[frame]
    explainer = explainer_for(model, task="classification", background=background, scale="common")
    batch = explainer.explain(rows)
    method = TREE_SHAP_INTERVENTIONAL if family in FORESTS else EXACT_ENUMERATION
    assert (explainer.method, explainer.exact, explainer.output_scale) == (method, True, PROBABILITY)
    np.testing.assert_allclose(batch.base_values + batch.values.sum(axis=1), batch.outputs, atol=1e-6, rtol=0)
    np.testing.assert_allclose(batch.outputs, own_output(model, family, PROBABILITY, rows), atol=1e-9, rtol=0)
    if family in FORESTS:  # shap's interventional TreeSHAP, on what the forest sees
        options = {"data": background, "feature_perturbation": "interventional", "model_output": "probability"}
        np.testing.assert_allclose(batch.values, shap_tree_reference(model, family, task, rows, **options), atol=1e-6)
    if family not in FORESTS or frame == "numeric":  # one-hot parts are players of their own in TreeSHAP
        expected, base = brute_force(lambda x: own_output(model, family, PROBABILITY, x), background, rows)
        np.testing.assert_allclose(batch.values, expected, atol=1e-6, rtol=0)
        np.testing.assert_allclose(batch.base_values, base, atol=1e-6, rtol=0)


@pytest.mark.parametrize("family", ["gradient_boosting", "xgboost", "ebm"])
def test_the_enumeration_agrees_with_shaps_exact_explainer(family: str) -> None:
    """A second, independent reference for the exact probability values: shap's own Exact explainer."""
    model, rows, background = fitted(family, "binary", "numeric"), ROWS["numeric"], BACKGROUND["numeric"]
    batch = explainer_for(model, task="classification", background=background, scale="common").explain(rows)
    masker = shap.maskers.Independent(background.to_numpy(), max_samples=len(background))
    proba = lambda m: model.predict_proba(pd.DataFrame(m, columns=rows.columns))[:, 1].astype(np.float64)  # noqa: E731
    expected = shap.explainers.Exact(proba, masker)(rows.to_numpy())
    np.testing.assert_allclose(batch.values, expected.values, atol=1e-6, rtol=0)
    np.testing.assert_allclose(batch.base_values, expected.base_values, atol=1e-6, rtol=0)


def test_regressors_keep_their_native_explanation_in_the_common_scale() -> None:
    for family in FAMILIES:
        model = fitted(family, "regression", "numeric")
        native = explainer_for(model, task="regression", background=BACKGROUND["numeric"])
        common = explainer_for(model, task="regression", background=BACKGROUND["numeric"], scale="common")
        assert (common.method, common.output_scale) == (native.method, RAW)
        np.testing.assert_array_equal(common.explain(ROWS["numeric"]).values, native.explain(ROWS["numeric"]).values)
