"""Stable content hashes: one key for everything computed.

A result's key hashes (model fingerprint, data fingerprint, method, parameters, library versions), so
the same inputs find the same result across restarts and processes, and any change recomputes.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable
from importlib import metadata
from typing import Any

import numpy as np
import pandas as pd

TRACKED_LIBRARIES = ("numpy", "pandas", "scikit-learn", "shap", "interpret-core", "skops")


def frame_fingerprint(frame: pd.DataFrame) -> str:
    """Hash of a frame's column names, dtypes and values (row order matters)."""
    digest = hashlib.sha256()
    digest.update(json.dumps([[str(c), str(t)] for c, t in frame.dtypes.items()]).encode())
    digest.update(pd.util.hash_pandas_object(frame, index=False).to_numpy().tobytes())
    return digest.hexdigest()[:24]


def bytes_fingerprint(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()[:24]


def key_of(*parts: Any) -> str:
    """Hash of JSON-able parts, in order."""
    text = json.dumps(parts, sort_keys=True, default=_jsonable)
    return hashlib.sha256(text.encode()).hexdigest()[:24]


def library_versions(names: Iterable[str] = TRACKED_LIBRARIES) -> dict[str, str]:
    versions = {}
    for name in names:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "absent"
    return versions


def _jsonable(value: Any) -> Any:
    if isinstance(value, np.generic):
        return value.item()
    if isinstance(value, (set, tuple)):
        return list(value)
    return str(value)
