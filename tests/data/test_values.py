"""Values models would trip over far from the cause are named when the data loads: the column and its rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.config import ConfigError, DataConfig
from portal.data import load_dataset


def load(tmp_path: Path, frame: pd.DataFrame, **options) -> None:
    frame.to_csv(tmp_path / "t.csv", index=False)
    load_dataset(DataConfig(source="t.csv", target="y", **options), tmp_path)


def table(n: int = 40) -> pd.DataFrame:
    return pd.DataFrame({"id": [f"c{i}" for i in range(n)], "a": np.arange(n, dtype=float), "y": ["n", "y"] * (n // 2)})


def test_infinite_values_name_the_column_and_rows(tmp_path: Path) -> None:
    frame = table()
    frame.loc[[3, 7], "a"] = [np.inf, -np.inf]
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, frame)
    assert str(raised.value) == (
        "[data] source: column 'a' holds infinite values in 2 row(s): rows 4, 8 (data rows counted from 1). "
        "Fix: replace them with finite numbers, or leave those cells empty"
    )


def test_with_an_id_column_the_rows_are_named_by_id_and_many_are_counted(tmp_path: Path) -> None:
    frame = table()
    frame.loc[list(range(0, 14, 2)), "a"] = 1e300  # finite in float64, infinite in the trees' float32
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, frame, id="id")
    assert raised.value.problem == (
        "column 'a' holds values too large for the models (beyond ±3.4e+38) in 7 row(s): "
        "ids 'c0', 'c2', 'c4', 'c6', 'c8' and 2 more"
    )


def test_an_infinite_regression_target_is_named(tmp_path: Path) -> None:
    frame = table()
    frame["y"] = np.arange(40.0) / 3
    frame.loc[5, "y"] = np.inf
    with pytest.raises(ConfigError, match="column 'y' holds infinite values in 1 row"):
        load(tmp_path, frame, task="regression")


def test_missing_values_and_an_excluded_infinite_column_are_fine(tmp_path: Path) -> None:
    frame = table().assign(other=np.inf)
    frame.loc[2, "a"] = np.nan
    load(tmp_path, frame, exclude=("other",))


def test_a_table_with_only_a_header_says_it_has_no_rows(tmp_path: Path) -> None:
    (tmp_path / "t.csv").write_text("a,b,y\n")
    with pytest.raises(ConfigError) as raised:
        load_dataset(DataConfig(source="t.csv", target="y"), tmp_path)
    assert (raised.value.field, raised.value.problem) == ("[data] source", "t.csv: the table has no rows")


def test_an_all_empty_target_is_named(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as raised:
        load(tmp_path, table().assign(y=np.nan))
    assert (raised.value.field, raised.value.problem) == ("[data] target", "column 'y' is empty in all 40 rows")
