"""benchmarks/load.py: how it names callbacks, fills the what-if inputs, counts errors, and its results' schema."""

from __future__ import annotations

import json
import sys
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import jsonschema
import pytest

ROOT = Path(__file__).parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))

import load  # noqa: E402

WHAT_IF = json.dumps(
    {
        "output": "..whatif-error.children...whatif-results.children..",
        "inputs": [
            [
                {"id": {"feature": "tenure", "type": "whatif-input"}, "property": "value", "value": 1},
                {"id": {"feature": "contract", "type": "whatif-input"}, "property": "value", "value": "One year"},
            ],
            {"id": "scale-toggle", "property": "value", "value": "common"},
        ],
        "state": [{"id": "row-picker", "property": "value", "value": "C00001"}],
    }
)


def test_a_callback_is_named_by_its_first_output_and_how_many_more_it_has() -> None:
    assert load.kind_of(WHAT_IF) == "whatif-error +1"
    pattern = json.dumps({"output": '{"feature":["ALL"],"type":"whatif-input"}.value'})
    assert load.kind_of(pattern) == "whatif-input"
    assert load.kind_of(json.dumps({"output": "page.children"})) == "page"


def test_the_what_if_inputs_take_the_values_the_reset_answered_and_others_stay() -> None:
    filled = json.loads(load.what_if_body(WHAT_IF, {load._key("tenure"): 37}))
    assert [item["value"] for item in filled["inputs"][0]] == [37, "One year"]
    assert load.what_if_body(WHAT_IF, {}) == WHAT_IF


def test_quantiles_of_known_values() -> None:
    values = [float(v) for v in range(1, 101)]
    assert load._quantile(values, 0.5) == pytest.approx(50.5) and load._quantile(values, 0.95) == pytest.approx(95.05)
    assert load._quantile([0.3], 0.95) == 0.3


class Answer(BaseHTTPRequestHandler):
    """Every POST answered with ``status`` (a class attribute the test sets)."""

    status = 200

    def do_POST(self) -> None:  # noqa: N802 (the name http.server calls)
        self.rfile.read(int(self.headers["Content-Length"]))
        body = json.dumps({"response": {load._key("tenure"): {"value": 5}}}).encode()
        self.send_response(self.status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def log_message(self, *args) -> None:
        pass


@pytest.mark.parametrize("status, errors", [(200, False), (500, True)])
def test_a_level_counts_every_request_and_every_error(status: int, errors: bool) -> None:
    Answer.status = status
    server = ThreadingHTTPServer((load.HOST, 0), Answer)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    pattern = json.dumps({"output": '{"feature":["ALL"],"type":"whatif-input"}.value'})
    requests = {"/global": [json.dumps({"output": "page.children"})], "/local": [pattern, WHAT_IF]}
    try:
        level = load.run_level(server.server_address[1], requests, ["C00002"], "C00001", 3, 0.5, 0.05)
    finally:
        server.shutdown()
        server.server_close()
    assert level["users"] == 3 and level["requests"] > 0
    assert level["errors"] == (level["requests"] if errors else 0)
    assert set(level["by_kind"]) <= {"page", "whatif-input", "whatif-error +1", "what-if, edited"}
    assert sum(k["n"] for k in level["by_kind"].values()) == level["requests"]
    if not errors and "whatif-error +1" in level["by_kind"]:
        assert level["by_kind"]["what-if, edited"]["n"] >= 1  # an edited what-if follows each what-if answered
    schema = json.loads((ROOT / "schemas" / "load.schema.json").read_text())
    jsonschema.validate({"goal": load.GOAL, "test": {"think_s": 0.05, "cores": 2, "levels": [level]}}, schema)


def test_the_saved_results_follow_the_schema() -> None:
    saved = ROOT / "benchmarks" / "results" / "load.json"
    if not saved.exists():
        pytest.skip("no load.json yet")
    jsonschema.validate(json.loads(saved.read_text()), json.loads((ROOT / "schemas" / "load.schema.json").read_text()))
