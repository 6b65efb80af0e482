"""``python -m portal figures`` end to end on small projects: every file the command promises is written, each PNG
is a 300 dpi picture with something drawn on it, captions name the model, scale, method and "n of N rows", a file
that cannot be drawn is skipped with one line, and a mistake is one line and exit 2."""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from PIL import Image

from portal.cli import main
from portal.reports import choose_rows, figure_data, write_static_figures
from portal.results import PROBABILITY, Explanation, Provenance
from tests.projects import run_portal, two_models

ROWS = 300
PROJECT = """
title = "{title}"
[data]
source = "{table}"
target = "{target}"
id = "ref"
{models}[cache]
dir = "{cache}"
"""
REGRESSORS = """
[[models]]
name = "Forest"
kind = "random_forest"
params = { n_estimators = 10, max_depth = 4 }
[[models]]
name = "Booster"
kind = "gradient_boosting"
params = { n_estimators = 30, max_depth = 3 }
"""
PER_MODEL = ("bar", "beeswarm")


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A classification project (a forest in probability, an EBM in log-odds) and a regression one, 300 rows each:
    a number, a category and a 0/1 flag."""
    folder = tmp_path_factory.mktemp("figures")
    rng = np.random.default_rng(3)
    frame = pd.DataFrame(
        {
            "ref": [f"R{i:03d}" for i in range(ROWS)],
            "age": rng.integers(18, 80, ROWS),
            "plan": rng.choice(["basic", "plus", "pro"], ROWS),
            "online": rng.integers(0, 2, ROWS),
        }
    )
    frame["bought"] = np.where(rng.random(ROWS) < frame["age"] / 100 + 0.2 * frame["online"], "yes", "no")
    frame["spend"] = frame["age"] * 2 + 30 * (frame["plan"] == "pro") + rng.normal(0, 5, ROWS)
    frame.to_csv(folder / "table.csv", index=False)
    cache = folder / "cache"
    projects = {
        "buyers": dict(title="Buyers", target="bought", models=two_models()),
        "spend": dict(title="Spend", target="spend", models=REGRESSORS),
    }
    for name, options in projects.items():
        table = (folder / "table.csv").as_posix()
        text = PROJECT.format(table=table, cache=cache, **options)
        if name == "buyers":
            text = text.replace('id = "ref"', 'id = "ref"\nfeatures = ["age", "plan", "online"]')
        else:
            text = text.replace('id = "ref"', 'id = "ref"\nfeatures = ["age", "plan", "online"]\ntask = "regression"')
        (folder / f"{name}.toml").write_text(text)
    return folder


def check_png(path: Path) -> None:
    """300 dpi, at least 3 x 1.5 inches, and not blank: its pixels vary and some are well away from white."""
    with Image.open(path) as image:
        assert round(image.info["dpi"][0]) == 300, path.name
        assert image.width >= 900 and image.height >= 450, (path.name, image.size)
        pixels = np.asarray(image.convert("RGB"), dtype=np.float64)
    assert pixels.var() > 0, path.name
    assert (pixels.min(axis=2) < 200).mean() > 0.005, path.name  # ink on at least 0.5% of the picture


def expected_files(models: dict[str, str], scales: tuple[str, ...], rows: list[str], features: int, ext: str):
    names = set()
    for slug in models.values():
        names |= {f"{slug}-{chart}.{ext}" for chart in PER_MODEL}
        names |= {f"{slug}-{kind}-{row.lower()}.{ext}" for kind in ("waterfall", "force") for row in rows}
    names |= {f"compare-{scale}-decision-{row.lower()}.{ext}" for scale in scales for row in rows}
    return names, len(models) * features  # plus one dependence file per model and top feature


def test_figures_of_a_classification_project_are_every_chart_at_300_dpi(folder: Path, tmp_path: Path) -> None:
    done = run_portal("figures", "--config", str(folder / "buyers.toml"), "--out", str(tmp_path / "figs"))
    assert done.returncode == 0, done.stderr
    rows = re.search(r"^rows: (.*) \(", done.stderr, re.M).group(1).split(", ")
    assert len(rows) == 6 and len(set(rows)) == 6
    written = {p.name for p in (tmp_path / "figs").iterdir()}
    names, dependence = expected_files(
        {"Forest": "forest", "Glass box": "glass-box"}, ("probability", "log-odds"), rows, 3, "png"
    )
    assert names <= written and len(written - names) == dependence
    assert {n.rsplit("-", 1)[-1] for n in written - names} == {"age.png", "plan.png", "online.png"}
    for path in (tmp_path / "figs").iterdir():
        check_png(path)
    assert done.stdout.splitlines() == [
        f"Forest: 17 file(s) in {tmp_path / 'figs'}",
        f"Glass box: 17 file(s) in {tmp_path / 'figs'}",
        f"compare: 12 file(s) in {tmp_path / 'figs'}",
        done.stdout.splitlines()[-1],
    ]
    assert done.stdout.splitlines()[-1].startswith(f"wrote 46 figure(s) to {tmp_path / 'figs'} in ")
    assert "skipped" not in done.stderr


def test_figures_of_a_regression_project_as_svg_with_captions(folder: Path, tmp_path: Path) -> None:
    out = tmp_path / "svg"
    done = run_portal(
        "figures", "--config", str(folder / "spend.toml"), "--out", str(out), "--rows", "R007", "--format", "svg"
    )
    assert done.returncode == 0, done.stderr
    written = {p.name for p in out.iterdir()}
    names, dependence = expected_files({"Forest": "forest", "Booster": "booster"}, ("raw",), ["R007"], 3, "svg")
    assert names <= written and len(written - names) == dependence
    beeswarm = (out / "booster-beeswarm.svg").read_text()
    for words in ("Booster: SHAP values coloured by feature value", "Scale: raw", "(exact)", "300 of 300 rows"):
        assert words in beeswarm, words
    assert "category codes" in beeswarm  # plan is a category: coloured by its code, and said so
    assert "row R007, 1 of 300 rows" in (out / "forest-waterfall-r007.svg").read_text()
    decision = (out / "compare-raw-decision-r007.svg").read_text()
    assert "Forest and Booster: decision plot of row R007" in decision


def test_one_model_and_its_rows_only(folder: Path, tmp_path: Path) -> None:
    done = run_portal(
        "figures",
        "--config",
        str(folder / "buyers.toml"),
        "--out",
        str(tmp_path),
        "--model",
        "Forest",
        "--rows",
        "R001",
    )
    assert done.returncode == 0, done.stderr
    assert sorted(p.name for p in tmp_path.iterdir() if "dependence" not in p.name) == [
        "forest-bar.png", "forest-beeswarm.png", "forest-force-r001.png", "forest-waterfall-r001.png",
    ]  # fmt: skip
    assert "no decision plots" in done.stderr and done.stdout.startswith("Forest: 7 file(s)")


def fake(name: str, rows: int = 40) -> Explanation:
    rng = np.random.default_rng(len(name))
    values = rng.normal(0, 0.1, (rows, 2))
    provenance = Provenance("m", "d", "tree_shap", True)
    ids = np.array([f"r{i}" for i in range(rows)])
    return Explanation(
        name, ("x", "kind"), ids, values, np.full(rows, 0.3), 0.3 + values.sum(axis=1), PROBABILITY, provenance
    )


def test_a_file_that_cannot_be_drawn_is_skipped_with_one_line(tmp_path: Path) -> None:
    features = pd.DataFrame({"x": np.linspace(0, 1, 40), "kind": ["a", "b"] * 20}, index=[f"r{i}" for i in range(40)])
    features["x"] = np.nan  # nothing to draw a dependence on
    data = [figure_data(fake("A"), features, scale="probability")]
    said: list[str] = []
    written = write_static_figures(data, tmp_path, rows=["r1", "gone"], fmt="png", say=said.append)
    assert "skipped a-waterfall-gone.png: row gone is not among the rows 'A' explained" in said
    assert "skipped compare-probability-decision-gone.png: row gone is not among every model's explained rows" in said
    assert any(line.startswith("skipped a-dependence-x.png: cannot be drawn") for line in said)
    assert {p.name for p in written.files["A"]} >= {"a-bar.png", "a-waterfall-r1.png", "a-dependence-kind.png"}
    assert written.total == len(list(tmp_path.iterdir())) and len(said) == len(written.skipped) == 4
    without_rows = write_static_figures(data, tmp_path, rows=[], say=said.append)
    assert "skipped a-force.png: no rows chosen (pass --rows ID,...)" in said and without_rows.files["compare"] == []


@pytest.mark.parametrize(
    ("options", "line"),
    [
        (
            ["--format", "jpg"],
            "error: --format: 'jpg' is not a format this command writes. Fix: use one of png, svg, pdf",
        ),
        (
            ["--model", "Nope"],
            "error: --model: 'Nope' is not a model of this project. Fix: use one of Forest, Glass box",
        ),
        (
            ["--rows", "R001,Z9"],
            "error: --rows: no row Z9 in the data. Fix: use the id column's values, e.g. R000, R001",
        ),
    ],
)
def test_a_mistake_is_one_line_and_exit_code_2(folder: Path, tmp_path: Path, options, line, capsys) -> None:
    assert main(["figures", "--config", str(folder / "buyers.toml"), "--out", str(tmp_path), *options]) == 2
    out, err = capsys.readouterr()
    assert (out, err) == ("", line + "\n")
    assert not list(tmp_path.iterdir())


def test_the_rows_chosen_are_the_widest_disagreements_then_the_highest_predictions() -> None:
    a, b = fake("A"), fake("BB")
    rows, how = choose_rows([a, b])
    spread = np.abs(a.outputs - b.outputs)
    assert list(rows[:3]) == [f"r{i}" for i in np.argsort(-spread)[:3]]
    mean = (a.outputs + b.outputs) / 2
    assert list(rows[3:]) == [f"r{i}" for i in np.argsort(-mean) if f"r{i}" not in rows[:3]][:3]
    assert how.startswith("the 3 the models disagree on most")
    alone, how = choose_rows([a])
    assert list(alone) == [f"r{i}" for i in np.argsort(-a.outputs)[:6]] and how == "the 6 highest predictions of 'A'"
