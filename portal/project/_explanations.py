"""Each model's explanation in its own scale: its job's progress, the rows done so far, the finished whole.

An entry's explanation comes from its job on the runner (chunks of a seeded row order, so the rows done so
far are a random sample that grows); an average's is combined from its members' (:mod:`portal.project`'s
``_averages``). A finished explanation never changes, so it is built once and then served from memory.
"""

from __future__ import annotations

import threading

from portal.data import Dataset
from portal.jobs import JobRunner
from portal.project._models import Models
from portal.results import Explanation, JobProgress


class Explanations:
    """The native-scale explanations of a project's models, read from their jobs on ``runner``."""

    def __init__(self, models: Models, runner: JobRunner, dataset: Dataset) -> None:
        self._models, self._runner, self._dataset = models, runner, dataset
        self._done: dict[str, Explanation] = {}
        self._lock = threading.Lock()

    def start(self) -> None:
        """Queue every entry's job; finished ones are found in the store and skipped."""
        for entry in self._models.entries.values():
            self._runner.submit(entry.job)

    def progress(self, model_name: str) -> JobProgress:
        average = self._models.averages.get(model_name)
        if average is not None:
            return average.progress(self)
        return self._runner.progress(self._models.entries[model_name].job)

    def explanation(self, model_name: str) -> Explanation | None:
        """The model's explanation of every row, or None while its job (a member's, for an average) runs."""
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
        partial = self._runner.partial(self._models.entries[model_name].job)
        if partial is None:
            return None
        positions, arrays = partial
        return self._models.as_explanation(model_name, self._dataset.ids[positions], arrays)

    def cancel(self, model_name: str) -> None:
        """Stop an entry's job after the chunks in progress; computed chunks are kept."""
        self._runner.cancel(self._models.entries[model_name].job)

    def resume(self, model_name: str) -> None:
        """Start an entry's cancelled (or failed) job again from its computed chunks."""
        self._runner.submit(self._models.entries[model_name].job)

    def _build(self, model_name: str) -> Explanation | None:
        average = self._models.averages.get(model_name)
        if average is not None:
            return average.explanation(self)
        arrays = self._runner.result(self._models.entries[model_name].job)
        return None if arrays is None else self._models.as_explanation(model_name, self._dataset.ids, arrays)
