"""``python -m portal users``: add, remove and list; the password comes from stdin and is never printed."""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from portal.cli import main
from portal.config import read_users
from tests.project.test_averages import FOREST
from tests.project.test_common_scale import project_text

PASSWORD = "correct horse battery"


def _users(monkeypatch: pytest.MonkeyPatch, *args: str, stdin: str = "") -> int:
    monkeypatch.setattr("sys.stdin", io.StringIO(stdin))
    return main(["users", *args])


def test_add_list_remove(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture) -> None:
    file = str(tmp_path / "users.toml")
    assert (
        _users(monkeypatch, "add", "ann", "--role", "analyst", "--password-stdin", "--file", file, stdin=PASSWORD) == 0
    )
    assert (
        _users(monkeypatch, "add", "bob", "--role", "viewer", "--password-stdin", "--file", file, stdin=PASSWORD) == 0
    )
    assert _users(monkeypatch, "list", "--file", file) == 0
    out = capsys.readouterr().out
    assert "added ann (analyst)" in out and "  ann: analyst\n  bob: viewer\n" in out
    hashes = {u.password_hash for u in read_users(Path(file)).values()}
    assert len(hashes) == 2  # the same password twice: two different salted hashes
    assert PASSWORD not in out and not any(h in out or h.split("$")[1] in out for h in hashes)
    assert read_users(Path(file))["ann"].verify(PASSWORD)
    assert _users(monkeypatch, "remove", "ann", "--file", file) == 0
    assert set(read_users(Path(file))) == {"bob"}


def test_adding_again_replaces_the_password(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    file = str(tmp_path / "users.toml")
    _users(monkeypatch, "add", "ann", "--role", "viewer", "--password-stdin", "--file", file, stdin="old\n")
    _users(monkeypatch, "add", "ann", "--role", "admin", "--password-stdin", "--file", file, stdin="new\n")
    ann = read_users(Path(file))["ann"]
    assert ann.role == "admin" and ann.verify("new") and not ann.verify("old")


@pytest.mark.parametrize(
    ("args", "stdin", "message"),
    [
        (("add", "ann", "--role", "analyst"), PASSWORD, "--password-stdin is required"),
        (("add", "ann", "--role", "analyst", "--password-stdin"), "", "the password is empty"),
        (("add", "a b", "--role", "analyst", "--password-stdin"), PASSWORD, "'a b' is not a user name"),
        (("remove", "nobody"), "", "'nobody' is not in"),
    ],
)
def test_mistakes_are_one_line_and_exit_2(args, stdin, message, tmp_path, monkeypatch, capsys) -> None:
    assert _users(monkeypatch, *args, "--file", str(tmp_path / "users.toml"), stdin=stdin) == 2
    captured = capsys.readouterr()
    assert message in captured.err and len(captured.err.strip().splitlines()) == 1
    assert PASSWORD not in captured.out + captured.err
    assert not (tmp_path / "users.toml").exists()


def test_an_unknown_role_is_a_usage_error(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(SystemExit) as exited:
        _users(monkeypatch, "add", "ann", "--role", "boss", "--password-stdin", "--file", str(tmp_path / "u.toml"))
    assert exited.value.code == 2


def test_help_lists_the_users_command(capsys: pytest.CaptureFixture) -> None:
    with pytest.raises(SystemExit):
        main(["--help"])
    text = " ".join(capsys.readouterr().out.split())
    assert ' users add, remove or list the people who may log in ([auth] mode = "basic")' in text


PROJECT = project_text("bought", FOREST, sample=None) + '[auth]\nmode = "basic"\nusers = "people/users.toml"\n'


def test_config_finds_the_users_file_the_project_names(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys) -> None:
    (tmp_path / "people").mkdir()
    (tmp_path / "project.toml").write_text(PROJECT)
    config = str(tmp_path / "project.toml")
    assert _users(monkeypatch, "add", "ann", "--role", "admin", "--password-stdin", "--config", config, stdin="pw") == 0
    assert read_users(tmp_path / "people" / "users.toml")["ann"].verify("pw")  # relative to the project file
    assert _users(monkeypatch, "list", "--config", config) == 0
    assert "  ann: admin" in capsys.readouterr().out


def test_config_without_a_users_file_is_one_line_and_exit_2(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys):
    (tmp_path / "project.toml").write_text(PROJECT.split("[auth]")[0])
    assert _users(monkeypatch, "list", "--config", str(tmp_path / "project.toml")) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: [auth] users:") and "names no users file" in err and len(err.splitlines()) == 1
    with pytest.raises(SystemExit):  # one place or the other, not both
        _users(monkeypatch, "list", "--config", "a.toml", "--file", "b.toml")
