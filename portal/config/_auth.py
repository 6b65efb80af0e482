"""The ``[auth]`` table: who may open the portal, and how they prove it.

```toml
[auth]
mode = "basic"                # none (the default: loopback only) | basic | oidc
users = "users.toml"          # basic: the users file, relative to the project file
issuer = "https://id.example.com/realms/team"   # oidc: the provider (its /.well-known/openid-configuration)
client_id = "portal"          # oidc
client_secret_env = "PORTAL_OIDC_CLIENT_SECRET" # oidc: the environment variable holding the secret
roles_claim = "groups"        # oidc: the claim listing the user's portal role(s)
```

The OIDC client secret is never read from the file: a project file is shared and committed, a secret is not.
"""

from __future__ import annotations

import ipaddress
import os
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from portal.config._readers import read_string, reject_unknown, resolve_path
from portal.config._types import AUTH_MODES, AuthConfig, ConfigError

FIELDS = {"mode", "users", "issuer", "client_id", "client_secret_env", "roles_claim"}
ONLY_FOR = {"users": "basic", "issuer": "oidc", "client_id": "oidc", "client_secret_env": "oidc", "roles_claim": "oidc"}


def parse_auth(table: Mapping[str, Any], base_dir: Path) -> AuthConfig:
    """The login settings; an absent table is ``mode = "none"``."""
    if "client_secret" in table:
        raise ConfigError(
            "[auth] client_secret",
            "a secret does not belong in the project file",
            "remove it and export it as $PORTAL_OIDC_CLIENT_SECRET (or name the variable in client_secret_env)",
        )
    reject_unknown(table, FIELDS, "[auth]")
    mode = table.get("mode", "none")
    if mode not in AUTH_MODES:
        raise ConfigError("[auth] mode", f"{mode!r} is not a mode", f"write one of {', '.join(AUTH_MODES)}")
    for key, wanted in ONLY_FOR.items():
        if key in table and mode != wanted:
            raise ConfigError(f"[auth] {key}", f"only applies to mode = {wanted!r}", "remove it or set that mode")
    if mode == "basic":
        return AuthConfig(mode, users=_users_path(table, base_dir))
    if mode == "oidc":
        return _oidc(table)
    return AuthConfig()


def _users_path(table: Mapping[str, Any], base_dir: Path) -> Path:
    if "users" not in table:
        raise ConfigError("[auth] users", "is missing", 'write users = "users.toml" (python -m portal users add)')
    return resolve_path(base_dir, read_string(table, "users", "[auth]"))


def _oidc(table: Mapping[str, Any]) -> AuthConfig:
    for key in ("issuer", "client_id"):
        if key not in table:
            raise ConfigError(f"[auth] {key}", "is missing", f'write {key} = "..." (from your identity provider)')
    issuer = read_string(table, "issuer", "[auth]")
    if not issuer.startswith(("https://", "http://localhost", "http://127.0.0.1")):
        raise ConfigError("[auth] issuer", f"{issuer!r} is not an https URL", 'write issuer = "https://..."')
    return AuthConfig(
        "oidc",
        issuer=issuer.rstrip("/"),
        client_id=read_string(table, "client_id", "[auth]"),
        client_secret_env=read_string(table, "client_secret_env", "[auth]")
        if "client_secret_env" in table
        else AuthConfig.client_secret_env,
        roles_claim=read_string(table, "roles_claim", "[auth]") if "roles_claim" in table else "groups",
    )


def check_serving(auth: AuthConfig, host: str) -> None:
    """Before anything is loaded: refuse to listen beyond loopback without logins, and an OIDC login whose
    client secret variable is unset. Each is one ConfigError naming the fix."""
    if auth.mode == "none" and not is_loopback(host):
        raise ConfigError(
            "--host",
            f"{host} is reachable by others, and [auth] mode is none: anyone could read every row",
            'add [auth] mode = "basic" (python -m portal users add NAME --role ROLE --password-stdin) or '
            '"oidc" to the project file, or serve on --host 127.0.0.1',
        )
    if auth.mode == "oidc" and not os.environ.get(auth.client_secret_env):
        raise ConfigError(
            "[auth] client_secret_env", f"${auth.client_secret_env} is not set", "export it with the client secret"
        )


def is_loopback(host: str) -> bool:
    """Whether ``host`` names this machine only (``localhost``, 127.0.0.0/8, ::1)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False  # any other name may resolve to a reachable address
