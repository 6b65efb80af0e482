"""``serve`` / ``demo --workers N``: the option's promise, its one-line mistake, and the app each worker builds."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.cli._gunicorn import worker_app
from portal.cli._parser import build_parser
from portal.config import load_config
from tests.project.test_averages import FOREST
from tests.project.test_common_scale import project_text
from tests.reports.test_export import synthetic_table


@pytest.mark.parametrize("command", [["demo"], ["serve", "--config", "p.toml"]])
def test_workers_defaults_to_one_process_and_takes_a_number(command: list[str]) -> None:
    assert build_parser().parse_args(command).workers == 1
    assert build_parser().parse_args([*command, "--workers", "3"]).workers == 3


@pytest.mark.parametrize("text", ["0", "17", "two", "-1"])
def test_a_wrong_number_of_workers_is_one_line_naming_the_fix_and_exit_code_2(text: str, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        build_parser().parse_args(["demo", "--workers", text])
    assert stopped.value.code == 2
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert f"{text!r} is not a number of processes from 1 to 16. Fix: --workers 2" in last


def test_a_worker_opens_the_project_itself_and_serves_its_pages(tmp_path: Path) -> None:
    synthetic_table().to_csv(tmp_path / "table.csv", index=False)
    (tmp_path / "project.toml").write_text(project_text("bought", FOREST, cache=str(tmp_path / "cache")))
    server = worker_app(load_config(tmp_path / "project.toml"))
    answer = server.test_client().get("/global")
    assert answer.status_code == 200 and b"_dash-config" in answer.data


def test_several_workers_serve_behind_the_same_headers_with_no_server_banner(tmp_path: Path) -> None:
    """gunicorn names itself in a Server header on every answer; the portal sends it empty. Every answer closes
    its connection, so the next request goes to whichever worker is free (kept alive, one worker held 44 of 50
    users' connections)."""
    import http.client
    import os
    import signal
    import subprocess
    import sys

    from tests.cli.test_mistakes import ROOT, _free_port

    synthetic_table().to_csv(tmp_path / "table.csv", index=False)
    (tmp_path / "project.toml").write_text(project_text("bought", FOREST, cache=str(tmp_path / "cache")))
    port = _free_port()
    command = [sys.executable, "-m", "portal", "serve", "--config", str(tmp_path / "project.toml")]
    server = subprocess.Popen(
        [*command, "--port", str(port), "--workers", "2"],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
    )
    try:
        ready = 0
        for line in server.stdout:
            ready += line.startswith("worker ready")
            if ready == 2:
                break
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
        connection.request("GET", "/global")
        answer = connection.getresponse()
        answer.read()
        connection.close()
        assert answer.status == 200
        assert answer.getheader("Server", "") == "" and answer.getheader("X-Frame-Options") == "DENY"
        assert answer.getheader("Connection", "").lower() == "close"
    finally:
        os.killpg(server.pid, signal.SIGINT)
        try:
            server.communicate(timeout=60)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
