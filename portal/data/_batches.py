"""The batch store: new rows of a project kept in its cache, so the user's source file is never rewritten.

``python -m portal score --batch new.csv`` appends a month's rows here once they are checked; the project reads
them back after its source's rows every time it opens (:func:`portal.data.with_batches`)::

    <cache>/batches/<project key>/
        manifest.json                        {"version": 1, "batches": [...], "labels": [...]}, in order
        0001-<fingerprint>.parquet           batch 1: the source's columns (the target empty until labelled)
        labels-0001-<fingerprint>.parquet    labels that came later: the id and target columns

The project key hashes the source (its resolved path, or the demo's name) and the target, so two projects on
the same file share their batches and another file starts with none. A batch's file is written first, then the
manifest is replaced atomically: a crash in between leaves an unlisted file that nothing reads, never half a
batch. One writer at a time (an exclusive lock beside the manifest).
"""

from __future__ import annotations

import fcntl
import json
import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from portal.config import DataConfig
from portal.data._demos import DEMO_PREFIX
from portal.data._fingerprint import frame_fingerprint, key_of
from portal.data._frames import write_frame

MANIFEST = "manifest.json"
VERSION = 1


@dataclass(frozen=True)
class BatchRecord:
    """One appended batch as the manifest lists it."""

    number: int
    file: str
    rows: int
    windows: tuple[str, ...] = ()  # a monitored project's windows the batch's rows fall in


class BatchStore:
    """The batches of one project's source, under ``directory``."""

    def __init__(self, directory: Path) -> None:
        self.directory = Path(directory)

    @classmethod
    def of(cls, cache_dir: Path, data: DataConfig, base_dir: Path) -> BatchStore:
        """The store of the project whose data ``data`` describes (``base_dir``: where relative paths start)."""
        source = data.source
        if not source.startswith(DEMO_PREFIX):
            path = Path(source).expanduser()
            source = str((path if path.is_absolute() else base_dir / path).resolve())
        return cls(Path(cache_dir) / "batches" / key_of("batches", source, data.target))

    def batches(self) -> tuple[BatchRecord, ...]:
        return tuple(
            BatchRecord(b["number"], b["file"], b["rows"], tuple(b.get("windows", ())))
            for b in self._manifest()["batches"]
        )

    def frames(self, id_column: str | None, target: str) -> list[pd.DataFrame]:
        """Every batch's rows in order, with the labels that came later filled in (matched by id)."""
        frames = [pd.read_parquet(self.directory / b.file) for b in self.batches()]
        for name in self._manifest()["labels"]:
            labels = pd.read_parquet(self.directory / name)
            known = dict(zip(labels[id_column].astype(str), labels[target]))
            for frame in frames:
                ids = frame[id_column].astype(str)
                hit = ids.isin(known.keys()).to_numpy()
                if hit.any():
                    frame[target] = frame[target].astype(object)
                    frame.loc[hit, target] = ids[hit].map(known).to_numpy()
        return frames

    def append(self, frame: pd.DataFrame, windows: tuple[str, ...] = ()) -> BatchRecord:
        """Write the checked batch, then list it in the manifest: durable once this returns."""
        with self._locked():
            manifest = self._manifest()
            number = len(manifest["batches"]) + 1
            name = f"{number:04d}-{frame_fingerprint(frame)[:16]}.parquet"
            write_frame(frame, self.directory / name)
            record = BatchRecord(number, name, len(frame), windows)
            manifest["batches"].append({"number": number, "file": name, "rows": record.rows, "windows": list(windows)})
            self._write_manifest(manifest)
            return record

    def add_labels(self, labels: pd.DataFrame) -> str:
        """Keep labels (id and target columns) for rows of earlier batches; later labels win."""
        with self._locked():
            manifest = self._manifest()
            name = f"labels-{len(manifest['labels']) + 1:04d}-{frame_fingerprint(labels)[:16]}.parquet"
            write_frame(labels, self.directory / name)
            manifest["labels"].append(name)
            self._write_manifest(manifest)
            return name

    def _manifest(self) -> dict:
        path = self.directory / MANIFEST
        if not path.is_file():
            return {"version": VERSION, "batches": [], "labels": []}
        return json.loads(path.read_text())

    def _write_manifest(self, manifest: dict) -> None:
        handle, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".json", dir=self.directory)
        with os.fdopen(handle, "w") as out:
            json.dump(manifest, out, indent=1)
            out.flush()
            os.fsync(out.fileno())
        os.replace(staging, self.directory / MANIFEST)

    @contextmanager
    def _locked(self) -> Iterator[None]:
        self.directory.mkdir(parents=True, exist_ok=True)
        with open(self.directory / ".lock", "a") as handle:
            fcntl.flock(handle, fcntl.LOCK_EX)
            try:
                yield
            finally:
                fcntl.flock(handle, fcntl.LOCK_UN)
