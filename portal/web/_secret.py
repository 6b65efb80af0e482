"""The key that signs session cookies: ``$PORTAL_SECRET_KEY``, else one generated once into the cache folder.

A key made afresh at each start would log everyone out at every restart and differ between the processes of
one deployment; a key in the project file would be committed with it. So the environment wins (several
servers behind one proxy share it), and otherwise a random key is written next to the results with mode 0600
and read back by every later start.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from pathlib import Path

SECRET_ENV = "PORTAL_SECRET_KEY"
SECRET_FILE = "session-secret"


def session_secret(cache_dir: Path) -> str:
    """The session key; created in ``cache_dir`` (mode 0600) when neither it nor the variable exists yet."""
    if os.environ.get(SECRET_ENV):
        return os.environ[SECRET_ENV]
    path = cache_dir / SECRET_FILE
    cache_dir.mkdir(parents=True, exist_ok=True)
    if not path.exists():
        handle, temporary = tempfile.mkstemp(dir=cache_dir, prefix=f".{SECRET_FILE}.")  # mode 0600
        with os.fdopen(handle, "w", encoding="ascii") as file:
            file.write(secrets.token_urlsafe(48))
        try:
            os.link(temporary, path)  # atomic, and never replaces a key another process made first
        except FileExistsError:
            pass
        finally:
            os.unlink(temporary)
    os.chmod(path, 0o600)  # tighten a key someone copied in with looser rights
    return path.read_text(encoding="ascii").strip()
