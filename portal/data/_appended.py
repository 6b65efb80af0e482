"""A data set with its appended batches: the source's rows first, unchanged, then each batch's rows as a segment.

What keeps history valid when a batch arrives:

- the source's rows keep their fingerprint (``segments[0]``, the data set's fingerprint before any batch), their
  split and their schema, so the models' keys do not move: nothing is retrained, and batch rows never train;
- each batch is a segment with the fingerprint of its own model inputs (not its labels, which may come later),
  and explanations are computed per segment (:mod:`portal.project`): the source's jobs keep their keys and
  are found done; only a new batch's rows are explained;
- ``fingerprint`` covers every segment, for what depends on all rows.

A batch row's target is unknown until its labels arrive: NaN for regression, class code -1 for classification
(``Dataset.labelled`` says which rows have one).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

import numpy as np
import pandas as pd

from portal.config import DataConfig
from portal.data._dataset import Dataset, Segment, clean_features
from portal.data._fingerprint import frame_fingerprint, key_of

UNLABELLED = -1  # a classification row's class code before its label arrives


def with_batches(dataset: Dataset, config: DataConfig, batches: Sequence[pd.DataFrame]) -> Dataset:
    """``dataset`` (the source's rows) followed by ``batches`` (checked frames in the source's columns)."""
    if not batches:
        return dataset
    frame = pd.concat([dataset.frame, *batches], ignore_index=True)
    features = clean_features(frame[list(dataset.features.columns)])
    sizes = [dataset.n_rows, *(len(b) for b in batches)]
    stops = np.cumsum(sizes)
    segments = [Segment(dataset.fingerprint, 0, dataset.n_rows)]
    segments += [
        Segment(frame_fingerprint(features.iloc[start:stop]), int(start), int(stop))
        for start, stop in zip(stops[:-1], stops[1:])
    ]
    y = np.concatenate([dataset.y, *(batch_targets(b[config.target], dataset) for b in batches)])
    return replace(
        dataset,
        features=features,
        y=y,
        ids=np.concatenate([dataset.ids, batch_ids(frame.iloc[dataset.n_rows :], config.id, dataset.n_rows)]),
        frame=frame,
        fingerprint=key_of("with batches", [s.fingerprint for s in segments]),
        segments=tuple(segments),
    )


def batch_targets(target: pd.Series, dataset: Dataset) -> np.ndarray:
    """A batch's targets as the data set encodes them; unknown ones NaN (regression) or -1 (classification)."""
    if dataset.task == "regression":
        return pd.to_numeric(target, errors="coerce").to_numpy(dtype=float)
    codes = {label: code for code, label in enumerate(dataset.classes)}
    return np.array([codes.get(str(v), UNLABELLED) if pd.notna(v) else UNLABELLED for v in target], dtype=int)


def batch_ids(rows: pd.DataFrame, id_column: str | None, first: int) -> np.ndarray:
    """A batch's row ids: its id column's, else positions continuing the data set's."""
    if id_column is None:
        return np.arange(first, first + len(rows)).astype(str).astype(object)
    return rows[id_column].astype(str).to_numpy(dtype=object)
