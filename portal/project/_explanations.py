"""Each model's explanation in its own scale: its jobs' progress, the rows done so far, the finished whole.

An entry's explanation comes from its jobs on the runner, one per segment of the data (the source's rows, then
each appended batch: :class:`portal.data.Segment`), concatenated in row order; each job takes chunks of a seeded
row order, so the rows done so far are a random sample that grows. An average's is combined from its members'
(:mod:`portal.project`'s ``_averages``). A finished explanation never changes, so it is built once and then
served from memory.
"""

from __future__ import annotations

import threading

import numpy as np

from portal.data import Dataset
from portal.jobs import ARRAY_NAMES, JobRunner
from portal.project._averages import STATE_ORDER
from portal.project._models import Models
from portal.results import Explanation, JobProgress


class Explanations:
    """The native-scale explanations of a project's models, read from their jobs on ``runner``."""

    def __init__(self, models: Models, runner: JobRunner, dataset: Dataset) -> None:
        self._models, self._runner, self._dataset = models, runner, dataset
        self._done: dict[str, Explanation] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Queue every entry's jobs; finished ones are found in the store and skipped."""
        for entry in self._models.entries.values():
            for job in entry.jobs:
                self._runner.submit(job)

    def progress(self, model_name: str) -> JobProgress:
        average = self._models.averages.get(model_name)
        if average is not None:
            return average.progress(self)
        return segments_progress(model_name, [self._runner.progress(j) for j in self._jobs(model_name)])

    def explanation(self, model_name: str) -> Explanation | None:
        """The model's explanation of every row, or None while a job (a member's, for an average) runs."""
        if model_name not in self._done:
            built = self._build(model_name)
            if built is None:
                return None
            with self._lock:
                self._done.setdefault(model_name, built)
        return self._done[model_name]

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        """The rows explained so far (a seeded random sample that grows chunk by chunk), the whole once done,
        or None before a first chunk; ``n_rows`` says how many rows it covers."""
        done = self.explanation(model_name)
        if done is not None:
            return done
        average = self._models.averages.get(model_name)
        if average is not None:
            return average.explanation_so_far(self)
        found = [
            (part.start + positions, arrays)
            for part, job in zip(self._dataset.parts, self._jobs(model_name))
            if (partial := self._runner.partial(job)) is not None
            for positions, arrays in [partial]
        ]
        if not found:
            return None
        positions = np.concatenate([p for p, _ in found])
        arrays = {n: np.concatenate([np.asarray(a[n]) for _, a in found]) for n in ARRAY_NAMES}
        return self._models.as_explanation(model_name, self._dataset.ids[positions], arrays)

    def cancel(self, model_name: str) -> None:
        """Stop an entry's jobs after the chunks in progress; computed chunks are kept."""
        for job in self._jobs(model_name):
            self._runner.cancel(job)

    def resume(self, model_name: str) -> None:
        """Start an entry's cancelled (or failed) jobs again from their computed chunks."""
        for job in self._jobs(model_name):
            self._runner.submit(job)

    def _jobs(self, model_name: str):
        return self._models.entries[model_name].jobs

    def _build(self, model_name: str) -> Explanation | None:
        average = self._models.averages.get(model_name)
        if average is not None:
            return average.explanation(self)
        parts = [self._runner.result(job) for job in self._jobs(model_name)]
        if any(p is None for p in parts):
            return None
        arrays = parts[0] if len(parts) == 1 else {n: np.concatenate([p[n] for p in parts]) for n in ARRAY_NAMES}
        return self._models.as_explanation(model_name, self._dataset.ids, arrays)


def segments_progress(model_name: str, parts: list[JobProgress]) -> JobProgress:
    """One model's progress over its segments' jobs: chunks summed, the most telling state, the first error."""
    if len(parts) == 1:
        return parts[0]
    done, total = sum(p.done for p in parts), sum(p.total for p in parts)
    states = [p.state for p in parts if p.state != "done"]
    state = min(states, key=lambda s: STATE_ORDER.index(s) if s in STATE_ORDER else len(STATE_ORDER), default="done")
    error = next((p.error for p in parts if p.error), "")
    return JobProgress(model_name, done, total, state, error)
