"""Single rows explained on demand in the server process (the local page), the last few kept.

The local page asks for one row of every model at once, in any scale, before (or without) any job
covering that row: natively that costs milliseconds, in the common scale a few hundred for a booster.
Computations run one at a time under one lock: shap's permutation explainer reseeds numpy's global
generator, so two at once in one process could disturb each other's values, and two callbacks asking
for the same row compute it once.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

T = TypeVar("T")
KEPT = 64


class RowCache(Generic[T]):
    """A small least-recently-used cache whose misses are computed under one lock."""

    def __init__(self, keep: int = KEPT) -> None:
        self.keep = keep
        self._lock = threading.Lock()
        self._kept: OrderedDict[Hashable, T] = OrderedDict()

    def get(self, key: Hashable, compute: Callable[[], T]) -> T:
        with self._lock:
            if key in self._kept:
                self._kept.move_to_end(key)
                return self._kept[key]
            value = self._kept[key] = compute()
            while len(self._kept) > self.keep:
                self._kept.popitem(last=False)
            return value

    def __len__(self) -> int:
        return len(self._kept)

    def __contains__(self, key: Hashable) -> bool:
        return key in self._kept
