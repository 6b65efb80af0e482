"""How many chunks one task explains: chunk sizes suited to the model's speed, measured as the job runs.

A job's chunks stay small and fixed (they are its unit of progress, resume and commit, and a slow model's
first chunk must come back in seconds), but every call into the engine costs a fixed 20-50 ms (the
preparation's checks, pandas indexing, the task's round trip): on a fast model that is much of a small
chunk's time. So the runner hands a worker several chunks in one task, as many as about
``target_seconds`` of work at the speed the worker last reported, and commits them one by one when it
returns. The first task of a job is one chunk (its speed is unknown, and the first view should not
wait); a task grows at most fourfold over the largest so far, so one odd measurement cannot make the
next task long. Row values do not depend on the batching: each row is explained on its own.
"""

from __future__ import annotations

from dataclasses import dataclass

GROWTH = 4  # a task is at most this many times the largest before it


@dataclass
class BatchSizer:
    """Sizes one job's tasks from the worker's reported seconds; without reports every task is one chunk."""

    chunk_rows: int
    target_seconds: float | None  # None: one chunk a task
    max_chunks: int = 32
    _rows_per_second: float = 0.0
    _largest: int = 1

    def next_size(self, available: int) -> int:
        """Chunks for the next task, 1 <= n <= ``available``."""
        if not self.target_seconds or self._rows_per_second <= 0:
            return 1
        fits = int(self.target_seconds * self._rows_per_second // self.chunk_rows)
        size = max(1, min(fits, GROWTH * self._largest, self.max_chunks, available))
        self._largest = max(self._largest, size)
        return size

    def record(self, rows: int, seconds: float | None) -> None:
        """A task of ``rows`` rows took the worker ``seconds`` (None: it did not say)."""
        if seconds is not None and seconds > 0:
            self._rows_per_second = rows / seconds
