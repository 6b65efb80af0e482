"""The batch store and the data set with batches: the source's rows keep their fingerprint, split and schema;
each batch is a segment fingerprinted by its model inputs only; a file the manifest does not list is never read."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.config import ConfigError, DataConfig
from portal.data import BatchStore, check_batch, load_dataset, with_batches


def source(folder: Path) -> DataConfig:
    rng = np.random.default_rng(0)
    table = pd.DataFrame({"key": [f"r{i}" for i in range(80)], "x": rng.normal(size=80), "kind": ["a", "b"] * 40})
    table["y"] = table["x"] * 2 + rng.normal(size=80)
    table.to_csv(folder / "table.csv", index=False)
    return DataConfig(source="table.csv", target="y", id="key")


def batch(first: int, rows: int = 10, labelled: bool = False) -> pd.DataFrame:
    frame = pd.DataFrame({"key": [f"r{i}" for i in range(first, first + rows)], "x": np.linspace(0, 1, rows)})
    frame["kind"] = "a"
    if labelled:
        frame["y"] = 1.0
    return frame


def test_the_source_rows_keep_their_fingerprint_split_and_schema_and_batches_are_segments(tmp_path: Path) -> None:
    config = source(tmp_path)
    plain = load_dataset(config, tmp_path)
    store = BatchStore.of(tmp_path / "cache", config, tmp_path)
    for first in (80, 90):
        store.append(check_batch(with_batches(plain, config, store.frames("key", "y")), config, batch(first), "b.csv"))
    data = with_batches(plain, config, store.frames("key", "y"))
    assert data.n_rows == 100 and [(s.start, s.stop) for s in data.parts] == [(0, 80), (80, 90), (90, 100)]
    assert data.parts[0].fingerprint == plain.fingerprint == data.original.fingerprint != data.fingerprint
    assert np.array_equal(data.train_index, plain.train_index) and data.split_fingerprint == plain.split_fingerprint
    assert data.schema == plain.schema and data.original.n_rows == 80
    assert data.labelled.sum() == 80 and list(data.ids[-2:]) == ["r98", "r99"]


def test_labels_fill_the_target_but_leave_the_segment_fingerprint(tmp_path: Path) -> None:
    config = source(tmp_path)
    plain = load_dataset(config, tmp_path)
    store = BatchStore.of(tmp_path / "cache", config, tmp_path)
    store.append(check_batch(plain, config, batch(80), "b.csv"))
    before = with_batches(plain, config, store.frames("key", "y"))
    store.add_labels(pd.DataFrame({"key": ["r81", "r85"], "y": [3.5, -1.0]}))
    after = with_batches(plain, config, store.frames("key", "y"))
    assert after.parts == before.parts  # explanations of the batch stay valid
    assert after.y[81] == 3.5 and after.y[85] == -1.0 and np.isnan(after.y[82]) and after.labelled.sum() == 82


def test_a_file_the_manifest_does_not_list_is_never_read_and_another_source_has_no_batches(tmp_path: Path) -> None:
    config = source(tmp_path)
    plain = load_dataset(config, tmp_path)
    store = BatchStore.of(tmp_path / "cache", config, tmp_path)
    record = store.append(check_batch(plain, config, batch(80), "b.csv"))
    (store.directory / "0002-half-written.parquet").write_bytes(b"a crash between the file and the manifest")
    assert [len(f) for f in store.frames("key", "y")] == [10] and record.file.startswith("0001-")
    other = BatchStore.of(tmp_path / "cache", DataConfig(source="other.csv", target="y", id="key"), tmp_path)
    assert other.batches() == () and other.frames("key", "y") == []


def test_infinite_values_in_a_batch_are_named_by_file_column_and_id(tmp_path: Path) -> None:
    config = source(tmp_path)
    rows = batch(80)
    rows.loc[[2, 4], "x"] = np.inf
    with pytest.raises(ConfigError) as raised:
        check_batch(load_dataset(config, tmp_path), config, rows, "b.csv")
    assert str(raised.value) == (
        "--batch b.csv: column 'x' holds infinite values in 2 row(s): ids 'r82', 'r84'. "
        "Fix: replace them with finite numbers, or leave those cells empty"
    )
