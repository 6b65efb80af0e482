"""open_project reads the data before any worker process starts: a data error is one line at once."""

from __future__ import annotations

from pathlib import Path

import pytest

import portal.project._open as opening
from portal.config import ConfigError, load_config

PROJECT = """
[data]
source = "table.csv"
target = "{target}"
[[models]]
name = "Forest"
kind = "random_forest"
[cache]
dir = "{cache}"
"""


def test_a_data_error_is_raised_before_the_worker_pool_starts(tmp_path: Path, monkeypatch) -> None:
    (tmp_path / "table.csv").write_text("age,income,bought\n1,2,yes\n3,4,no\n")
    config_path = tmp_path / "project.toml"
    config_path.write_text(PROJECT.format(target="nothere", cache=tmp_path / "cache"))
    pools: list[int] = []
    monkeypatch.setattr(opening, "local_process_pool", lambda *args: pools.append(1))
    with pytest.raises(ConfigError, match="column 'nothere' is not in the data"):
        opening.open_project(load_config(config_path), log=lambda _: None)
    assert pools == []
