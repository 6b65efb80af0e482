"""New batches of rows for a project, checked and appended without recomputing history (``score --batch``).

:func:`project_data` is how a project reads its data: the source's rows, then every batch in the project's
batch store (:class:`portal.data.BatchStore`, in the cache: the user's file is never rewritten).
:func:`add_batch` checks a new file against that data (columns, types, categories, ids and, for a monitored
project, its times) and appends it; :func:`add_labels` keeps labels that came later for rows of earlier
batches. Every mistake is one ConfigError line, raised before anything is written.

A batch's times must parse and fall after the reference period: the reference is the baseline every window is
compared with, so a batch may add or extend later windows but never change the reference's (nor hold windows
too small to measure, which would stop the project from opening).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from portal.analyses import MonitoringError, windows_of
from portal.config import ConfigError, ProjectConfig
from portal.data import (
    BATCH,
    LABELS,
    BatchRecord,
    BatchStore,
    Dataset,
    check_batch,
    check_labels,
    load_dataset,
    read_batch,
    with_batches,
)

NO_TIMES = "column '{column}' of {file} has {n} empty time(s)"
IN_REFERENCE = "{n} row(s) of {file} fall in {windows}, not after the reference {reference}"
IN_REFERENCE_FIX = "a batch adds rows after the reference period, the baseline every window is compared with"


@dataclass(frozen=True)
class LabelsAdded:
    rows: int
    batches: tuple[int, ...]  # the numbers of the batches whose rows were labelled
    windows: tuple[str, ...]


def batch_store(config: ProjectConfig) -> BatchStore:
    return BatchStore.of(config.cache_dir, config.data, config.base_dir)


def project_data(config: ProjectConfig) -> Dataset:
    """The project's data set: its source's rows, then its batches' rows (labels that came later filled in)."""
    source = load_dataset(config.data, config.base_dir)
    frames = batch_store(config).frames(config.data.id, config.data.target)
    return with_batches(source, config.data, frames)


def data_summary(data: Dataset) -> str:
    """The line a project logs when it opens: rows (how many came in batches), features and target."""
    added = data.n_rows - data.parts[0].n_rows
    batches = f" ({added:,} of them in {len(data.parts) - 1} batch(es))" if data.segments else ""
    return f"data: {data.n_rows:,} rows{batches}, {data.features.shape[1]} features, target '{data.target}'"


def add_batch(config: ProjectConfig, path: Path, *, new_categories: bool = False) -> BatchRecord:
    """Check the batch at ``path`` against the project and append it; a mistake is a ConfigError, nothing written.
    ``new_categories`` accepts categories the project has not seen (the models meet them as unknown values)."""
    data = project_data(config)
    batch = check_batch(data, config.data, read_batch(path), path.name, new_categories=new_categories)
    windows = batch_windows(config, data, batch, path.name)
    return batch_store(config).append(batch, windows)


def add_labels(config: ProjectConfig, path: Path) -> LabelsAdded:
    """Keep the labels at ``path`` (id and target columns) for rows of earlier batches."""
    data = project_data(config)
    labels = check_labels(data, config.data, read_batch(path, LABELS), path.name)
    store = batch_store(config)
    store.add_labels(labels)
    numbers = _batches_of(data, set(labels[config.data.id]))
    records = {b.number: b for b in store.batches()}
    windows = tuple(dict.fromkeys(w for n in numbers for w in records[n].windows))
    return LabelsAdded(len(labels), numbers, windows)


def batch_windows(config: ProjectConfig, data: Dataset, batch: pd.DataFrame, file: str) -> tuple[str, ...]:
    """A monitored project's windows the batch's rows fall in (none for another project); a ConfigError if a
    time is missing or unreadable, inside or before the reference, or leaves a window too small."""
    settings, column = config.monitoring, config.data.time
    if settings is None or column is None:
        return ()
    if batch[column].isna().any():
        empty = NO_TIMES.format(column=column, file=file, n=int(batch[column].isna().sum()))
        raise ConfigError(BATCH, empty, "fill in every time")
    times = pd.concat([data.frame[column], batch[column]], ignore_index=True).rename(column)
    try:
        windows = windows_of(times, settings.window, settings.reference, settings.minimum_rows)
    except MonitoringError as error:  # "what is wrong; what to do" -> the house's one line
        problem, _, fix = str(error).partition("; ")
        raise ConfigError(BATCH, f"{file}: {problem}", fix) from None
    own = windows.row_window[data.n_rows :]
    last_reference = max(i for i, chosen in enumerate(windows.reference) if chosen)
    early = own[own <= last_reference]
    if early.size:
        named = ", ".join(windows.labels[i] for i in np.unique(early)[:3])
        problem = IN_REFERENCE.format(n=early.size, file=file, windows=named, reference=settings.reference)
        raise ConfigError(BATCH, problem, IN_REFERENCE_FIX)
    return tuple(windows.labels[i] for i in np.unique(own))


def _batches_of(data: Dataset, ids: set[str]) -> tuple[int, ...]:
    """The numbers of the batches (1, 2, ...) holding any of ``ids``."""
    return tuple(
        number
        for number, part in enumerate(data.parts[1:], start=1)
        if not ids.isdisjoint(data.ids[part.start : part.stop])
    )
