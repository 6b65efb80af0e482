"""Security headers on every answer (pages, callbacks, assets, refusals) and the 1 MB cap on request bodies."""

from __future__ import annotations

import pytest

from portal.web._headers import MAX_BODY_BYTES, TOO_LARGE
from portal.web._roles import UPDATE_ROUTE
from portal.web.app import create_app
from tests.fakes import FakeServices


@pytest.fixture(scope="module")
def client():
    return create_app(FakeServices()).server.test_client()


@pytest.mark.parametrize("path", ["/", "/local", "/_dash-layout", "/_dash-dependencies", "/assets/style.css"])
def test_every_answer_carries_the_security_headers(client, path: str) -> None:
    answer = client.get(path)
    answer.close()  # an asset is a file Flask streams
    assert answer.status_code == 200
    assert answer.headers["X-Frame-Options"] == "DENY"
    assert answer.headers["X-Content-Type-Options"] == "nosniff"
    assert answer.headers["Referrer-Policy"] == "same-origin"
    policy = dict(part.strip().split(" ", 1) for part in answer.headers["Content-Security-Policy"].split(";"))
    assert policy["frame-ancestors"] == "'none'" and policy["default-src"] == "'self'"
    assert "'unsafe-inline'" not in policy["script-src"]  # 'unsafe-eval' stays: plotly's WebGL traces need it
    assert policy["script-src"].count("'sha256-") >= 2  # Dash's renderer start-up and the clientside callbacks
    assert "Server" not in answer.headers


def test_the_policy_names_every_inline_script_of_the_page(client) -> None:
    import base64
    import hashlib
    import re

    page = client.get("/")
    policy = page.headers["Content-Security-Policy"]
    html = re.sub(r"<!--.*?-->", "", page.text, flags=re.S)  # the IE notice is a comment, never run
    scripts = re.findall(r"<script(?![^>]*\bsrc=)(?![^>]*application/json)[^>]*>(.*?)</script>", html, re.S)
    assert scripts
    for script in scripts:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_a_body_over_1_mb_gets_413_and_one_line(client) -> None:
    big = b'{"output": "page.children", "inputs": [' + b'"x",' * (MAX_BODY_BYTES // 4) + b'"x"]}'
    answer = client.post(f"/{UPDATE_ROUTE}", data=big, content_type="application/json")
    assert answer.status_code == 413 and answer.text == TOO_LARGE and len(TOO_LARGE.splitlines()) == 1
    assert answer.headers["X-Frame-Options"] == "DENY"
    small = client.post(f"/{UPDATE_ROUTE}", data=b"{}", content_type="application/json")
    assert small.status_code != 413
