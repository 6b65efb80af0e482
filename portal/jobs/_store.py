"""The result store: arrays as .npy files, small values as JSON in a diskcache index.

Why not diskcache's defaults: it pickles values, and CVE-2025-69872 lets anyone who can write the
cache directory run code in our process through them. Here the index uses :class:`SafeJSONDisk`, which
writes JSON and refuses to read a pickled row even if one is planted; big arrays are plain ``.npy``
files read with ``allow_pickle=False`` and memory-mapped. The directory is created private (0700).
Every write is atomic (a temporary name, then a rename), so a crash never leaves half a result.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import diskcache
import numpy as np
from diskcache.core import MODE_PICKLE


class UnsafeCacheEntry(RuntimeError):
    """A pickled value was found in the index: something other than the portal wrote it."""


class SafeJSONDisk(diskcache.JSONDisk):
    """diskcache's JSON disk, minus the one path that would unpickle a planted row."""

    def fetch(self, mode, filename, value, read):
        if mode == MODE_PICKLE:
            raise UnsafeCacheEntry("refusing to unpickle a cache entry; clear the cache directory")
        return super().fetch(mode, filename, value, read)

    def get(self, key, raw):
        if not raw and not isinstance(key, (bytes, str, int, float)):
            raise UnsafeCacheEntry("refusing to unpickle a cache key; clear the cache directory")
        return super().get(key, raw)


def make_private_dir(path: Path) -> Path:
    """Create ``path`` (and parents) and make it readable by its owner only."""
    path.mkdir(parents=True, exist_ok=True)
    os.chmod(path, 0o700)
    return path


def open_index(directory: Path, **settings: Any) -> diskcache.Cache:
    """A diskcache.Cache that never pickles (JSON values only; Dash's manager uses portal.web)."""
    return diskcache.Cache(str(make_private_dir(directory)), disk=SafeJSONDisk, **settings)


class ResultStore:
    """Everything the portal computes, under one private directory."""

    def __init__(self, root: Path) -> None:
        self.root = make_private_dir(Path(root))
        self.index = open_index(self.root / "index")
        self.arrays_dir = make_private_dir(self.root / "arrays")
        self.models_dir = make_private_dir(self.root / "models")

    def get_json(self, key: str, default: Any = None) -> Any:
        return self.index.get(key, default)

    def set_json(self, key: str, value: Any) -> None:
        self.index.set(key, value)

    def model_path(self, fingerprint: str) -> Path:
        return self.models_dir / f"{fingerprint}.skops"

    def array_dir(self, key: str, *parts: str) -> Path:
        return self.arrays_dir.joinpath(key, *parts)

    def write_arrays(self, directory: Path, arrays: Mapping[str, np.ndarray]) -> None:
        """Write ``name.npy`` files into ``directory`` all at once: it appears complete or not at all."""
        directory.parent.mkdir(parents=True, exist_ok=True)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.asarray(array), allow_pickle=False)
        if directory.exists():
            shutil.rmtree(staging)  # another writer finished the same result first; theirs is equal
            return
        os.replace(staging, directory)

    def read_arrays(self, directory: Path, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
        """Memory-mapped arrays from a directory written by :meth:`write_arrays`, or None."""
        if not directory.is_dir():
            return None
        return {n: np.load(directory / f"{n}.npy", mmap_mode="r", allow_pickle=False) for n in names}

    def remove(self, directory: Path) -> None:
        shutil.rmtree(directory, ignore_errors=True)

    def close(self) -> None:
        self.index.close()
