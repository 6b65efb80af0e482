"""The one seam between pages and the core: the project and the tests' twin both have every name the pages may
call, with the protocol's parameters (names, kinds, defaults), so a page tested on the fake works on a project."""

from __future__ import annotations

import inspect
import tomllib

import numpy as np
import pandas as pd
import pytest

from portal.config import parse_config
from portal.project import Project
from portal.results import ProjectFacts
from portal.web import PortalServices
from tests.fakes import FakeServices

MEMBERS = sorted(
    name
    for name, value in vars(PortalServices).items()
    if not name.startswith("_") and (inspect.isfunction(value) or isinstance(value, property))
)
ATTRIBUTES = sorted(name for name in PortalServices.__annotations__ if not name.startswith("_"))


def parameters(function) -> list[tuple[str, object, object]]:
    """What a caller relies on: each parameter's name, kind and default (annotations may be spelled differently)."""
    return [(p.name, p.kind, p.default) for p in inspect.signature(function).parameters.values()]


def test_the_protocol_is_not_empty() -> None:
    assert {"facts", "explanation", "cohort_rows", "group_metrics", "what_if", "model_names"} <= set(MEMBERS)
    assert ATTRIBUTES == ["title"]


@pytest.mark.parametrize("implementation", [Project, FakeServices], ids=["Project", "FakeServices"])
@pytest.mark.parametrize("name", MEMBERS)
def test_every_protocol_member_is_implemented_with_its_parameters(implementation, name: str) -> None:
    expected, found = vars(PortalServices)[name], inspect.getattr_static(implementation, name, None)
    assert found is not None, f"{implementation.__name__} has no {name}"
    if isinstance(expected, property):
        assert isinstance(found, property), f"{implementation.__name__}.{name} is not a property"
        return
    assert parameters(found) == parameters(expected)


def test_the_fake_has_the_declared_attributes() -> None:
    fake = FakeServices()
    assert all(isinstance(getattr(fake, name), str) for name in ATTRIBUTES)


def test_a_project_sets_the_declared_attributes(tmp_path) -> None:
    rng = np.random.default_rng(0)
    frame = pd.DataFrame({"x": rng.normal(size=80), "y": rng.choice(["a", "b"], 80)})
    frame.to_csv(tmp_path / "table.csv", index=False)
    text = 'title = "Tiny"\n[data]\nsource = "table.csv"\ntarget = "y"\n'
    text += '[[models]]\nname = "Forest"\nkind = "random_forest"\nparams = { n_estimators = 3 }\n'
    text += f'[cache]\ndir = "{tmp_path / "cache"}"\n'
    project = Project(parse_config(tomllib.loads(text), base_dir=tmp_path), log=lambda _: None)
    assert [getattr(project, name) for name in ATTRIBUTES] == ["Tiny"]
    assert isinstance(project.facts(), ProjectFacts) and project.facts().rows == 80
