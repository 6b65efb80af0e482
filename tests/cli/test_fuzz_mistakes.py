"""A fuzz of project files and tables through the command line: whatever the input, a mistake is one line on
stderr and exit code 2, never a traceback. Projects the fuzz gets right stop once their data has loaded (the
models are not trained), so each example costs milliseconds."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from portal.cli import main
from portal.project import project_data

FUZZ = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
MODEL = '[[models]]\nname = "F"\nkind = "random_forest"\n'
DATA_KEYS = ["source", "target", "id", "protected", "time", "task", "positive", "features", "exclude", "test_size"]
OTHER_KEYS = [
    ("models", "name"), ("models", "kind"), ("models", "params"), ("models", "path"), ("models", "members"),
    ("cache", "dir"), ("cache", "size_limit_gb"), ("explain", "sample"), ("fairness", "four_fifths"),
    ("fairness", "bands"), ("fairness", "threshold"), ("monitoring", "window"), ("monitoring", "reference"),
]  # fmt: skip


class Accepted(BaseException):
    """Raised where the models would train: the project was read and its data loaded without a mistake."""


def _load_only(config):
    project_data(config)
    raise Accepted


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setattr("portal.cli._shared.open_project", _load_only)
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"a": rng.normal(size=40), "b": rng.choice(["x", "y"], 40), "y": ["n", "y"] * 20})
    frame.to_csv(tmp_path / "t.csv", index=False)
    (tmp_path / "folder.csv").mkdir()
    (tmp_path / "empty.csv").write_text("")
    return tmp_path


def run(folder: Path, text: str | bytes, capsys: pytest.CaptureFixture) -> tuple[int | None, str]:
    path = folder / "project.toml"
    path.write_bytes(text if isinstance(text, bytes) else text.encode())
    capsys.readouterr()
    try:
        code = main(["precompute", "--config", str(path)])
    except Accepted:
        code = None
    return code, capsys.readouterr().err


def assert_one_line_or_accepted(code: int | None, err: str) -> None:
    if code is None:
        return
    assert code == 2, err
    assert err.startswith("error: ") and err.endswith("\n") and err.count("\n") == 1, err
    assert "Traceback" not in err and ". Fix: " in err


def toml_value(value: object) -> str:
    """A TOML literal of ``value``; JSON's strings, numbers and lists are TOML's (inline tables are written)."""
    if isinstance(value, dict):
        return "{ " + ", ".join(f"{json.dumps(k)} = {toml_value(v)}" for k, v in value.items()) + " }"
    if isinstance(value, list):
        return "[" + ", ".join(toml_value(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and not np.isfinite(value):
        return "nan" if np.isnan(value) else ("inf" if value > 0 else "-inf")
    return json.dumps(value)


SCALARS = st.one_of(
    st.integers(-(2**63), 2**63 - 1),
    st.floats(),
    st.booleans(),
    st.text(max_size=12),
    st.sampled_from(["t.csv", "y", "a", "b", "folder.csv", "empty.csv", "missing.csv", "~", "."]),
)
VALUES = st.recursive(
    SCALARS,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=5), inner, max_size=2),
    max_leaves=5,
)  # noqa: E501


@FUZZ
@given(st.binary(max_size=400))
def test_random_bytes_as_a_project_file(folder, capsys, data: bytes) -> None:
    code, err = run(folder, data, capsys)
    assert code == 2
    assert_one_line_or_accepted(code, err)


@FUZZ
@given(st.sampled_from(DATA_KEYS), VALUES)
def test_any_value_of_any_data_key(folder, capsys, key: str, value: object) -> None:
    table = {"source": '"t.csv"', "target": '"y"', key: toml_value(value)}
    text = "[data]\n" + "".join(f"{k} = {v}\n" for k, v in table.items()) + MODEL
    assert_one_line_or_accepted(*run(folder, text, capsys))


@FUZZ
@given(st.sampled_from(OTHER_KEYS), VALUES)
def test_any_value_of_other_tables_keys(folder, capsys, where: tuple[str, str], value: object) -> None:
    table, key = where
    head = '[data]\nsource = "t.csv"\ntarget = "y"\nprotected = ["b"]\ntime = "a"\n'
    if table == "models":
        text = head + MODEL + f"{key} = {toml_value(value)}\n"
    else:
        text = head + MODEL + f"[{table}]\n{key} = {toml_value(value)}\n"
    assert_one_line_or_accepted(*run(folder, text, capsys))


ODD_CELLS = ["", "yes", "no", "ä", "1e400", "inf", "-inf", "NaN"]
CELLS = st.one_of(st.integers(-5, 5), st.floats(), st.sampled_from(ODD_CELLS), st.text(max_size=4))


@FUZZ
@given(
    names=st.lists(
        st.sampled_from(["a", "a", "y", "名前", "Ω id", "", " ", "a.1", "y "]) | st.text(max_size=4),
        min_size=1,
        max_size=4,
    ),  # noqa: E501
    rows=st.lists(st.lists(CELLS, min_size=0, max_size=5), max_size=8),
    target=st.integers(0, 3),
    id_column=st.one_of(st.none(), st.integers(0, 3)),
)
def test_any_table(folder, capsys, names: list[str], rows: list[list], target: int, id_column: int | None) -> None:
    """Duplicate and unicode column names, ragged rows, one class, empty or infinite cells, text ids."""
    lines = [",".join(names)] + [",".join(map(str, row)) for row in rows]
    (folder / "fuzz.csv").write_text("\n".join(lines) + "\n", encoding="utf-8")
    chosen = {"target": names[target % len(names)]}
    if id_column is not None:
        chosen["id"] = names[id_column % len(names)]
    text = '[data]\nsource = "fuzz.csv"\n' + "".join(f"{k} = {json.dumps(v)}\n" for k, v in chosen.items()) + MODEL
    assert_one_line_or_accepted(*run(folder, text, capsys))
