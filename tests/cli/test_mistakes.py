"""Command-line mistakes found by the probe of issue 17: each is one line on stderr and exit code 2 (Ctrl+C 130),
and the server's banner names the port it listens on."""

from __future__ import annotations

import os
import re
import signal
import socket
import subprocess
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.cli import main
from tests.projects import ROOT, two_models

HOST_FIX = (
    "Fix: use an address of this machine, e.g. --host 127.0.0.1 (this machine only) or --host 0.0.0.0 (every one)"
)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    def never(*args, **kwargs):
        raise AssertionError("the project must not open after a mistake in the options")

    monkeypatch.setattr("portal.cli._server.open_project", never)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 80), "bought": ["yes", "no"] * 40})
    frame.to_csv(tmp_path / "t.csv", index=False)
    path = tmp_path / "p.toml"
    path.write_text(f'[data]\nsource = "t.csv"\ntarget = "bought"\n{two_models()}[cache]\ndir = "{tmp_path / "c"}"\n')
    return path


def one_line(capsys: pytest.CaptureFixture) -> str:
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    return err.strip()


@pytest.mark.parametrize("port", ["99999", "0", "-1", "65536"])
def test_a_port_out_of_range_is_refused_before_anything_opens(project, capsys, port) -> None:
    assert main(["serve", "--config", str(project), "--port", port]) == 2
    assert (
        one_line(capsys) == f"error: --port: {port} is not a port. Fix: use a number from 1 to 65535, e.g. --port 8050"
    )


@pytest.mark.parametrize("host", ["256.1.1.1", "no such host.invalid", "203.0.113.9"])
def test_a_host_that_is_not_this_machines_is_one_line(project, capsys, host) -> None:
    assert main(["serve", "--config", str(project), "--host", host]) == 2
    line = one_line(capsys)
    assert line.startswith(f"error: --host: cannot listen on {host!r} (") and line.endswith(HOST_FIX)


def test_a_port_in_use_is_one_line(project, capsys) -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        assert main(["demo", "churn", "--port", str(port)]) == 2
    line = capsys.readouterr().err.strip()
    assert line == (
        f"error: --port: port {port} on 127.0.0.1 is already in use. "
        f"Fix: stop what listens there, or pick another port, e.g. --port {port + 1}"
    )


def test_a_project_file_not_in_utf8_is_one_line(tmp_path, capsys) -> None:
    path = tmp_path / "p.toml"
    path.write_bytes(b'title = "caf\xe9"\n')
    assert main(["precompute", "--config", str(path)]) == 2
    assert one_line(capsys) == (
        f"error: config: {path} is not UTF-8 text (byte 12 cannot be read). "
        "Fix: save the project file as UTF-8 (TOML files are UTF-8)"
    )


def test_a_folder_as_the_project_file_is_one_line(tmp_path, capsys) -> None:
    assert main(["precompute", "--config", str(tmp_path)]) == 2
    assert one_line(capsys).startswith(f"error: config: cannot read {tmp_path} (Is a directory)")


def test_infinite_data_is_named_not_blamed_on_the_models_params(project, capsys) -> None:
    frame = pd.read_csv(project.parent / "t.csv")
    frame["age"] = frame["age"].astype(float)
    frame.loc[[1, 5], "age"] = np.inf
    frame.to_csv(project.parent / "t.csv", index=False)
    assert main(["precompute", "--config", str(project)]) == 2
    line = one_line(capsys)
    assert line.startswith("error: [data] source: column 'age' holds infinite values in 2 row(s): rows 2, 6")
    assert "params" not in line


def test_ctrl_c_anywhere_is_one_line_and_130(monkeypatch, capsys) -> None:
    def pressed(args):
        raise KeyboardInterrupt

    monkeypatch.setattr("portal.cli.precompute.run", pressed)
    assert main(["precompute", "--demo", "churn"]) == 130
    assert one_line(capsys) == "interrupted: finished chunks are kept; run the same command again to resume"


def test_ctrl_c_that_an_import_turned_into_its_own_error_is_still_130(monkeypatch, capsys) -> None:
    def pressed(args):
        try:
            raise KeyboardInterrupt
        except KeyboardInterrupt:
            raise ImportError("numba._devicearray failed to import") from None  # as numba does mid-import

    monkeypatch.setattr("portal.cli.precompute.run", pressed)
    assert main(["precompute", "--demo", "churn"]) == 130


def test_an_unexpected_error_is_one_line_and_exit_1(monkeypatch, capsys) -> None:
    def broken(args):
        raise RuntimeError("something\nwe did not foresee")

    monkeypatch.setattr("portal.cli.precompute.run", broken)
    monkeypatch.delenv("PORTAL_DEBUG", raising=False)
    assert main(["precompute", "--demo", "churn"]) == 1
    assert one_line(capsys).startswith("error: unexpected RuntimeError: something we did not foresee. This is a bug")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def test_the_banner_names_the_port_bound_and_ctrl_c_stops_without_a_traceback(project) -> None:
    """Ctrl+C goes to the whole process group, as a terminal sends it: the worker processes too."""
    port = _free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "portal", "serve", "--config", str(project), "--port", str(port)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        start_new_session=True,
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),  # a background shell ignores it
        env={**os.environ, "PORTAL_CACHE_DIR": str(project.parent / "c")},
    )
    lines = []
    try:
        for line in server.stdout:
            lines.append(line)
            if line.startswith("serving "):
                break
        assert re.search(rf"on http://127\.0\.0\.1:{port}/ \(Ctrl\+C stops\)", lines[-1]), lines
        with socket.create_connection(("127.0.0.1", port), timeout=5):
            pass  # it listens where the banner says
        os.killpg(server.pid, signal.SIGINT)
        rest, _ = server.communicate(timeout=60)
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGKILL)
    output = "".join(lines) + rest
    assert server.returncode == 0 and "stopping" in rest and "Traceback" not in output, output
