"""portal.explain.treeshap equals shap's path-dependent TreeSHAP (and, where shap cannot go, brute force).

The bound is the issue's: max |ours - reference| <= 1e-6 x max |model output|. References: shap's
``TreeExplainer`` where it reads the model right; elsewhere (categorical HistGradientBoosting, boosting
with several classes) exact Shapley values of the path-dependent value function by enumerating every
coalition, with scikit-learn's routing rules coded again here, independently of the kernel.
"""

from __future__ import annotations

import itertools
import math
import os
import shutil
import subprocess
import sys
import textwrap
import warnings
from pathlib import Path

import numpy as np
import pytest
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
from sklearn.linear_model import LinearRegression

from portal.explain.treeshap import TreeEnsemble, UnsupportedEnsembleError, shap_values

ROOT = Path(__file__).parents[2]
BOUND = 1e-6


def shap_explainer(model):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shap's import pokes matplotlib
        import shap
    return shap.TreeExplainer(model)


def assert_close(ours: np.ndarray, reference: np.ndarray, outputs: np.ndarray) -> None:
    gap = float(np.max(np.abs(ours - reference)))
    assert gap <= BOUND * max(1.0, float(np.max(np.abs(outputs)))), gap


def assert_matches_shap(model, X: np.ndarray, outputs: np.ndarray) -> np.ndarray:
    """Values, shape and expected value as shap gives them; additivity against the model's outputs."""
    ensemble, explainer = TreeEnsemble.from_model(model), shap_explainer(model)
    ours, theirs = shap_values(ensemble, X), explainer.shap_values(X, check_additivity=False)
    assert ours.shape == theirs.shape
    assert_close(ours, theirs, outputs)
    assert_close(np.ravel(ensemble.expected_value), np.ravel(explainer.expected_value), outputs)
    assert_additive(ensemble, ours, outputs)
    return ours


def assert_additive(ensemble: TreeEnsemble, values: np.ndarray, outputs: np.ndarray) -> None:
    total = values.sum(axis=1) + ensemble.expected_value
    assert_close(total, outputs.reshape(total.shape), outputs)


