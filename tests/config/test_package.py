"""The shape of portal.config: its public names, imports that point one way, and no reaching into it."""

from __future__ import annotations

import ast
from pathlib import Path

import portal.config

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "portal" / "config"
PUBLIC = {
    "AUTH_MODES",
    "AuthConfig",
    "ROLES",
    "User",
    "check_serving",
    "new_user",
    "read_users",
    "write_users",
    "CONSTRAINTS",
    "OUTCOME_WORDS",
    "ConfigError",
    "DataConfig",
    "FairnessConfig",
    "ModelSpec",
    "MonitoringAlerts",
    "MonitoringConfig",
    "ProjectConfig",
    "default_cache_dir",
    "load_config",
    "parse_config",
    "scale_out_url",
}


def imported_modules(path: Path) -> set[str]:
    """Every module an ``import`` or ``from ... import`` in the file names, lazy ones inside functions included."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            names |= {node.module} | {f"{node.module}.{alias.name}" for alias in node.names}
    return names


def test_the_package_exports_its_public_names_and_each_resolves() -> None:
    assert set(portal.config.__all__) == PUBLIC
    assert all(getattr(portal.config, name) is not None for name in PUBLIC)
    assert portal.config.__doc__ and "ConfigError" in portal.config.__doc__


def test_imports_inside_the_package_point_one_way() -> None:
    """No private module imports the package itself, and the private modules import each other without a circle."""
    modules = {f"portal.config.{p.stem}": p for p in PACKAGE.glob("_*.py") if p.name != "__init__.py"}
    graph = {name: imported_modules(path) & set(modules) for name, path in modules.items()}
    assert not {name for name, path in modules.items() if "portal.config" in imported_modules(path)}
    done: set[str] = set()
    while len(done) < len(graph):  # peel off modules whose imports are all done; a circle never peels
        ready = {name for name, deps in graph.items() if name not in done and deps <= done}
        assert ready, f"import circle among {sorted(set(graph) - done)}"
        done |= ready


def test_nothing_outside_the_package_imports_its_private_modules() -> None:
    folders = ("portal", "models", "layouts", "callbacks", "tests", "benchmarks")
    outside = [p for folder in folders for p in (ROOT / folder).rglob("*.py") if PACKAGE not in p.parents]
    reaching = {
        str(path.relative_to(ROOT)): sorted(n for n in imported_modules(path) if n.startswith("portal.config._"))
        for path in outside
    }
    assert {path: names for path, names in reaching.items() if names} == {}
