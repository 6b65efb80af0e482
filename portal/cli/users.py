"""``python -m portal users add|remove|list [--file users.toml | --config project.toml]``: the users file of
``[auth] mode = "basic"`` (``--config``: the one the project's ``[auth] users`` names).

``add`` reads the password from stdin (``--password-stdin``), never from an option: options land in the shell's
history and in ``ps`` for every user of the machine. Nothing here prints a password or a hash.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from portal.cli._shared import EXIT_CONFIG_ERROR, EXIT_OK
from portal.config import ConfigError, load_config, new_user, read_users, write_users

NO_STDIN = (
    "error: --password-stdin is required: pipe the password, e.g. printf %s 'secret' | python -m portal users add"
)


NO_USERS_FILE = 'write [auth] mode = "basic" and users = "users.toml" in the project file, or pass --file'


def run(args: argparse.Namespace) -> int:
    path = users_file(args.file, args.config)
    if args.users_command == "add":
        return add(path, args.name, args.role, args.password_stdin)
    if args.users_command == "remove":
        return remove(path, args.name)
    return show(path)


def users_file(file: Path | None, config: Path | None) -> Path:
    """``--file``, else the users file the project's ``[auth]`` names (``--config``), else ``users.toml``."""
    if config is None:
        return file or Path("users.toml")
    users = load_config(config).auth.users
    if users is None:
        raise ConfigError("[auth] users", f"{config} names no users file", NO_USERS_FILE)
    return users


def add(path: Path, name: str, role: str, from_stdin: bool) -> int:
    """Add ``name`` or replace their role and password; the password is stdin's first line."""
    if not from_stdin:
        print(NO_STDIN, file=sys.stderr)
        return EXIT_CONFIG_ERROR
    user = new_user(name, role, sys.stdin.readline().rstrip("\r\n"))
    users = read_users(path)
    replaced = name in users
    write_users(path, {**users, name: user})
    print(f"{'updated' if replaced else 'added'} {name} ({role}) in {path}")
    return EXIT_OK


def remove(path: Path, name: str) -> int:
    users = read_users(path)
    if name not in users:
        known = ", ".join(sorted(users)) or "none"
        raise ConfigError("NAME", f"{name!r} is not in {path}", f"known users: {known}")
    write_users(path, {n: u for n, u in users.items() if n != name})
    print(f"removed {name} from {path}")
    return EXIT_OK


def show(path: Path) -> int:
    """One line per user: the name and the role."""
    users = read_users(path)
    print(f"users in {path}: {len(users)}")
    for user in sorted(users.values(), key=lambda u: u.name):
        print(f"  {user.name}: {user.role}")
    return EXIT_OK
