"""Benchmark of /monitoring on the pricing demo: the report's first build, then every panel's callback per window.

Usage: PORTAL_CACHE_DIR=/tmp/pricing-cache python benchmarks/monitoring_page.py [--repeats 3]
       [--out benchmarks/results/monitoring-page.json]

Opens the pricing demo (four regressors, 14 monthly windows; its explanations computed first if the cache lacks
them), times ``Project.monitoring()`` cold (the first build, which the page runs in a thread behind a progress line)
and warm (kept by the project), then calls each panel's callback function as Dash would, for every window after the
reference and both baselines, ``--repeats`` times: the server time, without the network and the browser. Printed per
callback: median and 95th percentile against the target (p95 < 300 ms), and the largest payload Dash would send.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from pathlib import Path

from plotly.io.json import to_json_plotly

sys.path.insert(0, str(Path(__file__).parents[1]))

from callbacks import monitoring  # noqa: E402
from portal.analyses import AGAINST  # noqa: E402
from portal.cli._progress import run_all  # noqa: E402
from portal.cli._shared import opened  # noqa: E402
from portal.data import demo_config  # noqa: E402

P95_TARGET_S = 0.3


def panels(project, window: str, against: str) -> dict:
    return {
        "summary": lambda: monitoring.summary_panel(project, True, window, against),
        "shares": lambda: monitoring.shares_panel(project, True, window),
        "mean-change panes": lambda: monitoring.waterfalls_panel(project, True, window, against),
        "what changed most": lambda: monitoring.changes_panel(project, True, window, against),
        "drift, errors, alerts": lambda: (
            monitoring.drift_panel(project, True, window),
            monitoring.errors_panel(project, True, window),
            monitoring.alerts_panel(project, True, window),
        ),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--out", type=Path, default=None)
    args = parser.parse_args()
    with opened(demo_config("pricing")) as project:
        run_all(project, out=sys.stderr, common=False)
        started = time.perf_counter()
        project.monitoring()
        cold = time.perf_counter() - started
        started = time.perf_counter()
        project.monitoring()
        warm = time.perf_counter() - started
        print(f"report: first build {cold:.2f} s, kept {warm * 1000:.2f} ms")
        windows = list(monitoring.choosable_windows(project.monitoring_windows()))
        times: dict[str, list[float]] = {}
        payload: dict[str, int] = {}
        for _ in range(args.repeats):
            for window in windows:
                for against in AGAINST:
                    for name, call in panels(project, window, against).items():
                        started = time.perf_counter()
                        result = call()
                        times.setdefault(name, []).append(time.perf_counter() - started)
                        payload[name] = max(payload.get(name, 0), len(to_json_plotly(result)))
    results = {"load_average": os.getloadavg()[0], "report_cold_s": cold, "report_warm_s": warm, "callbacks": {}}
    for name, found in times.items():
        p95 = statistics.quantiles(found, n=20)[-1]
        median = statistics.median(found)
        verdict = "ok" if p95 < P95_TARGET_S else "SLOW"
        ms = f"median {median * 1000:6.0f} ms  p95 {p95 * 1000:6.0f} ms"
        print(f"{name:24s} {ms}  {verdict}  {payload[name]:,} bytes")
        results["callbacks"][name] = {"median_s": median, "p95_s": p95, "payload_bytes": payload[name]}
    print(f"load average {results['load_average']:.2f} ({len(windows)} windows x {len(AGAINST)} baselines)")
    if args.out:
        args.out.write_text(json.dumps(results, indent=2) + "\n")


if __name__ == "__main__":
    main()
