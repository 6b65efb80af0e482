"""Benchmark of the pages' main callbacks on a 100k-row project with every result cached.

Usage: python benchmarks/callbacks.py [--rows 100000] [--repeats 20] [--out benchmarks/results/callbacks.json]

The project is the one benchmarks/jobs.py builds (the churn table resampled to ``--rows`` customers; a
gradient-boosting model, an EBM and a small random forest). Its explanations are computed first (once; a
second run finds them in the cache), then every page's main callback function is called as Dash would call
it, ``--repeats`` times, in this process: the server time, without the network and the browser. Printed per
callback: median and 95th percentile against the target (p95 < 300 ms), and the payload Dash would send
(the returned figure or components as JSON) against the target (< 1 MB per figure). What-if re-explains all
models for an edited row; its target is 1 s. The first call of each callback is timed apart (cold: it
builds what later calls reuse, such as a model's explanation read from the store, or a cohort's held-out curves).
The project is warmed as the server warms it (the common scale's kernels compiled) before anything is timed.
The cohort cases restrict the pages to ``COHORT``. The machine's load average is printed and saved with the
times: other processes on a shared machine lengthen the 95th percentile first.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

from plotly.io.json import to_json_plotly

sys.path.insert(0, str(Path(__file__).parents[1]))

from benchmarks.jobs import make_project  # noqa: E402
from callbacks import (  # noqa: E402
    agreement,
    disagreement,
    feature,
    global_page,
    local,
    local_charts,
    neighbours,
    performance,
    row_search,
    stacked_force,
    whatif,
)
from callbacks._common import common_levels  # noqa: E402
from portal.analyses import COMMON, NATIVE  # noqa: E402
from portal.config import load_config  # noqa: E402
from portal.figures import RAW, SHARE  # noqa: E402
from portal.jobs import (  # noqa: E402
    TASK_SECONDS,
    JobRunner,
    ResultStore,  # noqa: E402
    local_process_pool,
)
from portal.project import Project  # noqa: E402

P95_TARGET_S = 0.3
#: The cohort the cohort cases apply: about a tenth of the customers.
COHORT = "tenure < 12; contract = Month-to-month"
WHAT_IF_TARGET_S = 1.0
PAYLOAD_TARGET_BYTES = 1_000_000


def open_computed(config_path: Path) -> tuple[Project, JobRunner]:
    """The project with every explanation (own scale and common scale) computed, as a restarted server sees it."""
    config = load_config(config_path)
    pool = local_process_pool(2)
    runner = JobRunner(
        ResultStore(config.cache_dir), pool, renew=lambda: local_process_pool(2), task_seconds=TASK_SECONDS
    )
    project = Project(config, runner=runner, log=lambda _: None)
    started = time.perf_counter()
    project.start_explanations()
    while not all(project.progress(m).state in ("done", "failed") for m in project.model_names) or any(
        (p := project.common_progress(m)) is not None and p.state not in ("done", "failed", "unavailable")
        for m in project.model_names
    ):
        time.sleep(0.2)
    print(f"explanations ready after {time.perf_counter() - started:.1f} s (cached runs: ~0 s)")
    warming = project.warm_up()  # as the server does when it opens a project (portal.cli)
    if warming is not None:
        warming.join()
    return project, runner


def cases(project: Project) -> dict[str, Callable[[], object]]:
    """Each page's main callbacks with the inputs a reader's first view gives them."""
    models = list(project.model_names)
    ready = models
    levels = common_levels(project, None) or {}
    row = project.row_ids()[12_345 % len(project.row_ids())]
    names = list(project.feature_names())
    values = whatif.reset_values(project, row, names)
    edited = list(values)
    edited[names.index("tenure")] = 70
    found: dict[str, Callable[[], object]] = {
        "global: importance, common scale": lambda: global_page.importance(
            project, RAW, ready, None, None, COMMON, levels
        ),
        "global: importance, own scales": lambda: global_page.importance(
            project, SHARE, ready, None, None, NATIVE, levels
        ),
        "global: agreement": lambda: agreement.agreement_view(project, "spearman", 5, ready),
        "global: agreement, common scale": lambda: agreement.agreement_view(
            project, "spearman", 5, ready, None, None, COMMON, levels
        ),
        "local: row search": lambda: row_search.search_view(project, "tenure < 12; contract = Month-to-month", None),
        "local: similar rows, all models": lambda: neighbours.similar_view(project, row, "all models", ready),
        "feature: dependence": lambda: feature.dependence_figure(project, "tenure", "contract", ["shape"], ready),
        "local: disagreement table": lambda: disagreement.disagreement_view(project, "prediction", ready),
        "what-if: every model, own scale": lambda: whatif.what_if_view(project, row, names, edited, NATIVE),
        "what-if: every model, common scale": lambda: whatif.what_if_view(project, row, names, edited, COMMON),
        "performance: curves": lambda: performance.curves(project, None),
        "performance: confusion": lambda: performance.confusion(project, 0.4),
        "local: disagreement table, by reasons": lambda: disagreement.disagreement_view(project, "reasons", ready),
        "cohort: importance": lambda: global_page.importance(project, RAW, ready, None, None, NATIVE, levels, COHORT),
        "cohort: dependence": lambda: feature.dependence_figure(
            project, "tenure", "contract", ["shape"], ready, None, None, COHORT
        ),
        "cohort: beeswarm " + models[0]: lambda: global_page.beeswarm_pane(
            project, models[0], ready, None, None, NATIVE, None, COHORT
        ),
        "cohort: disagreement table": lambda: disagreement.disagreement_view(
            project, "prediction", ready, None, COHORT
        ),
        "cohort: performance curves": lambda: performance.curves(project, None, COHORT),
        "local: force plot, own scale": lambda: local_charts.force_view(project, row, ready, None, NATIVE),
        "local: force plot, common scale": lambda: local_charts.force_view(project, row, ready, None, COMMON),
        "local: decision plot, models, common": lambda: local_charts.decision_view(
            project, "models", None, row, {"ready": ready, "scale": COMMON}
        ),
        "local: decision plot, 50 disagreed rows": lambda: local_charts.decision_view(
            project, "disagreement", models[0], row, {"ready": ready, "scale": NATIVE, "levels": levels}
        ),
        "cohort: decision plot, 50 rows": lambda: local_charts.decision_view(
            project, "cohort", models[0], row, {"ready": ready, "scale": NATIVE, "cohort": COHORT}
        ),
        "global: stacked force, two models, own": lambda: stacked_force.stacked_view(
            project, models[0], models[1], None, {"ready": ready, "scale": NATIVE}
        ),
        "global: stacked force, by prediction": lambda: stacked_force.stacked_view(
            project, models[0], None, "prediction", {"ready": ready, "scale": NATIVE}
        ),
        "global: stacked force, by tenure": lambda: stacked_force.stacked_view(
            project, models[0], None, "tenure", {"ready": ready, "scale": NATIVE}
        ),
        "cohort: stacked force": lambda: stacked_force.stacked_view(
            project, models[0], None, None, {"ready": ready, "scale": NATIVE, "cohort": COHORT}
        ),
    }
    for model in models:
        found[f"global: stacked force {model}, own"] = lambda m=model: stacked_force.stacked_view(
            project, m, None, None, {"ready": ready, "scale": NATIVE}
        )
        found[f"global: stacked force {model}, common"] = lambda m=model: stacked_force.stacked_view(
            project, m, None, None, {"ready": ready, "scale": COMMON, "levels": levels}
        )
        found[f"global: beeswarm {model}"] = lambda m=model: global_page.beeswarm_pane(
            project, m, ready, None, None, NATIVE
        )
        found[f"local: waterfall {model}, common"] = lambda m=model: local.waterfall_pane(
            project, m, row, ready, None, COMMON
        )
    return found


def payload_bytes(result: object) -> int:
    """The size of what Dash would send: every figure or component returned, as JSON."""
    parts = result if isinstance(result, tuple) else (result,)
    return max(len(to_json_plotly(p)) for p in parts if p is not None) if parts else 0


def measure(call: Callable[[], object], repeats: int) -> dict[str, float]:
    started = time.perf_counter()
    result = call()
    cold = time.perf_counter() - started
    times = []
    for _ in range(repeats):
        started = time.perf_counter()
        call()
        times.append(time.perf_counter() - started)
    times.sort()
    p95 = times[min(len(times) - 1, round(0.95 * (len(times) - 1)))]
    return {"cold_s": cold, "median_s": statistics.median(times), "p95_s": p95, "payload_bytes": payload_bytes(result)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--repeats", type=int, default=20)
    parser.add_argument("--work", default="/tmp/portal-bench-callbacks")
    parser.add_argument("--out", default=str(Path(__file__).parent / "results" / "callbacks.json"))
    args = parser.parse_args()
    folder = Path(args.work)
    folder.mkdir(parents=True, exist_ok=True)
    project, runner = open_computed(make_project(folder, args.rows, "cache"))
    load = [os.getloadavg()[0]]  # other processes on the machine skew the times, the 95th percentile most
    try:
        results = {name: measure(call, args.repeats) for name, call in cases(project).items()}
    finally:
        runner.shutdown()
    load.append(os.getloadavg()[0])
    print(f"\n{args.rows:,} rows, {args.repeats} calls each (server time, this process)")
    print(f"machine load (1 min) before and after: {load[0]:.1f} -> {load[1]:.1f} ({os.cpu_count()} cores)")
    print(f"{'callback':48} {'median':>8} {'p95':>8} {'cold':>8} {'payload':>10}  verdict")
    for name, r in results.items():
        target = WHAT_IF_TARGET_S if name.startswith("what-if") else P95_TARGET_S
        ok = r["p95_s"] < target and r["payload_bytes"] < PAYLOAD_TARGET_BYTES
        print(
            f"{name:48} {r['median_s'] * 1000:7.0f}ms {r['p95_s'] * 1000:7.0f}ms {r['cold_s'] * 1000:7.0f}ms "
            f"{r['payload_bytes'] / 1000:8.0f}kB  {'ok' if ok else 'OVER TARGET'} (p95 < {target * 1000:.0f} ms)"
        )
    Path(args.out).parent.mkdir(parents=True, exist_ok=True)
    record = {"rows": args.rows, "repeats": args.repeats, "load_average_1min_before_and_after": load}
    Path(args.out).write_text(json.dumps({**record, "callbacks": results}, indent=2) + "\n")
    print(f"\nwritten to {args.out}")


if __name__ == "__main__":
    main()
