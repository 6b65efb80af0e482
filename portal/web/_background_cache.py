"""The cache behind Dash's background callbacks on one machine: JSON text and bytes, never a pickle.

Dash's ``DiskcacheManager`` keeps everything a background callback hands back in a diskcache.Cache:
its result (figures and components), its progress, ``set_props`` updates, an error report, and the
secret that signs job handles (bytes). diskcache pickles every value that is not a str, bytes, int or
float (CVE-2025-69872: whoever can write the directory runs code in the server). The store's
:class:`~portal.jobs._index.SafeJSONDisk` cannot serve here: it cannot take bytes, so Dash quietly falls back
to a per-process secret, nor plotly or Dash objects, so a result fails to save and the callback never
ends. :class:`CallbackDisk` writes every value as JSON text with plotly's encoder (what Dash's
``CeleryManager`` does before it hands a value to Redis), keeps bytes as bytes, and refuses to write or
read a pickle; its folders are 0700 and its files 0600 like the rest of the cache, and a damaged SQLite file
is set aside (its contents are hand-backs of callbacks in flight, nothing to keep). A callback's result
therefore comes back as plain JSON (dicts and lists), which Dash sends to the browser unchanged, as it does
on Celery.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import diskcache
from diskcache.core import MODE_PICKLE, MODE_RAW, MODE_TEXT, UNKNOWN
from plotly.utils import PlotlyJSONEncoder

from portal.jobs import UnsafeCacheEntry, open_private_cache, set_aside_if_damaged, write_private

PICKLED_KEY = "refusing a cache key that is not a str, bytes or number: it would be pickled"
PICKLED_VALUE = "refusing to unpickle a cache entry; clear the directory {directory}"


class CallbackDisk(diskcache.Disk):
    """Values as JSON text (plotly's encoder), bytes as bytes; keys plain; no pickle either way."""

    def put(self, key: Any) -> tuple[Any, bool]:
        if type(key) not in (str, bytes, int, float):
            raise UnsafeCacheEntry(PICKLED_KEY)
        return super().put(key)

    def get(self, key: Any, raw: bool) -> Any:
        if not raw:
            raise UnsafeCacheEntry(PICKLED_VALUE.format(directory=self._directory))
        return super().get(key, raw)

    def store(self, value: Any, read: bool, key: Any = UNKNOWN) -> tuple[int, int, str | None, Any]:
        if not read and type(value) is not bytes:
            value = json.dumps(value, cls=PlotlyJSONEncoder)
        return super().store(value, read, key=key)

    def fetch(self, mode: int, filename: str | None, value: Any, read: bool) -> Any:
        if mode == MODE_PICKLE:
            raise UnsafeCacheEntry(PICKLED_VALUE.format(directory=self._directory))
        data = super().fetch(mode, filename, value, read)
        if not read and (mode == MODE_TEXT or (mode == MODE_RAW and isinstance(data, str))):
            return json.loads(data)
        return data

    def _write(self, full_path, iterator, mode, encoding=None):
        return write_private(self, full_path, iterator, mode, encoding)


def open_callback_cache(directory: Path) -> diskcache.Cache:
    """A private (0700 folders, 0600 files) diskcache.Cache for ``dash.DiskcacheManager`` that never pickles."""
    directory = Path(directory)
    set_aside_if_damaged(directory.parent, directory, "the background callbacks' cache", "a new one is made")
    return open_private_cache(directory, CallbackDisk)
