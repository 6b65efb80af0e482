"""The command line as scripts use it: help, precompute with its summary, cache info and clear."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from tests.projects import run_portal, two_models

PROJECT = """
title = "Small"
[data]
source = "table.csv"
target = "bought"
{models}[cache]
dir = "{cache}"
"""


portal = run_portal


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("cli")
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"age": rng.integers(18, 80, 600), "plan": rng.choice(["a", "b", "c"], 600)})
    frame["bought"] = np.where(rng.random(600) < (frame["age"] / 100), "yes", "no")
    frame.to_csv(folder / "table.csv", index=False)
    (folder / "project.toml").write_text(PROJECT.format(cache=folder / "cache", models=two_models()))
    return folder / "project.toml"


COMMAND_HELP = {  # what ``python -m portal --help`` promises, one line per command (README, "Command line")
    "demo": "start a built-in demo project (churn, loan) and open the portal; lists the demos first",
    "serve": "serve the portal for a project file (TOML)",
    "precompute": "compute every explanation of a project now, with progress, and summarise",
    "export": "write one model's per-row contributions to a CSV file (for regulators and scripts)",
    "audit": "write the fairness audit (group metrics, disparities, proxies) as JSON; exit 3 on a breach",
    "figures": "write shap's static figures (bar, beeswarm, waterfall, force, dependence, decision) for every model",
    "report": "write every model side by side in one reproducible HTML or PDF file, for the record",
    "cache": "show or clear the cache of fitted models and explanations",
}


def test_help_explains_every_command() -> None:
    done = portal("--help")
    assert done.returncode == 0 and done.stderr == ""
    assert done.stdout.startswith("usage: python -m portal [-h] COMMAND ...")
    text = " ".join(done.stdout.split())  # argparse wraps lines to the terminal's width
    for command, help_line in COMMAND_HELP.items():
        assert f" {command} {help_line}" in text, command
    listed = [line.split()[0] for line in done.stdout.splitlines() if line.startswith("    ") and line.split()]
    assert [c for c in listed if c in COMMAND_HELP] == list(COMMAND_HELP)  # every command, in this order


def test_precompute_computes_everything_then_finds_it_cached(project: Path) -> None:
    first = portal("precompute", "--config", str(project))
    assert first.returncode == 0, first.stderr
    table = first.stdout[first.stdout.index("model ") :]
    assert "Forest" in table and "Glass box" in table and table.count(" done ") == 3
    assert "Glass box (common)   done            500" in table  # the EBM in probability, on the sample
    assert "shapley_exact_enumeration / probability" in table
    assert "tree_shap_path_dependent_fast / probability" in table and "ebm_additive_shapley / log-odds" in table
    again = portal("precompute", "--config", str(project))
    assert again.returncode == 0 and "training" not in again.stdout and "running" not in again.stdout


def test_cache_info_lists_results_and_clear_removes_one_model(project: Path) -> None:
    portal("precompute", "--config", str(project))
    info = portal("cache", "info", "--config", str(project)).stdout
    assert "explanations: 3" in info and "Forest: done, 600 rows" in info
    assert "Glass box (common): done, 500 rows" in info
    cleared = portal("cache", "clear", "--config", str(project), "--model", "Forest")
    assert cleared.returncode == 0 and "removed 2 cached entries of 'Forest'" in cleared.stdout
    info = portal("cache", "info", "--config", str(project)).stdout
    assert "explanations: 2" in info and "Forest" not in info and "fitted model files: 1" in info


def test_an_unreachable_redis_is_one_clear_line_and_exit_code_2(project: Path) -> None:
    env = {**os.environ, "PORTAL_REDIS_URL": "redis://127.0.0.1:9/0", "PORTAL_TASK_SECRET": "s" * 40}
    done = portal("precompute", "--config", str(project), timeout=120, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: PORTAL_REDIS_URL: cannot reach Redis at redis://127.0.0.1:9/0")
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_celery_mode_without_a_task_secret_is_one_line_naming_the_fix_and_exit_code_2(project: Path) -> None:
    env = {**os.environ, "PORTAL_REDIS_URL": "redis://127.0.0.1:9/0"}
    env.pop("PORTAL_TASK_SECRET", None)
    done = portal("precompute", "--config", str(project), timeout=120, env=env)
    assert done.returncode == 2
    assert done.stderr.startswith("error: PORTAL_TASK_SECRET: is not set")
    assert "Fix: set PORTAL_TASK_SECRET" in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1 and "Traceback" not in done.stderr


def test_demo_lists_the_demos_and_marks_the_one_it_starts(capsys) -> None:
    from portal.cli import list_demos

    list_demos("loan")
    lines = capsys.readouterr().out.splitlines()
    assert [line.split()[:2] for line in lines[:2]] == [["churn", "Telco"], ["*", "loan"]]
    assert lines[-1] == "starting 'loan'; another with: python -m portal demo NAME"
