"""Single rows explained on demand in the server process (the local page), the last few kept.

The local page asks for one row of every model at once, in any scale, before (or without) any job
covering that row: natively that costs milliseconds, in the common scale a few hundred for a booster.
Many users ask at once, so no computation runs under the cache's lock: the lock only guards the
bookkeeping (what is kept, what is being computed), and a miss is computed outside it, then published
under it. Two callbacks asking for the same key compute it once (the second waits for the first's
result); callbacks asking for different keys never wait on each other. A failed computation is handed
to whoever waited for it and kept nowhere, so the next ask tries again. Values are exact whatever the
interleaving: the only shared state a computation touches, numpy's global generator in the
model-agnostic method, has its own lock there (:mod:`portal.explain._coalitions`).
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from concurrent.futures import Future
from typing import Generic, TypeVar

T = TypeVar("T")
KEPT = 64


class RowCache(Generic[T]):
    """A small least-recently-used cache whose misses are computed once per key, outside its lock."""

    def __init__(self, keep: int = KEPT) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, T] = OrderedDict()
        self._running: dict[Hashable, Future[T]] = {}

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        """The kept value of ``key``, else the one another thread is computing, else ``compute()`` (kept)."""
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            running = self._running.get(key)
            if running is None:
                running = self._running[key] = Future()
                mine = True
            else:
                mine = False
        if not mine:
            return running.result()  # raises what the computing thread raised
        return self._compute(key, compute, running)

    def _compute(self, key: Hashable, compute: Callable[[], T], running: Future[T]) -> T:
        """Run ``compute`` outside the lock; publish its value (or its error) to the waiters under it."""
        try:
            value = compute()
        except BaseException as error:
            with self._lock:
                del self._running[key]
            running.set_exception(error)
            raise
        with self._lock:
            self._kept[key] = value
            self._kept.move_to_end(key)
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
            del self._running[key]
        running.set_result(value)
        return value

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept
