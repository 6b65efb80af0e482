"""The users of ``[auth] mode = "basic"``, read from the users file and checked per request.

Basic auth sends the password with every request, and a page load makes dozens of callback requests; scrypt
costs 0.1-0.3 s a check on these machines, so every request paying it would make the portal unusable and
easy to stall. A successful check is remembered as an HMAC of the password under a key that lives only in
this process (never on disk), for that user's current hash: a wrong password still costs a full scrypt,
and changing or removing a user (``python -m portal users``) takes effect on the next request, since the
file is read again when it changes.
"""

from __future__ import annotations

import hashlib
import hmac
import secrets
import threading
from pathlib import Path

from portal.config import User, read_users


class Accounts:
    """The users file at ``path``, re-read whenever its modification time or size changes."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._stamp: tuple[int, int] | None = None
        self._users: dict[str, User] = {}
        self._verified: dict[tuple[str, str], bytes] = {}
        self._key = secrets.token_bytes(32)
        self._lock = threading.Lock()
        self._users = read_users(path)  # a malformed file stops the start-up with its one-line error

    def user(self, name: str) -> User | None:
        self._refresh()
        return self._users.get(name)

    def verify(self, name: str, password: str) -> bool:
        """Whether ``name`` exists and ``password`` is theirs."""
        user = self.user(name)
        if user is None:
            return False
        remembered = (user.name, user.password_hash)
        digest = hmac.new(self._key, password.encode("utf-8"), hashlib.sha256).digest()
        if hmac.compare_digest(self._verified.get(remembered, b""), digest):
            return True
        if not user.verify(password):
            return False
        self._verified[remembered] = digest
        return True

    def _refresh(self) -> None:
        try:
            info = self.path.stat()
            stamp = (info.st_mtime_ns, info.st_size)
        except OSError:
            stamp = None  # the file went away: nobody may log in
        with self._lock:
            if stamp == self._stamp and self._stamp is not None:
                return
            self._users = read_users(self.path) if stamp is not None else {}
            self._stamp = stamp
            self._verified.clear()
