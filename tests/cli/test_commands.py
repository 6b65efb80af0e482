"""Each command's options and its hand-over to the project, in-process: no models are trained here."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

import portal.cli
from portal.cli import build_parser, main

CLI = Path(portal.cli.__file__).parent
COMMANDS = ("demo", "serve", "precompute", "export", "audit", "monitor", "figures", "report", "cache")
NO_PROJECT = "error: --config: no project given. Fix: pass --config FILE or --demo churn"


def parsed(*argv: str) -> dict:
    return vars(build_parser().parse_args(argv))


def test_every_command_takes_the_options_the_readme_shows() -> None:
    server = {"host": "127.0.0.1", "port": 8050, "workers": 1}
    assert parsed("demo") == {"command": "demo", "name": None, **server}
    assert parsed("demo", "loan", "--port", "9000") == {"command": "demo", "name": "loan", **server, "port": 9000}
    assert parsed("serve", "--config", "p.toml", "--host", "0.0.0.0") == {
        "command": "serve", "config": Path("p.toml"), "host": "0.0.0.0", "port": 8050, "workers": 1,
    }  # fmt: skip
    assert parsed("precompute", "--demo", "churn") == {"command": "precompute", "config": None, "demo": "churn"}
    assert parsed("export", "--config", "p.toml", "--model", "EBM", "--out", "e.csv") == {
        "command": "export", "config": Path("p.toml"), "demo": None, "model": "EBM", "out": Path("e.csv"),
    }  # fmt: skip
    assert parsed("audit", "--demo", "loan", "--out", "a.json", "--threshold", "0.4") == {
        "command": "audit", "config": None, "demo": "loan", "out": Path("a.json"), "threshold": 0.4,
    }  # fmt: skip
    assert parsed("audit", "--demo", "loan", "--out", "a.json")["threshold"] is None
    assert parsed("monitor", "--config", "p.toml", "--out", "m.json") == {
        "command": "monitor", "config": Path("p.toml"), "demo": None, "out": Path("m.json"),
    }  # fmt: skip
    assert parsed("figures", "--demo", "churn", "--out", "figs") == {
        "command": "figures", "config": None, "demo": "churn", "out": Path("figs"), "model": None, "rows": None,
        "format": "png", "class_name": None,
    }  # fmt: skip
    assert (
        parsed("figures", "--config", "p.toml", "--out", "f", "--model", "EBM", "--rows", "a,b", "--format", "svg")[
            "rows"
        ]
        == "a,b"
    )
    assert parsed("report", "--demo", "churn", "--out", "r.html") == {
        "command": "report", "config": None, "demo": "churn", "out": Path("r.html"), "sections": None, "rows": None,
        "interactive": False,
    }  # fmt: skip
    assert parsed("report", "--demo", "churn", "--out", "r.html", "--interactive")["interactive"] is True
    assert (
        parsed("report", "--config", "p.toml", "--out", "r.pdf", "--sections", "cover,models", "--rows", "a")[
            "sections"
        ]
        == "cover,models"
    )
    assert parsed("cache", "info") == {"command": "cache", "cache_command": "info", "config": None, "demo": None}
    assert parsed("cache", "clear", "--demo", "churn", "--model", "EBM") == {
        "command": "cache", "cache_command": "clear", "config": None, "demo": "churn", "model": "EBM",
    }  # fmt: skip


@pytest.mark.parametrize(
    "argv",
    [
        (),
        ("bogus",),
        ("serve",),  # --config is required
        ("export", "--demo", "churn", "--out", "e.csv"),  # --model is required
        ("audit", "--demo", "loan"),  # --out is required
        ("monitor", "--demo", "loan"),  # --out is required
        ("figures", "--demo", "churn"),  # --out is required
        ("report", "--demo", "churn"),  # --out is required
        ("precompute", "--config", "p.toml", "--demo", "churn"),  # one project, not two
        ("cache",),  # info or clear
    ],
)
def test_a_wrong_option_is_a_usage_line_and_exit_code_2(argv, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main(list(argv))
    assert stopped.value.code == 2
    assert capsys.readouterr().err.startswith("usage: python -m portal")


@pytest.mark.parametrize("command", COMMANDS)
def test_each_command_has_its_own_help(command, capsys) -> None:
    with pytest.raises(SystemExit) as stopped:
        main([command, "--help"])
    assert stopped.value.code == 0
    assert capsys.readouterr().out.startswith(f"usage: python -m portal {command} [-h]")


def test_demo_without_a_name_lists_the_demos_then_serves_churn(monkeypatch, capsys) -> None:
    served = []
    monkeypatch.setattr("portal.cli.demo.serve_project", lambda config, **where: served.append((config, where)) or 0)
    assert main(["demo"]) == 0
    lines = capsys.readouterr().out.splitlines()
    assert lines[0].split()[:2] == ["*", "churn"] and lines[-1].startswith("starting 'churn'")
    [(config, where)] = served
    assert config.title == "Telco customer churn" and where == {"host": "127.0.0.1", "port": 8050, "workers": 1}


def test_serve_hands_the_project_file_and_the_address_to_the_server(monkeypatch) -> None:
    served = []
    monkeypatch.setattr("portal.cli.serve.load_config", lambda path: f"config of {path}")
    monkeypatch.setattr("portal.cli.serve.serve_project", lambda config, **where: served.append((config, where)) or 0)
    assert main(["serve", "--config", "p.toml", "--port", "9001"]) == 0
    assert served == [("config of p.toml", {"host": "127.0.0.1", "port": 9001, "workers": 1})]


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (["precompute"], NO_PROJECT),
        (["export", "--model", "x", "--out", "e.csv"], NO_PROJECT),
        (
            ["export", "--demo", "churn", "--model", "Nope", "--out", "e.csv"],
            "error: --model: 'Nope' is not a model of this project. "
            "Fix: use one of 'Random forest', 'Gradient boosting', 'EBM'",
        ),
        (
            ["audit", "--demo", "loan", "--out", "/no/such/folder/a.json"],
            "error: --out: no folder /no/such/folder. Fix: create it first or write elsewhere",
        ),
        (
            ["monitor", "--demo", "loan", "--out", "m.json"],
            "error: [monitoring]: the project has no [monitoring] table to monitor it over time. "
            'Fix: add one, e.g. window = "month" and reference = "2016-07..2016-12", with time = "COLUMN" under [data]',
        ),
        (
            ["figures", "--demo", "churn", "--out", "figs", "--format", "jpg"],
            "error: --format: 'jpg' is not a format this command writes. Fix: use one of png, svg, pdf",
        ),
        (
            ["figures", "--demo", "churn", "--out", "figs", "--model", "Nope"],
            "error: --model: 'Nope' is not a model of this project. "
            "Fix: use one of Random forest, Gradient boosting, EBM",
        ),
        (
            ["audit", "--demo", "loan", "--out", "a.json", "--threshold", "2"],
            "error: --threshold: 2.0 is not a probability. Fix: use a number from 0 to 1, e.g. 0.5",
        ),
    ],
)
def test_a_mistake_is_one_line_on_stderr_and_exit_code_2(argv, line, capsys) -> None:
    assert main(argv) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")


def test_no_command_imports_another() -> None:
    """Commands share what they need through cli's private modules (_shared, _progress, _server)."""
    for command in COMMANDS:
        tree = ast.parse((CLI / f"{command}.py").read_text())
        imported = {n.module for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        others = {f"portal.cli.{c}" for c in COMMANDS if c != command}
        assert not imported & (others | {"portal.cli", "portal.cli._main"}), command


def test_an_unknown_demo_is_listed_against_the_demos_and_exit_code_2(capsys) -> None:
    assert main(["demo", "nosuch"]) == 2
    out, err = capsys.readouterr()
    assert [line.split()[0] for line in out.splitlines()[:2]] == ["churn", "loan"]  # none marked
    assert err == "error: demo: 'nosuch' is not a demo. Fix: use one of churn, loan, pricing\n"
