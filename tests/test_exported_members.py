"""The public Python API: ``portal.__all__`` names exactly what the package offers, and each name resolves."""

from __future__ import annotations

import subprocess
import sys

import portal

API = {
    "AverageMember",
    "ConfigError",
    "Explanation",
    "InteractionValues",
    "JobProgress",
    "LocalExplanation",
    "ModelInteractions",
    "ModelMetrics",
    "Project",
    "ProjectConfig",
    "Provenance",
    "__version__",
    "load_config",
    "open_project",
}


def test_all_lists_the_public_api_and_nothing_else() -> None:
    assert set(portal.__all__) == API
    assert len(portal.__all__) == len(set(portal.__all__))


def test_every_exported_name_resolves_to_the_object_its_package_defines() -> None:
    from portal.config import ConfigError, load_config
    from portal.project import Project, open_project
    from portal.results import Explanation

    assert (portal.ConfigError, portal.load_config) == (ConfigError, load_config)
    assert (portal.Project, portal.open_project, portal.Explanation) == (Project, open_project, Explanation)
    for name in portal.__all__:
        assert getattr(portal, name) is not None
    assert set(portal.__all__) <= set(dir(portal))


def test_an_unknown_name_is_an_attribute_error() -> None:
    try:
        portal.nothing_here  # noqa: B018
    except AttributeError as error:
        assert "nothing_here" in str(error)
    else:
        raise AssertionError("portal.nothing_here did not raise")


def test_importing_portal_alone_loads_no_heavy_part() -> None:
    """Worker processes import pieces of the core; ``import portal`` must not drag in the project or sklearn."""
    code = "import sys, portal; print(' '.join(sorted(m for m in sys.modules if m.startswith(('portal', 'sklearn')))))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert done.stdout.split() == ["portal"]
