"""The cache directory is the portal's alone: owned by the user, closed to everyone else, checked on open.

Why refuse rather than repair: a cache that someone else owns, or that group or others may write, may already
hold files they planted (a model file is code to skops' loader's trusted types; results are shown as facts).
Changing its mode would hide that, so the portal stops with one line that names the fix instead. Inside a
root that passes, everything is made private (folders 0700, files 0600): on the shared filesystem the Celery
setup needs, a 0755 folder lets every account read every explanation. Caches written by older versions
(0755 folders, 0644 files) are tightened when they are opened.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path

from portal.config import ConfigError

OTHERS_WRITE = stat.S_IWGRP | stat.S_IWOTH
MOVE_ELSEWHERE = "or set PORTAL_CACHE_DIR (or [cache] dir) to a folder of your own"
IS_A_FILE = "is a file, not a folder"
FOREIGN = "belongs to user {owner}, not to you (user {me}): its results may not be the portal's"
SHARED = "may be written by group or others (mode {mode:o}): its results may not be the portal's"
NOT_WRITABLE = "cannot be written by you ({reason})"
FOREIGN_INSIDE = "holds {path}, which belongs to user {owner}, not to you"


class CacheError(ConfigError):
    """The cache directory cannot be used as it is; one line that names it and the fix.

    A ConfigError, so every command already prints it as one line and exits 2.
    """

    def __init__(self, root: Path, problem: str, fix: str) -> None:
        super().__init__(f"cache {root}", problem, fix)


def check_root(root: Path) -> Path:
    """``root`` as a private folder of the current user, created if missing; a :class:`CacheError` if it is not."""
    if root.exists() and not root.is_dir():
        raise CacheError(root, IS_A_FILE, f"remove or rename the file, {MOVE_ELSEWHERE}")
    try:
        private_mkdirs(root)
    except OSError as error:
        reason = NOT_WRITABLE.format(reason=error.strerror or error)
        raise CacheError(root, reason, f"chmod u+w on the folder above, {MOVE_ELSEWHERE}") from None
    info = root.stat()
    if info.st_uid != os.getuid():
        fix = f"chown -R {os.getuid()} {root} if it is yours, {MOVE_ELSEWHERE}"
        raise CacheError(root, FOREIGN.format(owner=info.st_uid, me=os.getuid()), fix)
    if info.st_mode & OTHERS_WRITE:
        fix = f"chmod 700 {root} once you trust what is in it (else delete it), {MOVE_ELSEWHERE}"
        raise CacheError(root, SHARED.format(mode=stat.S_IMODE(info.st_mode)), fix)
    if not os.access(root, os.W_OK | os.X_OK):
        raise CacheError(root, NOT_WRITABLE.format(reason="read-only"), f"chmod u+w {root}, {MOVE_ELSEWHERE}")
    return root


def tighten(root: Path) -> int:
    """Make every folder under ``root`` 0700 and every file 0600; returns how many needed it.

    Refuses (CacheError) an entry owned by someone else: it was planted, or the cache was shared.
    Symbolic links are left alone (their mode means nothing; their target is not ours to change).
    """
    changed, me = 0, os.getuid()
    for folder, names, files in os.walk(root):
        for name in [".", *names, *files]:
            path = os.path.join(folder, name)
            info = os.lstat(path)
            if stat.S_ISLNK(info.st_mode):
                continue
            if info.st_uid != me:
                problem = FOREIGN_INSIDE.format(path=path, owner=info.st_uid)
                raise CacheError(root, problem, f"delete it, {MOVE_ELSEWHERE}")
            wanted = 0o700 if stat.S_ISDIR(info.st_mode) else 0o600
            if stat.S_IMODE(info.st_mode) != wanted:
                os.chmod(path, wanted)
                changed += 1
    return changed


def private_mkdirs(path: Path) -> Path:
    """``mkdir -p`` whose every new folder is 0700 (``Path.mkdir(parents=True)`` gives parents the default mode)."""
    missing = []
    while not path.exists():
        missing.append(path)
        if path.parent == path:
            break
        path = path.parent
    for folder in reversed(missing):
        try:
            folder.mkdir(mode=0o700)
        except FileExistsError:
            pass  # another process made it meanwhile
        os.chmod(folder, 0o700)  # mkdir's mode is cut by the umask, never widened: set it exactly
    return missing[0] if missing else path


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by its owner only."""
    private_mkdirs(path)
    os.chmod(path, 0o700)
    return path


def private_file(path: Path | str) -> None:
    """Make a file the portal wrote readable by its owner only (mkstemp files already are; np.save's are not)."""
    os.chmod(path, 0o600)
