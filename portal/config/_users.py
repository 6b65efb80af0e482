"""The users file of ``[auth] mode = "basic"``: one table per user with a role and a salted password hash.

```toml
[users."alice"]
role = "analyst"
password = "scrypt:32768:8:1$<salt>$<hash>"
```

Hashes are werkzeug.security's scrypt (``generate_password_hash``): salted per password, memory-hard, and
already installed with Flask, so checking a password adds no dependency and no C extension to build. The file
is written whole to a temporary neighbour and renamed over the old one (a crash never leaves half a file), with
mode 0600: a hash is not a password, but it is what an offline guesser needs.
"""

from __future__ import annotations

import json
import os
import re
import tempfile
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from werkzeug.security import check_password_hash, generate_password_hash

from portal.config._types import ROLES, ConfigError

NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._@-]{0,63}$")
HEADER = (
    "# Portal users (python -m portal users add NAME --role ROLE --password-stdin). Hashes only, never passwords.\n"
)


@dataclass(frozen=True)
class User:
    name: str
    role: str
    password_hash: str

    def verify(self, password: str) -> bool:
        """Whether ``password`` is this user's (a constant-time comparison of the scrypt hashes)."""
        return check_password_hash(self.password_hash, password)


def new_user(name: str, role: str, password: str) -> User:
    """A user with a freshly salted hash of ``password``; a bad name, role or empty password is a ConfigError."""
    if not NAME.match(name):
        raise ConfigError("NAME", f"{name!r} is not a user name", "use letters, digits and . _ @ - (up to 64)")
    if role not in ROLES:
        raise ConfigError("--role", f"{role!r} is not a role", f"use one of {', '.join(ROLES)}")
    if not password:
        raise ConfigError("--password-stdin", "the password is empty", "pipe a password: printf %s 'pw' | ...")
    return User(name, role, generate_password_hash(password))


def read_users(path: Path) -> dict[str, User]:
    """Every user in the file; a missing file has none. A malformed file is a ConfigError naming the user."""
    try:
        raw = tomllib.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return {}
    except OSError as error:
        raise ConfigError("[auth] users", f"cannot read {path} ({error.strerror})", "check the path") from None
    except tomllib.TOMLDecodeError as error:
        raise ConfigError("[auth] users", f"{path} is not valid TOML ({error})", "fix the syntax") from None
    table = raw.get("users", {})
    if not isinstance(table, Mapping):
        raise ConfigError("[auth] users", f"{path}: users must be a table", 'write [users."name"] tables')
    return {name: _user(path, name, entry) for name, entry in table.items()}


def _user(path: Path, name: str, entry: object) -> User:
    ok = isinstance(entry, Mapping) and entry.get("role") in ROLES and isinstance(entry.get("password"), str)
    if not ok or not NAME.match(name):
        fix = "re-add them with python -m portal users add"
        raise ConfigError(f"{path} users.{name}", f"needs a role ({', '.join(ROLES)}) and a password hash", fix)
    return User(name, entry["role"], entry["password"])


def write_users(path: Path, users: Mapping[str, User]) -> None:
    """Replace the file with ``users`` atomically, readable by its owner only."""
    lines = [HEADER]
    for user in sorted(users.values(), key=lambda u: u.name):
        # json.dumps writes a valid TOML basic string for any text
        lines.append(f"\n[users.{json.dumps(user.name)}]\nrole = {json.dumps(user.role)}\n")
        lines.append(f"password = {json.dumps(user.password_hash)}\n")
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        os.fchmod(handle, 0o600)
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write("".join(lines))
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
