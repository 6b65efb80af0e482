"""Load test of a running portal: many users opening /global and /local, replaying the callbacks a browser sends.

Usage:
    PORTAL_CACHE_DIR=/tmp/load-cache python -m portal demo churn --port 8070     # in another terminal, let it finish
    python benchmarks/load.py --record        # once: headless Chromium opens the pages, the requests are saved
    python benchmarks/load.py --users 10,25,50 --seconds 20 --label waitress-8

``--record`` opens /global and /local in Debian's chromium (dash[testing]'s selenium) with ``window.fetch``
wrapped, and saves every ``/_dash-update-component`` body the pages send on load (the what-if card
re-explains the row on load, so what-if is among them) to ``benchmarks/results/load-requests.json``. A replay is
then a page view: one virtual user sends one page's requests in the order the browser sent them, waits
``--think`` seconds, and opens the other page. On /local every view picks a random customer (the id is swapped
in each body), so the server explains rows it has not seen, as people picking customers make it do; the what-if
request carries the inputs the row's reset answered (as the browser fills them in), and every /local view ends
with one more what-if with tenure edited ("what-if, edited"), as a person trying the card sends.

The client is ours, not locust: the replay is a list of POSTs with a closed loop per user, which threads and
``http.client`` do in a page of code, without adding gevent and its friends to the environment the portal's
engineers share (locust would measure the same requests). It runs on the same 2-core machine as the server
and takes some of its CPU; the machine's load average is printed and saved with every level for that reason.
Loopback only: the host is 127.0.0.1 and nothing else is accepted. Each level runs ``--seconds`` (bounded).
Printed per level: p50/p95 per callback kind, errors, requests/s and the load average; the results are added
under ``--label`` to benchmarks/results/load.json.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

RESULTS = Path(__file__).parent / "results"
REQUESTS_FILE = RESULTS / "load-requests.json"
OUT_FILE = RESULTS / "load.json"
HOST = "127.0.0.1"
PAGES = ("/global", "/local")
GOAL = {"p95_s": 1.0, "whatif_p95_s": 2.0, "errors": 0}
RECORDER = """
window.__recorded = [];
const original = window.fetch;
window.fetch = function(url, options) {
  if (String(url).includes('_dash-update-component') && options && options.body) {
    window.__recorded.push({path: window.location.pathname, body: options.body});
  }
  return original.apply(this, arguments);
};
"""


# --- recording ---------------------------------------------------------------------------------------
def record(port: int, settle_s: float = 8.0) -> dict[str, list[str]]:
    """Each page's request bodies in the order the browser sent them (page loads; polls of progress left out)."""
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    for flag in ("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"):
        options.add_argument(flag)
    options.binary_location = "/usr/bin/chromium"
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.execute_cdp_cmd("Page.addScriptToEvaluateOnNewDocument", {"source": RECORDER})
    pages = {}
    try:
        for page in PAGES:
            driver.get(f"http://{HOST}:{port}{page}")
            time.sleep(settle_s)  # every callback of the page has answered (the slowest, what-if, in about 1 s)
            recorded = driver.execute_script("return window.__recorded")
            pages[page] = [r["body"] for r in recorded if "progress-poll" not in r["body"]]
    finally:
        driver.quit()
    return pages


# --- replaying ---------------------------------------------------------------------------------------
def kind_of(body: str) -> str:
    """A short name for a callback: its output ids (the part before the property), e.g. ``whatif-error``."""
    output = json.loads(body)["output"]
    names = [part.split(".")[0] for part in output.strip(".").split("...") if part]
    first = names[0]
    if first.startswith("{"):
        first = json.loads(first).get("type", first)
    return first + (f" +{len(names) - 1}" if len(names) > 1 else "")


@dataclass
class Tally:
    """Every request's seconds by callback kind, the errors, and how many requests were sent."""

    seconds: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    errors: list[str] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def add(self, kind: str, seconds: float, error: str | None) -> None:
        with self.lock:
            self.seconds[kind].append(seconds)
            if error:
                self.errors.append(f"{kind}: {error}")


def post(connection: http.client.HTTPConnection, body: str) -> tuple[int, bytes]:
    connection.request(
        "POST", "/_dash-update-component", body=body.encode(), headers={"Content-Type": "application/json"}
    )
    response = connection.getresponse()
    return response.status, response.read()


def user(
    port: int,
    requests: dict[str, list[str]],
    row_ids: list[str],
    first_row: str,
    until: float,
    think: float,
    tally: Tally,
    seed: int,
) -> None:
    """One virtual user: page views in turn until ``until``, each page's requests in the browser's order; on
    /local, then one what-if with an edit (tenure), as a person trying the card does."""
    rng, connection, view = random.Random(seed), http.client.HTTPConnection(HOST, port, timeout=60), seed
    while time.monotonic() < until:
        page = PAGES[view % len(PAGES)]
        view += 1
        row, values = rng.choice(row_ids), {}
        for body in requests[page]:
            if time.monotonic() >= until:
                break
            kind, sent = kind_of(body), body.replace(f'"{first_row}"', f'"{row}"') if page == "/local" else body
            if kind.startswith("whatif-error"):
                sent = what_if_body(sent, values)
            connection, answer = timed(connection, port, kind, sent, tally)
            if kind == "whatif-input" and answer:
                values = {key: one["value"] for key, one in json.loads(answer)["response"].items()}
            if kind.startswith("whatif-error") and values and time.monotonic() < until:
                tenure = _key("tenure")
                edited = {**values, tenure: (int(values.get(tenure) or 0) + 12) % 72}
                connection, _ = timed(connection, port, "what-if, edited", what_if_body(sent, edited), tally)
        time.sleep(think * rng.uniform(0.5, 1.5))
    connection.close()


