"""What every section is built from: the project, its facts, every model's finished explanation, the rows asked for.

Explanations are each model's own scale over every row (one class of a multi-class project: the first, said in the
appendix). The hash of inputs is computed here, before any section: it hashes what the report is made of (the
config as loaded, the data's fingerprint, each model's fingerprint and method, the library and engine versions, the
templates, the sections and rows chosen), so a reader can rerun and compare.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

from portal.data import library_versions
from portal.explain import ENGINE_VERSION
from portal.figures import model_colors
from portal.results import Explanation, ProjectFacts

#: Report format version: bump when the document's shape changes without a template changing.
REPORT_VERSION = "1"
#: Never printed nor hashed: machine-specific places and the scale-out URL (it may carry a password).
PRIVATE_FIELDS = ("cache_dir", "base_dir", "redis_url")


@dataclass(frozen=True, eq=False)
class ReportInputs:
    """The project and what its sections share; ``explanations`` in model order, 2-D (one class)."""

    project: Any
    facts: ProjectFacts
    explanations: tuple[Explanation, ...]
    colors: Mapping[str, str]
    rows: tuple[str, ...]
    generated_at: str
    config_hash: str
    inputs_hash: str
    config_text: str

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(e.model_name for e in self.explanations)

    @property
    def total_rows(self) -> int:
        return int(self.facts.rows)

    def explanation(self, name: str) -> Explanation:
        return next(e for e in self.explanations if e.model_name == name)


def gather(project: Any, *, sections: Sequence[str], rows: Sequence[str], generated_at: str) -> ReportInputs:
    """The inputs of a report of ``project`` whose explanations are all finished."""
    names = project.model_names
    explanations = tuple(one_class(project.explanation(n)) for n in names)
    config_text = config_as_loaded(project.config)
    provenance = [dataclasses.asdict(e.provenance) for e in explanations]
    hashed = {
        "report": REPORT_VERSION,
        "engine": ENGINE_VERSION,
        "config": config_text,
        "data": project.facts().data_fingerprint,
        "models": provenance,
        "libraries": library_versions(),
        "templates": templates_hash(),
        "sections": list(sections),
        "rows": list(rows),
    }
    return ReportInputs(
        project=project,
        facts=project.facts(),
        explanations=explanations,
        colors=model_colors(names),
        rows=tuple(rows),
        generated_at=generated_at,
        config_hash=_sha(config_text),
        inputs_hash=_sha(json.dumps(hashed, sort_keys=True, default=str)),
        config_text=config_text,
    )


def one_class(explanation: Explanation | None) -> Explanation:
    if explanation is None:
        raise ValueError("an explanation is not finished")
    return explanation.for_class(explanation.class_names[0]) if explanation.is_multiclass else explanation


def config_as_loaded(config: Any) -> str:
    """The project's configuration after parsing (defaults filled in) as indented JSON, without private fields."""
    loaded = {k: v for k, v in dataclasses.asdict(config).items() if k not in PRIVATE_FIELDS}
    return json.dumps(_plain(loaded), indent=2, sort_keys=True)


def templates_hash() -> str:
    digest = hashlib.sha256()
    root = resources.files("portal.reports.report") / "templates"
    for path in sorted(_files(Path(str(root)))):
        digest.update(path.name.encode() + path.read_bytes())
    return digest.hexdigest()[:16]


def _files(root: Path) -> list[Path]:
    return [p for p in root.rglob("*") if p.is_file()]


def _plain(value: Any) -> Any:
    if isinstance(value, Mapping):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, tuple | list):
        return [_plain(v) for v in value]
    if isinstance(value, str | int | float | bool) or value is None:
        return value
    return str(value)


def _sha(text: str) -> str:
    return hashlib.sha256(text.encode()).hexdigest()[:16]
