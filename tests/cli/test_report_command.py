"""``python -m portal report`` as a user runs it: progress and skipped sections on stderr, one summary line on
stdout, exit 0; and every mistake one line on stderr with exit code 2, before any model is trained."""

from __future__ import annotations

import re
import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from portal.cli import main
from tests.projects import two_models
from tests.reports import render_stub

PROJECT = """
title = "Small"
[data]
source = "table.csv"
target = "bought"
{models}[cache]
dir = "{cache}"
"""
SUMMARY = re.compile(
    r"^wrote (?P<out>\S+): 6 sections \(2 skipped\), (?P<figures>\d+) figures, \d+ kB, inputs [0-9a-f]{16} in [\d.]+ s$"
)


@pytest.fixture(scope="module", autouse=True)
def renderer():
    with render_stub.installed():
        yield


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("report-cli")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 400), "plan": rng.choice(["a", "b", "c"], 400)})
    frame["bought"] = np.where(rng.random(400) < (frame["age"] / 100), "yes", "no")
    frame.to_csv(folder / "table.csv", index=False)
    (folder / "project.toml").write_text(PROJECT.format(cache=folder / "cache", models=two_models()))
    return folder / "project.toml"


def test_report_writes_the_file_says_skipped_sections_and_prints_one_line(project: Path, tmp_path, capsys) -> None:
    out = tmp_path / "report.html"
    assert main(["report", "--config", str(project), "--out", str(out), "--rows", "3,7"]) == 0
    stdout, stderr = capsys.readouterr()
    [line] = stdout.splitlines()
    assert SUMMARY.match(line) and SUMMARY.match(line)["out"] == str(out), line
    assert "skipped fairness: the project names no protected column ([data] protected)" in stderr
    assert "skipped monitoring: the project is not monitored over time" in stderr
    assert "report: drawing" in stderr and "Traceback" not in stderr
    drawn = re.findall(r"^report: drew (\d+) of (\d+) figures$", stderr, re.M)
    assert drawn and drawn[-1][0] == drawn[-1][1] == SUMMARY.match(line)["figures"]
    html = out.read_text(encoding="utf-8")
    assert "Row 3" in html and "Row 7" in html and "Forest" in html and "Glass box" in html


def test_a_project_of_one_model_has_no_comparison_but_explains_the_rows_asked_for(project: Path, tmp_path) -> None:
    one = tmp_path / "one.toml"
    text = project.read_text().replace('source = "table.csv"', f'source = "{project.parent / "table.csv"}"')
    one.write_text(text[: text.index('[[models]]\nname = "Glass box"')] + text[text.index("[cache]") :])
    out = tmp_path / "one.html"
    assert main(["report", "--config", str(one), "--out", str(out), "--rows", "5"]) == 0
    html = out.read_text(encoding="utf-8")
    assert "Disagreement needs two models" in html and "Row 5" in html and "Glass box" not in html


def test_only_the_sections_asked_for(project: Path, tmp_path, capsys) -> None:
    out = tmp_path / "r.html"
    assert main(["report", "--config", str(project), "--out", str(out), "--sections", "global, cover"]) == 0
    assert capsys.readouterr().out.startswith(f"wrote {out}: 2 sections (0 skipped)")
    html = out.read_text(encoding="utf-8")
    assert 'id="cover"' in html and 'id="global"' in html and 'id="models"' not in html


@pytest.mark.parametrize(
    ("argv", "line"),
    [
        (
            ["--sections", "cover,summary"],
            "error: --sections: no section 'summary'. Fix: use some of cover, models, performance, global, "
            "disagreements, fairness, monitoring, appendix",
        ),
        (
            ["--rows", "C00001,X1"],
            "error: --rows: no row X1 in the data. Fix: use the id column's values, e.g. C00001, C00002",
        ),
        (
            ["--sections", "cover", "--rows", "C00001"],
            "error: --rows: the rows are explained in the disagreements section, which --sections leaves out. "
            "Fix: add disagreements to --sections, or leave --rows out",
        ),
        (
            ["--rows", ","],
            "error: --rows: no row ids given. Fix: pass ids separated by commas, e.g. --rows C00001,C00002",
        ),
    ],
)
def test_a_mistake_in_the_options_is_one_line_and_exit_code_2(argv, line, tmp_path, capsys) -> None:
    assert main(["report", "--demo", "churn", "--out", str(tmp_path / "r.html"), *argv]) == 2
    assert capsys.readouterr() == ("", line + "\n")
    assert not list(tmp_path.iterdir())


@pytest.mark.parametrize(
    ("out", "line"),
    [
        ("/no/such/folder/r.html", "error: --out: no folder /no/such/folder. Fix: create it first or write elsewhere"),
        ("{tmp}/r.docx", "error: --out: r.docx is neither .html nor .pdf. Fix: name a file report.html or report.pdf"),
        ("{tmp}", "error: --out: {tmp} is neither .html nor .pdf. Fix: name a file report.html or report.pdf"),
        ("{tmp}/d.html", "error: --out: {tmp}/d.html is a folder. Fix: name a file in it, e.g. report.html"),
        (
            "{tmp}/r.pdf --interactive",
            "error: --interactive: a PDF cannot run the interactive figures. Fix: write .html, or leave it out",
        ),
    ],
)
def test_a_file_that_cannot_be_written_is_one_line_and_exit_code_2(out, line, tmp_path, capsys) -> None:
    (tmp_path / "d.html").mkdir()
    out, line = out.format(tmp=tmp_path), line.format(tmp=tmp_path)
    line = line.replace(f"{tmp_path} is neither", f"{tmp_path.name} is neither")
    assert main(["report", "--demo", "churn", "--out", *out.split(" ")]) == 2
    assert capsys.readouterr() == ("", line + "\n")


def test_a_machine_that_cannot_draw_is_one_line_and_exit_code_2(project: Path, tmp_path, capsys, monkeypatch) -> None:
    render = sys.modules["portal.reports._render"]
    cannot = render.RenderUnavailable("no Chromium found to draw the report's figures: install Debian's chromium")
    monkeypatch.setattr(render, "figures_to_svg", lambda *a, **k: (_ for _ in ()).throw(cannot))
    out = tmp_path / "r.html"
    assert main(["report", "--config", str(project), "--out", str(out), "--sections", "global"]) == 2
    stdout, stderr = capsys.readouterr()
    assert stdout == "" and "Traceback" not in stderr and not out.exists()
    assert stderr.splitlines()[-1] == f"error: report: {cannot}"
