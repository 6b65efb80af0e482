"""Benchmark of the job system on a 100k-row project: first global view, total time, overhead.

Usage: python benchmarks/jobs.py [--rows 100000] [--out benchmarks/results/jobs.json]

The project is the churn demo table resampled to ``--rows`` customers, with a gradient-boosting
model, an EBM and a small random forest. Printed, for one run on this machine:
- time to the first global view: from submitting the jobs until every model has a first committed
  chunk (a seeded sample of rows, stratified by the target) that the global page can draw; target < 10 s;
- total time with two local workers;
- overhead of the job system (chunking, loading each model and the data in the worker, Parquet,
  atomic commits, the index) against calling the engine directly in one process, both on one core;
  target < 10 %. The direct call is timed from building the explainer to the last row explained.

The worker pool is started and warmed when the server starts (the portal does it while it opens the
project), so jobs are timed from submit on a warm pool, and the direct call gets the same warm-up
(imports and numba's compiled kernels) before its clock starts. The pool's cold start (spawning the
processes and warming them) is printed on its own line. Both runs explain each model in its own scale
on every row; the common-scale jobs (500 rows in probability) are not started.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
from threadpoolctl import threadpool_limits

sys.path.insert(0, str(Path(__file__).parents[1]))

from portal.config import load_config  # noqa: E402
from portal.data import (
    churn,  # noqa: E402
    read_frame,  # noqa: E402
)
from portal.explain import explainer_for  # noqa: E402
from portal.jobs import (  # noqa: E402
    TASK_SECONDS,
    JobRunner,
    ResultStore,  # noqa: E402
    local_process_pool,
    warm_up,
)
from portal.project import Project  # noqa: E402

PROJECT = """
title = "Churn, resampled"
[data]
source = "customers.parquet"
target = "churn"
id = "customer_id"
protected = ["senior_citizen"]
positive = "Yes"
[[models]]
name = "Gradient boosting"
kind = "gradient_boosting"
[[models]]
name = "EBM"
kind = "ebm"
params = {{ outer_bags = 2, interactions = 3, max_rounds = 500 }}
[[models]]
name = "Random forest"
kind = "random_forest"
params = {{ n_estimators = 30, max_depth = 6 }}
[cache]
dir = "{cache}"
"""


def make_project(folder: Path, rows: int, cache: str) -> Path:
    table_path = folder / "customers.parquet"
    if not table_path.exists():
        table = churn()
        rng = np.random.default_rng(0)
        big = table.iloc[rng.integers(0, len(table), rows)].reset_index(drop=True)
        big["monthly_charges"] = big["monthly_charges"] + rng.normal(0, 0.5, rows).round(2)
        big["customer_id"] = [f"C{i:07d}" for i in range(rows)]
        big.to_parquet(table_path, index=False)
    path = folder / f"{cache}.toml"
    path.write_text(PROJECT.format(cache=folder / cache))
    return path


def run_jobs(config_path: Path, workers: int) -> dict[str, float]:
    """The portal's own set-up (cli.open_project): a warm local pool, tasks sized to each model's speed."""
    config = load_config(config_path)
    cold = time.perf_counter()
    pool = local_process_pool(workers)
    assert pool.wait_warm(timeout=300), "the workers did not warm up"
    cold = time.perf_counter() - cold
    runner = JobRunner(
        ResultStore(config.cache_dir),
        pool,
        renew=lambda: local_process_pool(workers),
        task_seconds=TASK_SECONDS,
    )
    project = Project(config, runner=runner, log=lambda _: None)
    try:
        started = time.perf_counter()
        project.start_explanations(common=False)
        first = None
        while True:
            if first is None and all(project.explanation_so_far(m) is not None for m in project.model_names):
                first = time.perf_counter() - started
            if all(project.progress(m).state in ("done", "failed") for m in project.model_names):
                break
            time.sleep(0.05)
        total = time.perf_counter() - started
        assert all(project.progress(m).state == "done" for m in project.model_names)
    finally:
        runner.shutdown()
    return {"first_global_view_s": first, "total_s": total, "cold_start_s": cold}


def forget_explanations(config_path: Path) -> None:
    """Drop every computed explanation but keep the fitted models, so each run explains from scratch."""
    store = ResultStore(load_config(config_path).cache_dir)
    for key in [k for k in store.index.iterkeys() if isinstance(k, str) and k.startswith("job:")]:
        store.index.delete(key)
    shutil.rmtree(store.arrays_dir)
    store.arrays_dir.mkdir(mode=0o700)


def run_direct(config_path: Path) -> float:
    """The engine called directly, on one core like one worker: one explainer per model over every row.

    The rows are the frame the workers read (the same Parquet file, the same in-memory layout), already
    in memory; the models too. One core: TreeSHAP and BLAS get one thread each, as in a worker.
    """
    os.environ["PORTAL_TREESHAP_THREADS"] = "1"
    threadpool_limits(1)
    project = Project(load_config(config_path), log=lambda _: None)
    rows = read_frame(next(iter(project.models.entries.values())).job.data_path)
    warm_up()  # what every worker did before its first task
    started = time.perf_counter()
    for entry in project.models.entries.values():
        explainer = explainer_for(entry.fitted.estimator, task=project.dataset.task, background=project.background)
        explainer.explain(rows)
    return time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--out", type=Path, default=Path(__file__).parent / "results" / "jobs.json")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        config = make_project(folder, args.rows, "cache")
        train = time.perf_counter()
        Project(load_config(config), log=lambda _: None)
        train = time.perf_counter() - train
        two = run_jobs(config, workers=2)
        forget_explanations(config)
        load = [os.getloadavg()[0]]  # other processes on the machine skew both runs below
        one = run_jobs(config, workers=1)
        direct = run_direct(config)
        load.append(os.getloadavg()[0])
    overhead = one["total_s"] / direct - 1
    result = {
        "rows": args.rows,
        "training_s": train,
        "first_global_view_s": two["first_global_view_s"],
        "cold_start_two_workers_s": two["cold_start_s"],
        "total_two_workers_s": two["total_s"],
        "total_one_worker_s": one["total_s"],
        "direct_one_core_s": direct,
        "overhead_one_worker_vs_direct": overhead,
        "speedup_two_workers_vs_direct": direct / two["total_s"],
        "load_average_1min_before_and_after": load,
    }
    print(f"rows                                   {args.rows:>10,}")
    print(f"training (3 models, not timed below)   {train:>9.1f} s")
    print(f"first global view, 2 workers           {two['first_global_view_s']:>9.1f} s   (target < 10 s)")
    print(f"all explanations, 2 workers            {two['total_s']:>9.1f} s")
    print(f"pool cold start (2 workers, not above) {two['cold_start_s']:>9.1f} s")
    print(f"all explanations, 1 worker             {one['total_s']:>9.1f} s")
    print(f"engine called directly, 1 core         {direct:>9.1f} s")
    print(f"job system overhead (1 worker/direct)  {overhead:>+9.1%}   (target < 10 %)")
    print(f"speed-up of 2 workers over direct      {direct / two['total_s']:>9.2f}x")
    print(f"machine load (1 min) around those two  {load[0]:>9.1f} -> {load[1]:.1f}  (2 cores)")
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(result, indent=2) + "\n")


if __name__ == "__main__":
    main()
