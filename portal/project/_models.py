"""A project's models in the order its file lists them: trained or loaded ones, and averages of them.

:func:`open_models` fits (or loads) every ``[[models]]`` table that names a model, wraps the threshold
optimizers around their bases, and combines the ``kind = "average"`` tables from those. :class:`Models`
then answers what every other part of a project asks about a model by name: what predicts for it, its
output scale, its provenance, and how to turn arrays a job computed into its :class:`Explanation`.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from portal.config import ProjectConfig
from portal.data import Dataset
from portal.explain import explainer_for
from portal.jobs import ResultStore
from portal.project._averages import ModelAverage, build_averages
from portal.project._entries import JobFiles, ModelEntry, budget, model_entry
from portal.project._mitigation import fit_threshold_optimizers
from portal.project._training import fit_or_load
from portal.results import Explanation, Provenance


class Models:
    """The models of a project by name: ``entries`` have jobs of their own, ``averages`` combine entries."""

    def __init__(
        self,
        config: ProjectConfig,
        dataset: Dataset,
        entries: Mapping[str, ModelEntry],
        averages: Mapping[str, ModelAverage],
        background: pd.DataFrame,
        versions: Mapping[str, str],
    ) -> None:
        self.names = tuple(spec.name for spec in config.models)
        self.entries = dict(entries)
        self.averages = dict(averages)
        self._config, self._dataset, self._background, self._versions = config, dataset, background, versions
        self._native_explainers: dict[str, Any] = {}

    def is_average(self, name: str) -> bool:
        return name in self.averages

    def job_names(self, name: str) -> tuple[str, ...]:
        """The models whose jobs compute ``name``'s explanation: an average's members, else the model itself."""
        return self.averages[name].members if name in self.averages else (name,)

    def estimator(self, name: str) -> Any:
        """What predicts for the model: its fitted estimator, or an average's combination of its members'."""
        average = self.averages.get(name)
        return average.estimator if average else self.entries[name].fitted.estimator

    def output_scale(self, name: str) -> str:
        """The model's own output scale (an average's is its members' shared scale)."""
        return (self.averages.get(name) or self.entries[name]).output_scale

    def provenance(self, name: str) -> Provenance:
        if name in self.averages:
            return self.averages[name].provenance(self._dataset.fingerprint, self._versions)
        entry = self.entries[name]
        return Provenance(
            model_fingerprint=entry.fitted.fingerprint,
            data_fingerprint=self._dataset.fingerprint,
            method=entry.method,
            exact=entry.exact,
            library_versions=self._versions,
            members=entry.members,
        )

    def as_explanation(self, name: str, row_ids: np.ndarray, arrays: Mapping[str, np.ndarray]) -> Explanation:
        """Arrays a job (or a single-row computation) gave for an entry's rows, as its :class:`Explanation`."""
        entry = self.entries[name]
        return Explanation(
            model_name=name,
            feature_names=entry.feature_names,
            row_ids=row_ids,
            values=arrays["values"],
            base_values=arrays["base_values"],
            outputs=arrays["outputs"],
            output_scale=entry.output_scale,
            provenance=self.provenance(name),
            class_names=entry.class_names,
        )

    def native_explainer(self, name: str) -> Any:
        """The entry's explainer in its own scale, built once in this process (for rows explained on demand)."""
        if name not in self._native_explainers:
            self._native_explainers[name] = explainer_for(
                self.entries[name].fitted.estimator,
                task=self._dataset.task,
                background=self._background,
                budget=budget(self._config),
            )
        return self._native_explainers[name]


def open_models(
    config: ProjectConfig,
    dataset: Dataset,
    *,
    store: ResultStore,
    background: pd.DataFrame,
    files: JobFiles,
    versions: Mapping[str, str],
    chunk_rows: int | None = None,
    log: Callable[[str], None] = print,
) -> Models:
    """Fit or load every model of the project, in its file's order, and combine its averages."""

    def entry(fitted) -> ModelEntry:
        return model_entry(
            fitted, config=config, dataset=dataset, background=background, files=files, chunk_rows=chunk_rows
        )

    own = [spec for spec in config.models if not (spec.is_average or spec.is_threshold_optimizer)]
    entries = {spec.name: entry(fit_or_load(spec, dataset, store, log)) for spec in own}
    fitted = {name: e.fitted for name, e in entries.items()}
    fair = fit_threshold_optimizers(config, dataset, store, fitted, log)  # kind = threshold_optimizer
    entries.update({name: entry(model) for name, model in fair.items()})
    averages = build_averages(config.models, entries, task=dataset.task, store=store)  # kind = average
    return Models(config, dataset, entries, averages, background, versions)
