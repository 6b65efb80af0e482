"""The fairness audit: its JSON validates against the shipped schema, its breaches are the flagged disparities,
and ``python -m portal audit`` exits 3 on a breach, 0 without, 2 on a mistake."""

from __future__ import annotations

import json
import math
from pathlib import Path

import jsonschema
import numpy as np
import pandas as pd
import pytest

from portal.reports._audit import SCHEMA_PATH, build_audit, load_schema
from portal.reports._json import finite as _finite
from tests.fakes import FakeServices
from tests.projects import run_portal, two_models

PROJECT = """
title = "Lending (synthetic)"
[data]
source = "table.csv"
target = "approved"
positive = "yes"
protected = ["group"]
{models}[fairness]
four_fifths = {four_fifths}
[cache]
dir = "{cache}"
"""


def validate(audit: dict) -> None:
    jsonschema.validate(audit, load_schema(), format_checker=jsonschema.FormatChecker())


def test_the_shipped_schema_is_a_valid_draft_2020_12_schema() -> None:
    jsonschema.Draft202012Validator.check_schema(json.loads(SCHEMA_PATH.read_text()))


def test_the_audit_of_every_model_and_attribute_validates_and_lists_exactly_the_flagged_breaches() -> None:
    services = FakeServices()
    audit = _finite(build_audit(services))
    validate(audit)
    assert list(audit["models"]) == list(services.model_names)
    assert list(audit["attributes"]) == ["age", "senior_citizen", "age & senior_citizen"]
    forest = services.group_metrics("age")[0]
    written = audit["models"]["Random forest"]["groups"]["age"]
    assert written["60+"]["selection_rate"] == pytest.approx(forest.group("60+").selection_rate)
    assert set(written) == {g.group for g in forest.groups}
    flagged = {
        (f.model_name, a.name)
        for a in services.protected_attributes()
        for f in services.group_metrics(a.name)
        if f.disparity.breaches_four_fifths
    }
    assert {(b["model"], b["attribute"]) for b in audit["breaches"]} == flagged and flagged
    verdicts = {
        (f.model_name, a.name): f.disparity.verdict
        for a in services.protected_attributes()
        for f in services.group_metrics(a.name)
    }
    assert all(b["verdict"] == verdicts[b["model"], b["attribute"]] for b in audit["breaches"])
    disparity = audit["models"]["EBM"]["disparity"]["age"]
    assert disparity["verdict"] == verdicts["EBM", "age"] in ("breach", "inconclusive", "within the rule")
    assert audit["passed"] is False
    proxies = audit["models"]["EBM"]["proxies"]["age"]
    risks = [p["risk"] for p in proxies]
    assert risks == sorted(risks, reverse=True) and {"feature", "auc_alone", "reason"} <= set(proxies[0])


def test_nan_becomes_null_so_any_json_parser_reads_the_file() -> None:
    assert _finite({"a": [math.nan, 1.0, {"b": math.inf}]}) == {"a": [None, 1.0, {"b": None}]}


def test_a_project_without_protected_columns_says_why_instead_of_auditing() -> None:
    services = FakeServices()
    services.fairness_support = lambda: "the project names no protected columns; add protected = [...] under [data]"
    with pytest.raises(ValueError, match="no protected columns"):
        build_audit(services)


@pytest.fixture(scope="module")
def lending(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Group B is approved far less often, through 'zip', a planted proxy of the group; 'income' carries a little
    of the group, 'noise' none of it."""
    folder = tmp_path_factory.mktemp("audit")
    rng = np.random.default_rng(3)
    n = 800
    group = rng.choice(["A", "B"], n)
    zip_code = np.where(group == "A", rng.choice(["z1", "z2"], n), rng.choice(["z3", "z4"], n))
    flip = rng.random(n) < 0.05  # a few homes in the other group's area
    zip_code = np.where(flip, rng.choice(["z1", "z2", "z3", "z4"], n), zip_code)
    income = rng.normal(50, 10, n) + 4 * (group == "A")
    chance = 0.75 - 0.45 * np.isin(zip_code, ["z3", "z4"]) + 0.01 * (income - 50)
    frame = pd.DataFrame(
        {
            "zip": zip_code,
            "income": income.round(1),
            "noise": rng.normal(0, 1, n).round(3),
            "group": group,
            "approved": np.where(rng.random(n) < chance, "yes", "no"),
        }
    )
    frame.to_csv(folder / "table.csv", index=False)
    for name, four_fifths in (("strict", 0.8), ("lenient", 0.05)):
        text = PROJECT.format(models=two_models(), four_fifths=four_fifths, cache=folder / "cache")
        (folder / f"{name}.toml").write_text(text)
    return folder


def test_the_cli_writes_a_valid_audit_and_exits_3_on_a_breach(lending: Path) -> None:
    out = lending / "audit.json"
    done = run_portal("audit", "--config", str(lending / "strict.toml"), "--out", str(out))
    assert done.returncode == 3, done.stderr
    audit = json.loads(out.read_text())
    validate(audit)
    assert not audit["passed"] and {b["model"] for b in audit["breaches"]} == {"Forest", "Glass box"}
    assert "breach: 'Forest' breaches the four-fifths rule on group: group 'B'" in done.stdout
    assert done.stdout.splitlines()[0].startswith("audited 2 models x 1 protected attributes")
    for model in ("Forest", "Glass box"):
        proxies = audit["models"][model]["proxies"]["group"]
        assert proxies[0]["feature"] == "zip" and proxies[0]["flagged"]
        assert proxies[-1]["feature"] == "noise"
        rates = audit["models"][model]["groups"]["group"]
        assert rates["B"]["selection_rate"] < 0.8 * rates["A"]["selection_rate"]


def test_the_same_audit_under_a_lenient_rule_passes_with_exit_0(lending: Path) -> None:
    out = lending / "lenient.json"
    done = run_portal("audit", "--config", str(lending / "lenient.toml"), "--out", str(out))
    assert done.returncode == 0, done.stderr
    audit = json.loads(out.read_text())
    assert audit["passed"] and audit["breaches"] == [] and audit["settings"]["four_fifths"] == 0.05


def test_a_threshold_outside_0_to_1_is_one_line_and_exit_2(lending: Path) -> None:
    done = run_portal("audit", "--config", str(lending / "strict.toml"), "--out", "x.json", "--threshold", "2")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "error: --threshold: 2.0 is not a probability. Fix: use a number from 0 to 1, e.g. 0.5"
    ]
