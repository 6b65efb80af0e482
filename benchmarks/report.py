"""Benchmark of ``report``: the churn demo's report for the record, from a cold cache and from a warm one.

Usage: python benchmarks/report.py [--out benchmarks/results/report.json]

The project is the churn demo's own configuration (three models, 7,043 customers) with a cache in a temporary
folder, so the demo's cache is not touched. Printed, each from the command line until it exits:

- cold: ``report --out report.html`` on an empty cache: training the three models, explaining every row with each,
  then the report (the part that is the report's own: drawing every figure and writing the file);
- warm: the same command again, everything computed found in the cache (the goal: under 20 s);
- warm PDF: ``report --out report.pdf``, printed by headless Chromium from the same HTML;
- the files' sizes (the goal: under 5 MB each) and the number of figures and pages.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).parents[1]
sys.path.insert(0, str(ROOT))

from portal.data import CHURN_CONFIG  # noqa: E402

GOAL_WARM_S = 20.0
GOAL_BYTES = 5 * 1024**2


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--out", type=Path, default=ROOT / "benchmarks" / "results" / "report.json")
    args = options.parse_args()
    with tempfile.TemporaryDirectory(prefix="report-bench-") as folder:
        results = run(Path(folder))
    print(json.dumps(results, indent=1))
    print(
        f"churn report: cold {results['cold_html_s']:.1f} s, warm {results['warm_html_s']:.1f} s "
        f"({results['warm_html_s'] / GOAL_WARM_S:.2f} x the {GOAL_WARM_S:.0f} s goal), warm PDF "
        f"{results['warm_pdf_s']:.1f} s; {results['html_bytes'] / 1024**2:.2f} MB HTML, "
        f"{results['pdf_bytes'] / 1024**2:.2f} MB PDF"
    )
    args.out.write_text(json.dumps(results, indent=1) + "\n")


def run(folder: Path) -> dict:
    project = folder / "churn.toml"
    project.write_text(CHURN_CONFIG + f'\n[cache]\ndir = "{folder / "cache"}"\n')
    html, pdf = folder / "report.html", folder / "report.pdf"
    results = {"project": "churn demo (3 models, 7,043 rows)", "load_before": round(os.getloadavg()[0], 2)}
    results["cold_html_s"], _ = timed("report", "--config", str(project), "--out", str(html))
    results["warm_html_s"], summary = timed("report", "--config", str(project), "--out", str(html))
    results["warm_pdf_s"], _ = timed("report", "--config", str(project), "--out", str(pdf))
    results["figures"] = int(re.search(r"(\d+) figures", summary).group(1))
    results["html_bytes"], results["pdf_bytes"] = html.stat().st_size, pdf.stat().st_size
    results["pdf_pages"] = len(re.findall(rb"/Type\s*/Page[^s]", pdf.read_bytes()))
    results["load_after"] = round(os.getloadavg()[0], 2)  # other work on the machine slows every step
    results["warm_under_goal"] = results["warm_html_s"] < GOAL_WARM_S
    results["sizes_under_goal"] = max(results["html_bytes"], results["pdf_bytes"]) < GOAL_BYTES
    return results


def timed(*argv: str) -> tuple[float, str]:
    """Seconds until ``python -m portal ARGV`` exits (it must succeed), and its summary line."""
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-m", "portal", *argv], cwd=ROOT, capture_output=True, text=True)
    seconds = round(time.perf_counter() - started, 2)
    if done.returncode != 0:
        raise SystemExit(f"python -m portal {' '.join(argv)} failed ({done.returncode}):\n{done.stderr[-2000:]}")
    return seconds, done.stdout.strip()


if __name__ == "__main__":
    main()
