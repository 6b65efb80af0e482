"""Benchmark of ``score``: one month of the pricing demo's bookings added to a project that has explained the rest.

Usage: python benchmarks/score_batch.py [--month 2017-08] [--out benchmarks/results/score.json]

The project is the pricing demo's configuration (a forest, a histogram booster, an EBM and their weighted
average, monitored by month against July-December 2016) on the demo's table cut before ``--month``; that
month's rows, without their prices, are the batch, and their prices the labels that come later. The demo itself
is not touched: the project, its table and its cache live in a temporary folder. Printed, for one run:

- the first explanation of the earlier months (``precompute``, not part of the goal; it trains the models);
- ``score --batch`` from the command line, until it exits: start-up, the checks, appending, loading the models
  and explaining the batch's rows with every model (``--new-categories``: August brings two new countries);
- opening the project afterwards and building its monitoring report, what ``/monitoring`` shows: until here,
  the batch's month is on the page;
- ``score --labels`` and the report again, now with the month's error;
- the peer, measured in the same run: what a tool without batches does each month, explaining every row again
  (``precompute`` of the whole table up to and including the month, in a fresh cache), and the ratio.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from portal.config import load_config  # noqa: E402
from portal.data import PRICING_CONFIG  # noqa: E402
from portal.data._demos import pricing  # noqa: E402
from portal.jobs import JobRunner, ResultStore  # noqa: E402
from portal.project import Project  # noqa: E402


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--month", default="2017-08")
    options.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "score.json")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="score-bench-") as folder:
        results = run(Path(folder), args.month)
    print(json.dumps(results, indent=1))
    print(
        f"score of {results['batch_rows']:,} rows took {results['score_batch_s']:.1f} s, "
        f"{results['score_over_explaining_again']:.2f} x explaining every row again "
        f"({results['explain_every_row_again_s']:.1f} s)"
    )
    args.out.write_text(json.dumps(results, indent=1) + "\n")


def run(folder: Path, month: str) -> dict:
    project = prepare(folder, month)
    results = {"month": month, "precompute_s": timed(portal("precompute", "--config", project))}
    batch = ("--batch", str(folder / "batch.csv"), "--new-categories")
    results["score_batch_s"] = timed(portal("score", "--config", project, *batch))
    results["batch_rows"] = len(pd.read_csv(folder / "batch.csv"))
    results["open_and_monitoring_s"], windows = monitoring_seconds(project, month)
    results["score_labels_s"] = timed(portal("score", "--config", project, "--labels", str(folder / "labels.csv")))
    results["open_and_monitoring_with_labels_s"], _ = monitoring_seconds(project, month)
    results["windows"] = windows
    # the peer: a tool without batches explains every row again each month (a fresh cache, the same settings)
    results["explain_every_row_again_s"] = timed(portal("precompute", "--config", prepare_whole(folder, month)))
    results["score_over_explaining_again"] = round(results["score_batch_s"] / results["explain_every_row_again_s"], 3)
    return results


def prepare_whole(folder: Path, month: str) -> str:
    """The same project on every row up to and including ``month``, in a cache of its own."""
    table = pricing()
    months = pd.to_datetime(table["arrival_date"]).dt.to_period("M").astype(str)
    table[months <= month].to_parquet(folder / "whole.parquet", index=False)
    cache = f'\n[cache]\ndir = "{folder / "whole-cache"}"\n'
    text = PRICING_CONFIG.replace('"demo:pricing"', '"whole.parquet"') + cache
    (folder / "whole.toml").write_text(text)
    return str(folder / "whole.toml")


def prepare(folder: Path, month: str) -> str:
    """The project file, its table (the months before ``month``), the batch and its labels."""
    table = pricing()
    months = pd.to_datetime(table["arrival_date"]).dt.to_period("M").astype(str)
    table[months < month].to_parquet(folder / "table.parquet", index=False)
    batch = table[months == month]
    batch.drop(columns="avg_price_per_room").to_csv(folder / "batch.csv", index=False)
    batch[["booking_id", "avg_price_per_room"]].to_csv(folder / "labels.csv", index=False)
    text = PRICING_CONFIG.replace('"demo:pricing"', '"table.parquet"') + f'\n[cache]\ndir = "{folder / "cache"}"\n'
    (folder / "pricing.toml").write_text(text)
    return str(folder / "pricing.toml")


def portal(*args: str):
    def call() -> None:
        done = subprocess.run([sys.executable, "-m", "portal", *args], capture_output=True, text=True, cwd=ROOT)
        if done.returncode not in (0, 3):
            raise SystemExit(f"python -m portal {' '.join(args)} exited {done.returncode}: {done.stderr[-2000:]}")

    return call


def timed(call) -> float:
    started = time.perf_counter()
    call()
    return round(time.perf_counter() - started, 2)


def monitoring_seconds(project_file: str, month: str) -> tuple[float, int]:
    """Open the project (models loaded, explanations found) and build its monitoring report."""
    started = time.perf_counter()
    config = load_config(Path(project_file))
    project = Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)
    report = project.monitoring()
    assert report.windows.labels[-1] == month, report.windows.labels
    return round(time.perf_counter() - started, 2), len(report.windows.labels)


if __name__ == "__main__":
    main()
