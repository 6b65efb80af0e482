"""The store's index: diskcache's SQLite file of small JSON values, never pickled, private, never a dead end.

Why a damaged index is set aside rather than fatal: it only holds what can be found again or recomputed
(job states, checksums, model names), while the arrays and model files on disk hold the work. A SQLite file
that is not a database or fails SQLite's quick check is moved to ``quarantine/`` with one logged line and a
fresh index is built from what is on disk: every finished result folder is a finished job again (its model's
name comes back on its first use), and its checksums are read from the ``checksums.json`` beside it.
"""

from __future__ import annotations

import os
import sqlite3
from pathlib import Path
from typing import Any

import diskcache
import numpy as np
from diskcache.core import MODE_PICKLE

from portal.jobs._integrity import move_aside, say_quarantined
from portal.jobs._private import make_private_dir, private_mkdirs

DATABASE = "cache.db"
REBUILT = "a new one lists the results on disk (their models' names return when a project uses them)"
#: SQLite's names for "this file is damaged", as opposed to busy, locked or read-only (which are not damage).
DAMAGED = ("SQLITE_NOTADB", "SQLITE_CORRUPT")


class UnsafeCacheEntry(RuntimeError):
    """A pickled value was found in the index: something other than the portal wrote it."""


def write_private(disk: diskcache.Disk, full_path: str, iterator, mode: str, encoding: str | None = None) -> int:
    """diskcache's ``Disk._write`` for a large value, with its folders 0700 and its file 0600.

    diskcache makes them with the process's umask (0755 and 0644 here); the Disk subclasses call this instead.
    """
    private_mkdirs(Path(full_path).parent)
    size = diskcache.Disk._write(disk, full_path, iterator, mode, encoding)
    os.chmod(full_path, 0o600)
    return size


class SafeJSONDisk(diskcache.JSONDisk):
    """diskcache's JSON disk, minus the one path that would unpickle a planted row; its files private."""

    def fetch(self, mode, filename, value, read):
        if mode == MODE_PICKLE:
            raise UnsafeCacheEntry("refusing to unpickle a cache entry; clear the cache directory")
        return super().fetch(mode, filename, value, read)

    def get(self, key, raw):
        if not raw and not isinstance(key, (bytes, str, int, float)):
            raise UnsafeCacheEntry("refusing to unpickle a cache key; clear the cache directory")
        return super().get(key, raw)

    def _write(self, full_path, iterator, mode, encoding=None):
        return write_private(self, full_path, iterator, mode, encoding)


def open_private_cache(directory: Path, disk: type[diskcache.Disk], **settings: Any) -> diskcache.Cache:
    """A diskcache.Cache in a private folder whose SQLite files are 0600.

    The database file is made (empty, 0600) before SQLite opens it: SQLite gives its -wal and -shm files the
    database's mode when it makes them, so they are private from the first write.
    """
    make_private_dir(directory)
    os.close(os.open(directory / DATABASE, os.O_WRONLY | os.O_CREAT, 0o600))
    cache = diskcache.Cache(str(directory), disk=disk, **settings)
    for name in (DATABASE, f"{DATABASE}-wal", f"{DATABASE}-shm"):
        if (directory / name).exists():
            os.chmod(directory / name, 0o600)
    return cache


def damage(database: Path) -> str | None:
    """Why SQLite cannot use ``database`` (not a database, or failing its quick check), or None."""
    if not database.is_file():
        return None
    db = sqlite3.connect(database)
    try:
        verdict = db.execute("PRAGMA quick_check").fetchone()[0]
    except sqlite3.DatabaseError as error:
        if getattr(error, "sqlite_errorname", "") in DAMAGED or type(error) is sqlite3.DatabaseError:
            return str(error)
        return None  # busy, locked, read-only: not damage; diskcache reports it as it always did
    finally:
        db.close()
    return None if verdict == "ok" else f"failed SQLite's check ({verdict})"


def set_aside_if_damaged(root: Path, directory: Path, what: str, after: str) -> str:
    """Move a diskcache folder whose SQLite file is damaged to ``root/quarantine``; the line said, or ""."""
    problem = damage(directory / DATABASE)
    if problem is None:
        return ""
    return say_quarantined(what, f"is damaged ({problem})", move_aside(root, directory), after)


def open_index(root: Path, directory: Path) -> tuple[diskcache.Cache, str]:
    """The index in ``directory``; a damaged one is set aside and rebuilt. Returns it and the line said ("" if none)."""
    line = set_aside_if_damaged(root, directory, "the index", REBUILT)
    index = open_private_cache(directory, SafeJSONDisk)
    if line:
        rebuild(index, root / "arrays")
    return index, line


def rebuild(index: diskcache.Cache, arrays: Path) -> int:
    """A finished job record for every result folder on disk; returns how many."""
    found = 0
    for result in sorted(arrays.glob("*/result")):
        if result.is_dir():
            record = {"state": "done", "model_name": "?", "n_rows": _rows(result), "rebuilt": True, "error": ""}
            index.set(f"job:{result.parent.name}", record)
            found += 1
    return found


def _rows(result: Path) -> int:
    """How many rows a result holds, from its outputs' header (0 if it cannot be read: checked when used)."""
    try:
        return int(np.load(result / "outputs.npy", mmap_mode="r", allow_pickle=False).shape[0])
    except (OSError, ValueError, IndexError):
        return 0
