"""The result store: arrays as .npy files, small values as JSON in a diskcache index, all checked on read.

Why not diskcache's defaults: it pickles values, and CVE-2025-69872 lets anyone who can write the
cache directory run code in our process through them. Here the index uses a JSON disk that refuses to
read a pickled row even if one is planted (:mod:`portal.jobs._index`); big arrays are plain ``.npy``
files read with ``allow_pickle=False`` and memory-mapped. The root must be the user's own and closed to
others, and everything under it is private (:mod:`portal.jobs._private`). Every write is atomic (a
temporary name, then a rename), so a crash never leaves half a result; every array and model file has a
checksum, verified on read, and a file that fails it is set aside and recomputed
(:mod:`portal.jobs._integrity`), so a damaged cache never serves a wrong number.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np

from portal.jobs._index import SafeJSONDisk, UnsafeCacheEntry, open_index  # noqa: F401 - re-exported
from portal.jobs._integrity import (
    CHECKSUMS,
    DamagedEntry,
    check_additive,
    check_digests,
    digests,
    file_digest,
    load_arrays,
    move_aside,
    read_checksums,
    say_quarantined,
    write_checksums,
)
from portal.jobs._private import check_root, make_private_dir, private_file, private_mkdirs, tighten

SUMS = "sum:"  # index records of each array folder's checksums, by its path under arrays/


class ResultStore:
    """Everything the portal computes, under one private directory."""

    def __init__(self, root: Path) -> None:
        self.root = check_root(Path(root))
        tighten(self.root)  # a cache from an older version: 0755 folders and 0644 files
        self.index, line = open_index(self.root, self.root / "index")
        self.notes: dict[str, str] = {"index": line} if line else {}  # the line said of what was set aside, by path
        self.arrays_dir = make_private_dir(self.root / "arrays")
        self.models_dir = make_private_dir(self.root / "models")
        self.frames_dir = make_private_dir(self.root / "frames")  # portal.data writes its files 0600 (mkstemp)
        self._verified: dict[str, tuple] = {}  # folder -> its files' (size, mtime, inode) when last verified
        self._lock = threading.Lock()

    def get_json(self, key: str, default: Any = None) -> Any:
        return self.index.get(key, default)

    def set_json(self, key: str, value: Any) -> None:
        self.index.set(key, value)

    def model_path(self, fingerprint: str) -> Path:
        return self.models_dir / f"{fingerprint}.skops"

    def array_dir(self, key: str, *parts: str) -> Path:
        return self.arrays_dir.joinpath(key, *parts)

    # --- arrays ---------------------------------------------------------------------------------
    def write_arrays(self, directory: Path, arrays: Mapping[str, np.ndarray]) -> None:
        """Write ``name.npy`` files into ``directory`` all at once: it appears complete or not at all.

        Their checksums go to the index and beside them (``checksums.json``, for an index rebuilt from disk).
        """
        private_mkdirs(directory.parent)
        staging = Path(tempfile.mkdtemp(prefix=".tmp-", dir=directory.parent))
        for name, array in arrays.items():
            np.save(staging / f"{name}.npy", np.asarray(array), allow_pickle=False)
            private_file(staging / f"{name}.npy")
        sums = digests(staging, [f"{name}.npy" for name in arrays])
        write_checksums(staging, sums)
        if directory.exists():
            shutil.rmtree(staging)  # another writer finished the same result first; theirs is equal
            return
        self.set_json(self._sum_key(directory), sums)  # before the folder appears, so no reader sees it unrecorded
        os.replace(staging, directory)

    def read_arrays(self, directory: Path, names: tuple[str, ...]) -> dict[str, np.ndarray] | None:
        """Memory-mapped arrays from a directory written by :meth:`write_arrays`, or None.

        None too when they fail their checksums (or, for an explanation, additivity): the folder is then
        moved to ``quarantine/``, one line says so (logged, and kept in :attr:`notes` for the page or the
        command), and the caller computes it again.
        """
        if not directory.is_dir():
            return None
        try:
            return self._checked(directory, names)
        except DamagedEntry as damage:
            self.quarantine(directory, str(damage))
            return None

    def _checked(self, directory: Path, names: tuple[str, ...]) -> dict[str, np.ndarray]:
        files = [f"{n}.npy" for n in names]
        seen = _signature(directory, files)
        if self._verified.get(str(directory)) == seen:
            return load_arrays(directory, names)
        expected = self.get_json(self._sum_key(directory)) or read_checksums(directory)
        if expected is not None:
            check_digests(directory, {f: expected[f] for f in files if f in expected})
        arrays = load_arrays(directory, names)
        check_additive(arrays)
        if expected is None:  # written before checksums: additivity vouched for it, so record them now
            expected = digests(directory, files)
            write_checksums(directory, expected)
        if self.get_json(self._sum_key(directory)) is None:  # or after a rebuilt index: from beside the arrays
            self.set_json(self._sum_key(directory), expected)
        self._verified[str(directory)] = seen
        return arrays

    def quarantine(self, path: Path, problem: str) -> str:
        """Move a damaged folder or file aside, say so in one line, and keep that line in :attr:`notes`."""
        what = path.relative_to(self.root).as_posix()
        with self._lock:
            if not path.exists():  # another thread set it aside first
                return self.notes.get(what, "")
            where = move_aside(self.root, path)
            self.index.delete(self._sum_key(path)) if path.is_relative_to(self.arrays_dir) else None
            self._verified.pop(str(path), None)
            self.notes[what] = say_quarantined(what, problem, where)
        return self.notes[what]

    def note(self, path: Path) -> str:
        """The line said when ``path`` was set aside in this process, or ""."""
        return self.notes.get(path.relative_to(self.root).as_posix(), "")

    def remove(self, directory: Path) -> None:
        """Delete a folder of results and the checksum records of every array folder in it."""
        for sums in directory.rglob(CHECKSUMS) if directory.is_dir() else ():
            self.index.delete(self._sum_key(sums.parent))
            self._verified.pop(str(sums.parent), None)
        shutil.rmtree(directory, ignore_errors=True)

    def _sum_key(self, directory: Path) -> str:
        return SUMS + directory.relative_to(self.arrays_dir).as_posix()

    # --- model files ----------------------------------------------------------------------------
    def record_model(self, fingerprint: str, record: Mapping[str, Any]) -> None:
        """Index a model file just written at :meth:`model_path`: ``record`` (its name, kind...) and its checksum."""
        path = self.model_path(fingerprint)
        private_file(path)
        self.set_json(f"model:{fingerprint}", {**record, "sha256": file_digest(path)})

    def checked_model(self, fingerprint: str) -> bool:
        """Whether a sound model file is stored for ``fingerprint``; one that fails its checksum is set aside.

        A file without a recorded checksum (an older version's, or after a rebuilt index) is trusted as
        skops' loader trusts it, and its checksum recorded now.
        """
        path = self.model_path(fingerprint)
        if not path.is_file():
            return False
        record = self.get_json(f"model:{fingerprint}") or {}
        digest = file_digest(path)
        if "sha256" not in record:
            self.set_json(f"model:{fingerprint}", {**record, "sha256": digest})
            return True
        if digest == record["sha256"]:
            return True
        self.quarantine(path, "failed its checksum")
        return False

    def close(self) -> None:
        self.index.close()


def _signature(directory: Path, files: list[str]) -> tuple:
    """What changes when a file is rewritten or edited in place: size, modification time, inode."""
    try:
        return tuple((s.st_size, s.st_mtime_ns, s.st_ino) for s in (os.stat(directory / f) for f in files))
    except OSError:
        return ()
