"""portal.explain.treeshap against shap.TreeExplainer: same machine, same models, same rows, one run.

    python benchmarks/treeshap.py [--json benchmarks/results/treeshap.json] [--repeats 2]

For each model: rows/s of ours (all cores) and of ``shap.TreeExplainer(model).shap_values(X)`` (which
uses one core), their ratio, max |ours - shap| and the issue's exactness bound
max |diff| <= 1e-6 x max |model output| (output in shap's scale). Each side is warmed up first and
timed as the best of ``--repeats`` runs. Compile time is measured apart, in fresh processes: with an
empty numba cache (the first use after an install) and again with that cache filled.
The machine's load average is recorded: other work on the cores slows our threads, not shap's one.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from sklearn.datasets import make_classification, make_regression
from sklearn.ensemble import (
    GradientBoostingClassifier,
    HistGradientBoostingClassifier,
    RandomForestClassifier,
    RandomForestRegressor,
)

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
from portal.explain.treeshap import TreeEnsemble, shap_values  # noqa: E402

TRAIN_ROWS, POOL_ROWS, FEATURES, BOUND = 20_000, 40_000, 30, 1e-6
#: Ours / shap rows per second that the issue asks for; a kind below its target stays on shap.
TARGETS = {"rf_full": 8.0, "rf_depth12": 4.0, "hgb_default": 1.8, "gb_200x3": 1.8}


@dataclass(frozen=True)
class Case:
    name: str
    description: str
    make: Callable[[], Any]
    task: str  # "classification" or "regression"
    rows: int  # explained by both sides: enough for shap to take a few seconds


CASES = (
    Case(
        "rf_full",
        "RandomForestClassifier(200), fully grown",
        lambda: RandomForestClassifier(200, n_jobs=-1, random_state=0),
        "classification",
        24,
    ),
    Case(
        "rf_depth12",
        "RandomForestClassifier(200, max_depth=12)",
        lambda: RandomForestClassifier(200, max_depth=12, n_jobs=-1, random_state=0),
        "classification",
        60,
    ),
    Case(
        "hgb_default",
        "HistGradientBoostingClassifier()",
        lambda: HistGradientBoostingClassifier(random_state=0),
        "classification",
        5_000,
    ),
    Case(
        "gb_200x3",
        "GradientBoostingClassifier(200 x depth 3)",
        lambda: GradientBoostingClassifier(n_estimators=200, max_depth=3, random_state=0),
        "classification",
        20_000,
    ),
    Case(
        "rf_regressor",
        "RandomForestRegressor(100, min_samples_leaf=5)",
        lambda: RandomForestRegressor(100, min_samples_leaf=5, n_jobs=-1, random_state=0),
        "regression",
        40,
    ),
)


def data(task: str, explain_rows: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """20k training rows of 30 features, and held-out rows to explain. One 40k draw whatever the row
    count (make_classification's clusters change with n_samples); 10 informative features and 8%
    flipped labels grow the issue's forest: about 1,800 leaves per tree, depth about 28."""
    if task == "classification":
        X, y = make_classification(POOL_ROWS, FEATURES, n_informative=10, flip_y=0.08, random_state=0)
    else:
        X, y = make_regression(POOL_ROWS, FEATURES, n_informative=10, noise=10.0, random_state=0)
    return X[:TRAIN_ROWS], y[:TRAIN_ROWS], X[TRAIN_ROWS : TRAIN_ROWS + explain_rows]


def best_time(run: Callable[[], Any], repeats: int) -> tuple[float, Any]:
    best, result = float("inf"), None
    for _ in range(repeats):
        start = time.perf_counter()
        result = run()
        best = min(best, time.perf_counter() - start)
    return best, result


def model_output(model: Any, X: np.ndarray) -> np.ndarray:
    """The model's output in the scale shap explains it: probability for forests, log-odds for boosting."""
    if isinstance(model, RandomForestClassifier):
        return model.predict_proba(X)
    return model.decision_function(X) if hasattr(model, "decision_function") else model.predict(X)


def measure(case: Case, repeats: int) -> dict:
    X_train, y_train, rows = data(case.task, case.rows)
    start = time.perf_counter()
    model = case.make().fit(X_train, y_train)
    fit_seconds, start = time.perf_counter() - start, time.perf_counter()
    ensemble = TreeEnsemble.from_model(model)
    build_seconds = time.perf_counter() - start
    start = time.perf_counter()
    shap_values(ensemble, rows[:2])  # warm-up: loads (or compiles) the kernel
    warmup_seconds = time.perf_counter() - start
    ours_seconds, ours = best_time(lambda: shap_values(ensemble, rows), repeats)
    explainer = shap_explainer(model)
    explainer.shap_values(rows[:1], check_additivity=False)  # warm-up
    shap_seconds, theirs = best_time(lambda: explainer.shap_values(rows, check_additivity=False), repeats)
    return {
        "model": case.name,
        "description": case.description,
        "fit_seconds": round(fit_seconds, 2),
        **tree_shape(model, ensemble),
        "rows": case.rows,
        "build_seconds": round(build_seconds, 3),
        "warmup_seconds": round(warmup_seconds, 3),
        "ours_rows_per_s": case.rows / ours_seconds,
        "shap_rows_per_s": case.rows / shap_seconds,
        "ratio": shap_seconds / ours_seconds,
        "target": TARGETS.get(case.name),
        **exactness(ours, theirs, ensemble, explainer, model_output(model, rows)),
    }


def shap_explainer(model: Any) -> Any:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # shap's import pokes matplotlib
        import shap
    return shap.TreeExplainer(model)


def tree_shape(model: Any, ensemble: TreeEnsemble) -> dict:
    forest = ensemble.forest
    sizes = np.diff(forest.tree_start)
    return {
        "trees": len(sizes),
        "mean_nodes_per_tree": float(sizes.mean()),
        "max_depth": max_depth(model),
        "mean_quadrature_points": float(forest.points.mean()),
    }


def max_depth(model: Any) -> int:
    if hasattr(model, "_predictors"):
        return int(max(p.get_max_depth() for it in model._predictors for p in it))
    return int(max(e.tree_.max_depth for e in np.ravel(model.estimators_)))


def exactness(
    ours: np.ndarray, theirs: np.ndarray, ensemble: TreeEnsemble, explainer: Any, outputs: np.ndarray
) -> dict:
    gap = float(np.max(np.abs(ours - np.asarray(theirs))))
    base_gap = float(np.max(np.abs(np.ravel(ensemble.expected_value) - np.ravel(explainer.expected_value))))
    scale = float(np.max(np.abs(outputs)))
    return {
        "max_abs_diff": gap,
        "expected_value_diff": base_gap,
        "max_abs_output": scale,
        "within_bound": max(gap, base_gap) <= BOUND * scale,
    }


COMPILE_PROBE = """
import time, numpy as np
from sklearn.ensemble import GradientBoostingClassifier
X = np.random.default_rng(0).normal(size=(200, 5))
model = GradientBoostingClassifier(n_estimators=5).fit(X, X[:, 0] > 0)
start = time.perf_counter()
from portal.explain.treeshap import TreeEnsemble, shap_values
shap_values(TreeEnsemble.from_model(model), X[:3])
print(time.perf_counter() - start)
"""


def compile_times() -> dict:
    """Import + first explain call in a fresh process: with an empty numba cache, then with it filled."""
    with tempfile.TemporaryDirectory() as cache:
        env = {**os.environ, "NUMBA_CACHE_DIR": cache, "PYTHONPATH": str(ROOT)}
        cold, warm = (float(_run(COMPILE_PROBE, env)) for _ in range(2))
    return {"first_call_empty_cache_seconds": cold, "first_call_warm_cache_seconds": warm}


def _run(code: str, env: dict) -> str:
    done = subprocess.run([sys.executable, "-W", "ignore", "-c", code], env=env, capture_output=True, text=True)
    if done.returncode:
        raise RuntimeError(done.stderr)
    return done.stdout.split()[-1]


def environment() -> dict:
    import numba
    import shap
    import sklearn

    return {
        "cpus": len(os.sched_getaffinity(0)),
        "machine": platform.processor() or platform.machine(),
        "python": platform.python_version(),
        "versions": {
            "numpy": np.__version__,
            "numba": numba.__version__,
            "shap": shap.__version__,
            "sklearn": sklearn.__version__,
        },
        "load_average_before": os.getloadavg(),
    }


def print_table(results: list[dict], compile_: dict) -> None:
    header = ("model", "rows", "ours rows/s", "shap rows/s", "ratio", "target", "max|diff|")
    print("{:<14}{:>7}{:>13}{:>13}{:>8}{:>8}{:>11}  bound".format(*header))
    for r in results:
        target = f"{r['target']:.1f}" if r["target"] else "-"
        print(
            f"{r['model']:<14}{r['rows']:>7}{r['ours_rows_per_s']:>13.1f}{r['shap_rows_per_s']:>13.1f}"
            f"{r['ratio']:>8.2f}{target:>8}{r['max_abs_diff']:>11.1e}  {'ok' if r['within_bound'] else 'FAILED'}"
        )
    print(
        f"first explain call in a fresh process: {compile_['first_call_empty_cache_seconds']:.2f} s with an empty "
        f"numba cache, {compile_['first_call_warm_cache_seconds']:.2f} s with it filled"
    )
    load, cpus = max(os.getloadavg()[0], results[0]["load_average"]), len(os.sched_getaffinity(0))
    if load > cpus / 2:
        print(f"note: load average {load:.1f} on {cpus} cores: other work took cores from our threads, not shap's one")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--json", type=Path, default=ROOT / "benchmarks" / "results" / "treeshap.json")
    parser.add_argument("--repeats", type=int, default=2)
    args = parser.parse_args()
    report = {"environment": environment(), "compile": compile_times()}
    report["results"] = [{**measure(case, args.repeats), "load_average": os.getloadavg()[0]} for case in CASES]
    report["environment"]["load_average_after"] = os.getloadavg()
    print_table(report["results"], report["compile"])
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(report, indent=2))
    print(f"wrote {args.json}")


if __name__ == "__main__":
    main()
