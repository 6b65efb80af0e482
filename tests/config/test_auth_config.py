"""``[auth]``: each mode's fields, each mistake one ConfigError naming the field, and the refusal to listen
beyond loopback without logins; the users file: salted hashes, mode 0600, a malformed file named."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from portal.config import AuthConfig, ConfigError, check_serving, new_user, parse_config, read_users, write_users

DATA = {"data": {"source": "t.csv", "target": "y"}, "models": [{"name": "F", "kind": "random_forest"}]}


def _auth(table: dict, tmp_path: Path) -> AuthConfig:
    return parse_config({**DATA, "auth": table}, base_dir=tmp_path).auth


def test_no_table_means_no_login(tmp_path: Path) -> None:
    assert parse_config(DATA, base_dir=tmp_path).auth == AuthConfig(mode="none")


def test_basic_reads_the_users_file_relative_to_the_project(tmp_path: Path) -> None:
    auth = _auth({"mode": "basic", "users": "team/users.toml"}, tmp_path)
    assert (auth.mode, auth.users) == ("basic", tmp_path / "team" / "users.toml")


def test_oidc_keeps_the_secret_out_of_the_file(tmp_path: Path) -> None:
    auth = _auth({"mode": "oidc", "issuer": "https://id.example.com/realm/", "client_id": "portal"}, tmp_path)
    assert (auth.issuer, auth.client_id, auth.client_secret_env) == (
        "https://id.example.com/realm",
        "portal",
        "PORTAL_OIDC_CLIENT_SECRET",
    )
    with pytest.raises(ConfigError, match=r"\[auth\] client_secret: a secret does not belong in the project file"):
        _auth({"mode": "oidc", "issuer": "https://x", "client_id": "p", "client_secret": "s3cret"}, tmp_path)


@pytest.mark.parametrize(
    ("table", "field"),
    [
        ({"mode": "ldap"}, r"\[auth\] mode: 'ldap' is not a mode"),
        ({"mode": "basic"}, r"\[auth\] users: is missing"),
        ({"mode": "none", "users": "u.toml"}, r"\[auth\] users: only applies to mode = 'basic'"),
        ({"mode": "oidc", "client_id": "p"}, r"\[auth\] issuer: is missing"),
        ({"mode": "oidc", "issuer": "http://id.example.com", "client_id": "p"}, r"is not an https URL"),
        ({"mode": "basic", "user": "u.toml"}, r"\[auth\] user: is not a known field. Fix: did you mean 'users'"),
    ],
)
def test_each_mistake_is_one_line_naming_the_field(table: dict, field: str, tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match=field) as caught:
        _auth(table, tmp_path)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("host", ["127.0.0.1", "localhost", "::1", "127.0.0.2"])
def test_no_login_is_fine_on_loopback(host: str) -> None:
    check_serving(AuthConfig(), host)


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.5", "::", "portal.example.com"])
def test_no_login_beyond_loopback_refuses_naming_the_fix(host: str) -> None:
    with pytest.raises(ConfigError, match=r'--host: .*Fix: add \[auth\] mode = "basic"') as caught:
        check_serving(AuthConfig(), host)
    assert "\n" not in str(caught.value) and "127.0.0.1" in str(caught.value)
    check_serving(AuthConfig("basic", users=Path("u.toml")), host)  # with logins: fine


def test_oidc_without_its_secret_variable_refuses(monkeypatch: pytest.MonkeyPatch) -> None:
    auth = AuthConfig("oidc", issuer="https://x", client_id="p", client_secret_env="TEST_PORTAL_SECRET")
    monkeypatch.delenv("TEST_PORTAL_SECRET", raising=False)
    with pytest.raises(ConfigError, match=r"\$TEST_PORTAL_SECRET is not set"):
        check_serving(auth, "0.0.0.0")
    monkeypatch.setenv("TEST_PORTAL_SECRET", "s")
    check_serving(auth, "0.0.0.0")


def test_users_file_holds_salted_hashes_readable_by_its_owner_only(tmp_path: Path) -> None:
    first, second = new_user("ann", "analyst", "same password"), new_user("bob", "viewer", "same password")
    assert first.password_hash != second.password_hash  # salted: the same password never hashes alike
    assert first.password_hash.startswith("scrypt:") and "same password" not in first.password_hash
    path = tmp_path / "users.toml"
    write_users(path, {"ann": first, "bob": second})
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert "same password" not in path.read_text()
    users = read_users(path)
    assert users == {"ann": first, "bob": second}
    assert users["ann"].verify("same password") and not users["ann"].verify("other")


def test_a_malformed_users_file_names_the_user(tmp_path: Path) -> None:
    path = tmp_path / "users.toml"
    path.write_text('[users."eve"]\nrole = "boss"\npassword = "x"\n')
    with pytest.raises(ConfigError, match="users.eve: needs a role"):
        read_users(path)
    assert read_users(tmp_path / "absent.toml") == {}