def deep_data(n_features: int, rows: int = 3000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Noisy targets on few features: fully grown trees go 25-40 deep and split the same feature
    again and again along one path."""
    rng = np.random.default_rng(seed)
    X = rng.uniform(size=(rows, n_features))
    return X, np.sin(9 * X).sum(axis=1) + rng.normal(scale=0.5, size=rows)


@pytest.mark.parametrize("depth", [1, 2, 3, 5, 8, 13, 21, None])
@pytest.mark.parametrize("kind, n_features", [(ExtraTreesRegressor, 3), (RandomForestRegressor, 40)])
def test_regression_forests_of_every_depth_match_shap(kind, n_features, depth) -> None:
    X, y = deep_data(n_features)
    model = kind(n_estimators=3, max_depth=depth, max_features=0.5, random_state=0).fit(X, y)
    if depth is None:
        assert max(e.tree_.max_depth for e in model.estimators_) >= 25
    assert_matches_shap(model, X[:25], model.predict(X[:25]))


@pytest.mark.parametrize("kind", [RandomForestClassifier, ExtraTreesClassifier])
@pytest.mark.parametrize("classes", [2, 3])
def test_forest_classifiers_match_shap_for_every_class(kind, classes) -> None:
    X, y = deep_data(6)
    labels = np.digitize(y, np.quantile(y, np.linspace(0, 1, classes + 1)[1:-1]))
    model = kind(n_estimators=5, random_state=0).fit(X, labels)
    values = assert_matches_shap(model, X[:20], model.predict_proba(X[:20]))
    assert values.shape == (20, 6, classes)


def test_gradient_boosting_matches_shap() -> None:
    X, y = deep_data(5)
    classifier = GradientBoostingClassifier(n_estimators=20, max_depth=4, random_state=0).fit(X, y > 0)
    regressor = GradientBoostingRegressor(n_estimators=20, max_depth=4, random_state=0).fit(X, y)
    assert_matches_shap(classifier, X[:30], classifier.decision_function(X[:30]))
    assert_matches_shap(regressor, X[:30], regressor.predict(X[:30]))


def test_missing_values_follow_the_stored_direction_like_shap() -> None:
    X, y = deep_data(5)
    X[::7, 1] = np.nan
    X[::5, 3] = np.nan
    rows = X[:40]
    hist = HistGradientBoostingRegressor(max_iter=15, random_state=0).fit(X, y)
    forest = RandomForestRegressor(n_estimators=3, max_depth=12, random_state=0).fit(X, y)
    assert_matches_shap(hist, rows, hist.predict(rows))
    assert_matches_shap(forest, rows, forest.predict(rows))


def test_hist_gradient_boosting_binary_matches_shap() -> None:
    X, y = deep_data(6)
    model = HistGradientBoostingClassifier(max_iter=20, random_state=0).fit(X, y > 0)
    assert_matches_shap(model, X[:30], model.decision_function(X[:30]))


def categorical_data(rows: int = 2000, seed: int = 1) -> tuple[np.ndarray, np.ndarray]:
    """Two numeric and two categorical columns (codes 0-11 and 0-3), NaN in both kinds."""
    rng = np.random.default_rng(seed)
    X = np.column_stack([rng.uniform(size=rows), rng.integers(0, 12, rows), rng.normal(size=rows)])
    X = np.column_stack([X, rng.integers(0, 4, rows)]).astype(float)
    y = np.sin(6 * X[:, 0]) + (X[:, 1] % 3 == 0) - 0.5 * X[:, 3] + X[:, 2] * (X[:, 1] > 5)
    X[::11, 1], X[::13, 0] = np.nan, np.nan
    return X, y + rng.normal(scale=0.3, size=rows)


def test_categorical_splits_unknown_categories_and_nan_are_exact() -> None:
    """shap 0.51 reads categorical splits as numeric thresholds in the wrong columns; brute force
    decides. Unknown (99), negative and missing categories go where NaN goes, as in scikit-learn."""
    X, y = categorical_data()
    model = HistGradientBoostingRegressor(max_iter=10, categorical_features=[1, 3], random_state=0).fit(X, y)
    rows = np.vstack([X[:8], [[0.3, 99, 0.1, 2], [0.7, -3, -1.0, 1], [np.nan, np.nan, 0.5, np.nan]]])
    ensemble = TreeEnsemble.from_model(model)
    ours, outputs = shap_values(ensemble, rows), model.predict(rows)
    assert_additive(ensemble, ours, outputs)
    assert_close(ours, brute_force_hist(model, rows)[..., 0], outputs)


@pytest.mark.parametrize("kind", [GradientBoostingClassifier, HistGradientBoostingClassifier])
def test_every_class_of_multiclass_boosting_is_exact(kind) -> None:
    """shap refuses these; brute force decides, class by class, in log-odds (raw scores)."""
    X, y = deep_data(4, rows=1500)
    labels = np.digitize(y, np.quantile(y, [1 / 3, 2 / 3]))
    model = kind(max_depth=3, random_state=0, **{"max_iter" if "Hist" in kind.__name__ else "n_estimators": 6})
    model.fit(X, labels)
    rows, ensemble = X[:6], TreeEnsemble.from_model(model)
    ours, outputs = shap_values(ensemble, rows), model.decision_function(rows)
    assert ours.shape == (6, 4, 3)
    assert_additive(ensemble, ours, outputs)
    reference = brute_force_hist(model, rows) if "Hist" in kind.__name__ else brute_force_gb(model, rows)
    assert_close(ours, reference, outputs)


def test_threads_do_not_change_the_numbers() -> None:
    X, y = deep_data(8)
    ensemble = TreeEnsemble.from_model(RandomForestRegressor(n_estimators=4, random_state=0).fit(X, y))
    one, two = shap_values(ensemble, X[:33], n_threads=1), shap_values(ensemble, X[:33], n_threads=2)
    assert np.array_equal(one, two)


def test_refusals_name_the_problem() -> None:
    X, y = deep_data(3, rows=200)
    with pytest.raises(UnsupportedEnsembleError, match="LinearRegression"):
        TreeEnsemble.from_model(LinearRegression().fit(X, y))
    with pytest.raises(UnsupportedEnsembleError, match="not fitted"):
        TreeEnsemble.from_model(RandomForestRegressor())
    ensemble = TreeEnsemble.from_model(RandomForestRegressor(n_estimators=2).fit(X, y))
    with pytest.raises(ValueError, match="3 columns"):
        shap_values(ensemble, X[:, :2])


def test_compiled_code_is_cached_outside_a_read_only_package(tmp_path) -> None:
    """A read-only install compiles once into the user cache ($XDG_CACHE_HOME/numba) and the next
    process loads it. Directory modes do not stop root, so a file named ``__pycache__`` also blocks
    numba's in-tree cache, which it gives up on exactly as on a read-only directory."""
    package = tmp_path / "site" / "portal"
    treeshap = package / "explain" / "treeshap"
    shutil.copytree(ROOT / "portal" / "explain" / "treeshap", treeshap, ignore=shutil.ignore_patterns("__pycache__"))
    (package / "__init__.py").write_text("")
    (package / "explain" / "__init__.py").write_text("")
    (treeshap / "__pycache__").write_text("not a directory")
    for path in [package, *package.rglob("*")]:
        path.chmod(0o555 if path.is_dir() else 0o444)
    try:
        first, second = (_fresh_process(tmp_path / "site", tmp_path / "cache") for _ in range(2))
    finally:
        for path in [package, *package.rglob("*")]:
            path.chmod(0o755)  # let pytest clean up
    assert (first, second) == ("misses", "hits")
    assert list((tmp_path / "cache" / "numba").rglob("*.nbi"))


def _fresh_process(site: Path, cache: Path) -> str:
    code = textwrap.dedent(
        """
        import numpy as np
        from sklearn.ensemble import GradientBoostingRegressor
        from portal.explain.treeshap import TreeEnsemble, shap_values
        from portal.explain.treeshap._kernel import shap_rows
        from portal.explain.treeshap._patterns import table_rows
        X = np.random.default_rng(0).uniform(size=(100, 3))
        model = GradientBoostingRegressor(n_estimators=3).fit(X, X[:, 0])  # depth 3: the decision tables' road
        shap_values(TreeEnsemble.from_model(model), X[:4])
        hits = [sum(kernel.stats.cache_hits.values()) for kernel in (shap_rows, table_rows)]
        print("hits" if any(hits) else "misses")
        """
    )
    env = {**os.environ, "XDG_CACHE_HOME": str(cache), "PYTHONPATH": str(site)}
    env.pop("NUMBA_CACHE_DIR", None)  # it would take precedence over both in-tree and user caches
    done = subprocess.run([sys.executable, "-c", code], env=env, cwd=site, capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.split()[-1]


# --- brute force: exact Shapley values of the path-dependent value function, every coalition -------


def shapley(value_of, n_features: int) -> np.ndarray:
    """phi_i = sum over S without i of |S|! (n - |S| - 1)! / n! x (v(S + i) - v(S))."""
    cache = {s: value_of(s) for r in range(n_features + 1) for s in itertools.combinations(range(n_features), r)}
    phi = np.zeros((n_features,) + np.shape(cache[()]))
    for s, v in cache.items():
        for i in set(range(n_features)) - set(s):
            weight = math.factorial(len(s)) * math.factorial(n_features - len(s) - 1) / math.factorial(n_features)
            phi[i] += weight * (cache[tuple(sorted(s + (i,)))] - v)
    return phi


def expectation(node: int, coalition: tuple, tree: dict, goes_left) -> float:
    """E[tree | features in the coalition fixed]: followed where fixed, cover-weighted elsewhere."""
    left, right = tree["left"][node], tree["right"][node]
    if left < 0:
        return tree["value"][node]
    if tree["feature"][node] in coalition:
        return expectation(left if goes_left(node) else right, coalition, tree, goes_left)
    cover = tree["cover"]
    weighted = cover[left] * expectation(left, coalition, tree, goes_left)
    return (weighted + cover[right] * expectation(right, coalition, tree, goes_left)) / cover[node]


def brute_force_gb(model, rows: np.ndarray) -> np.ndarray:
    """(rows, features, classes) for a GradientBoostingClassifier: trees of class k times learning rate."""
    result = []
    for x in rows.astype(np.float32).astype(float):
        trees = [
            (k, _sklearn_tree(e.tree_, x, model.learning_rate)) for st in model.estimators_ for k, e in enumerate(st)
        ]
        result.append(shapley(lambda s, trees=trees: _per_class(trees, s, model.n_trees_per_iteration_), rows.shape[1]))
    return np.array(result)


def _sklearn_tree(tree, x: np.ndarray, scale: float) -> tuple[dict, object]:
    data = {"left": tree.children_left, "right": tree.children_right, "feature": tree.feature,
            "cover": tree.weighted_n_node_samples, "value": tree.value[:, 0, 0] * scale}  # fmt: skip
    return data, lambda node: x[tree.feature[node]] <= tree.threshold[node]


def _per_class(trees: list, coalition: tuple, classes: int) -> np.ndarray:
    total = np.zeros(classes)
    for k, (tree, goes_left) in trees:
        total[k] += expectation(0, coalition, tree, goes_left)
    return total


def brute_force_hist(model, rows: np.ndarray) -> np.ndarray:
    """(rows, features, outputs) for HistGradientBoosting, routing by scikit-learn's documented rules
    on the model's own transform of the rows; trees' columns mapped back to the caller's."""
    known, known_index = model._bin_mapper.make_known_categories_bitsets()
    transform = model._preprocessor.transform if model._preprocessor is not None else (lambda a: a)
    columns = _hist_columns(model, rows.shape[1])
    result = []
    for x in transform(rows):
        trees = [(k, _hist_tree(p, x, known, known_index)) for it in model._predictors for k, p in enumerate(it)]
        phi = shapley(lambda s, trees=trees: _per_class(trees, s, model.n_trees_per_iteration_), rows.shape[1])
        result.append(phi[np.argsort(columns)])
    return np.array(result)


def _hist_columns(model, n_features: int) -> np.ndarray:
    if model._preprocessor is None:
        return np.arange(n_features)
    steps = [np.flatnonzero(sel) for _, step, sel in model._preprocessor.transformers_ if step != "drop"]
    return np.concatenate(steps)


def _hist_tree(predictor, x: np.ndarray, known: np.ndarray, known_index: np.ndarray) -> tuple[dict, object]:
    nodes = predictor.nodes
    leaf = nodes["is_leaf"].astype(bool)
    data = {"left": np.where(leaf, -1, nodes["left"].astype(int)), "right": nodes["right"].astype(int),
            "feature": nodes["feature_idx"], "cover": nodes["count"] * 1.0, "value": nodes["value"]}  # fmt: skip

    def in_bitset(bits: np.ndarray, c: int) -> bool:
        return bool((int(bits[c // 32]) >> (c % 32)) & 1)

    def goes_left(node: int) -> bool:
        record, value = nodes[node], x[nodes[node]["feature_idx"]]
        if np.isnan(value):
            return bool(record["missing_go_to_left"])
        if not record["is_categorical"]:
            return value <= record["num_threshold"]
        if 0 <= value < 256 and in_bitset(predictor.raw_left_cat_bitsets[record["bitset_idx"]], int(value)):
            return True
        if 0 <= value < 256 and in_bitset(known[known_index[record["feature_idx"]]], int(value)):
            return False
        return bool(record["missing_go_to_left"])

    return data, goes_left