def _key(feature: str) -> str:
    """The key of a what-if input in a Dash response: its dict id as compact JSON, keys sorted."""
    return json.dumps({"feature": feature, "type": "whatif-input"}, separators=(",", ":"), sort_keys=True)


def what_if_body(body: str, values: dict[str, object]) -> str:
    """The what-if request with the inputs holding ``values`` (what the row's reset answered, as a browser
    fills them in before it asks), or the recorded ones when ``values`` is empty."""
    if not values:
        return body
    request = json.loads(body)
    for item in request["inputs"][0]:
        item["value"] = values.get(json.dumps(item["id"], separators=(",", ":"), sort_keys=True), item.get("value"))
    return json.dumps(request)


def timed(
    connection: http.client.HTTPConnection, port: int, kind: str, body: str, tally: Tally
) -> tuple[http.client.HTTPConnection, bytes | None]:
    """Send one request and tally its seconds; a broken connection is replaced (and counted as an error)."""
    started, error, answer = time.monotonic(), None, None
    try:
        status, answer = post(connection, body)
        if status not in (200, 204):
            error = f"HTTP {status}"
    except (OSError, http.client.HTTPException) as caught:
        error = f"{type(caught).__name__}: {caught}"
        connection.close()
        connection = http.client.HTTPConnection(HOST, port, timeout=60)
    tally.add(kind, time.monotonic() - started, error)
    return connection, (answer if error is None else None)


def run_level(
    port: int,
    requests: dict[str, list[str]],
    row_ids: list[str],
    first_row: str,
    users: int,
    seconds: float,
    think: float,
) -> dict:
    """``users`` virtual users for ``seconds``; the level's figures as a JSON-ready dict."""
    tally, until = Tally(), time.monotonic() + seconds
    load_before = os.getloadavg()[0]
    started = time.monotonic()
    threads = [
        threading.Thread(target=user, args=(port, requests, row_ids, first_row, until, think, tally, i), daemon=True)
        for i in range(users)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.monotonic() - started
    every = [s for times in tally.seconds.values() for s in times]
    return {
        "users": users,
        "seconds": round(elapsed, 1),
        "requests": len(every),
        "requests_per_s": round(len(every) / elapsed, 1),
        "errors": len(tally.errors),
        "first_errors": tally.errors[:3],
        "p50_s": round(_quantile(every, 0.5), 3),
        "p95_s": round(_quantile(every, 0.95), 3),
        "by_kind": {
            kind: {"n": len(t), "p50_s": round(_quantile(t, 0.5), 3), "p95_s": round(_quantile(t, 0.95), 3)}
            for kind, t in sorted(tally.seconds.items())
        },
        "load_average_1min_before_after": [round(load_before, 2), round(os.getloadavg()[0], 2)],
    }


def _quantile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    if len(values) == 1:
        return values[0]
    return statistics.quantiles(values, n=100, method="inclusive")[round(q * 100) - 1]


def print_level(label: str, level: dict) -> None:
    print(
        f"[{label}] {level['users']} users: {level['requests']} requests, {level['requests_per_s']}/s, "
        f"errors {level['errors']}, p50 {level['p50_s']:.3f} s, p95 {level['p95_s']:.3f} s, "
        f"load average {level['load_average_1min_before_after']}"
    )
    for kind, figures in level["by_kind"].items():
        print(f"    {kind:<28} n={figures['n']:<6} p50 {figures['p50_s']:.3f} s  p95 {figures['p95_s']:.3f} s")
    for error in level["first_errors"]:
        print(f"    error: {error}")


def row_ids_of(requests: dict[str, list[str]], rows: int = 7043) -> tuple[list[str], str]:
    """The churn demo's customer ids (``C00001`` .. ``C07043``, its row numbers) and the one the recorded /local
    requests name (the page's default row)."""
    ids = [f"C{i:05d}" for i in range(1, rows + 1)]
    first = next(i for i in ids if any(f'"{i}"' in body for body in requests["/local"]))
    return ids, first


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8070)
    parser.add_argument("--record", action="store_true", help="record the pages' requests in Chromium first")
    parser.add_argument("--users", default="10,25,50", help="comma-separated levels")
    parser.add_argument("--seconds", type=float, default=20.0, help="duration of each level")
    parser.add_argument("--think", type=float, default=1.0, help="mean pause between a user's page views")
    parser.add_argument("--label", default="run", help="the name the results are saved under in load.json")
    args = parser.parse_args(argv)
    if args.record:
        REQUESTS_FILE.write_text(json.dumps(record(args.port), indent=1) + "\n")
    if not REQUESTS_FILE.exists():
        print(f"error: no recorded requests in {REQUESTS_FILE}. Fix: run with --record once.", file=sys.stderr)
        return 2
    requests = json.loads(REQUESTS_FILE.read_text())
    row_ids, first_row = row_ids_of(requests)
    levels = []
    for users in (int(u) for u in args.users.split(",")):
        level = run_level(args.port, requests, row_ids, first_row, users, args.seconds, args.think)
        print_level(args.label, level)
        levels.append(level)
    results = json.loads(OUT_FILE.read_text()) if OUT_FILE.exists() else {}
    results["goal"] = GOAL
    results[args.label] = {"think_s": args.think, "cores": os.cpu_count(), "levels": levels}
    OUT_FILE.write_text(json.dumps(results, indent=2) + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
