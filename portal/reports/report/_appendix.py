"""The appendix of provenance: versions, the configuration as loaded, how each number was computed, a glossary."""

from __future__ import annotations

import platform
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import metadata

from portal import __version__
from portal.analyses import BACKGROUND_ROWS
from portal.data import library_versions
from portal.explain import ENGINE_VERSION
from portal.figures import method_label, scale_label
from portal.reports.report._document import Fact
from portal.reports.report._global import BEESWARM_ROWS
from portal.reports.report._inputs import REPORT_VERSION, ReportInputs

DRAWING_LIBRARIES = ("plotly", "kaleido", "jinja2")
GLOSSARY = (
    Fact("SHAP value", "a feature's contribution to one prediction: base value + the contributions = the output"),
    Fact("base value", "the model's mean prediction over its background rows, where every contribution starts"),
    Fact("output scale", "what a model's numbers are in: probability, log-odds (logit of the probability), or units"),
    Fact("share of attribution", "a feature's mean |SHAP value| over the model's total: scale-free, sums to 100%"),
    Fact("exact / approximate", "exact methods give the Shapley values themselves; approximate ones estimate them"),
    Fact("Spearman rank correlation", "agreement of two rankings: 1 the same order, 0 unrelated, -1 reversed"),
    Fact("prediction spread", "the largest minus the smallest of the models' predictions for one row"),
    Fact("held-out rows", "rows kept out of training (the same split for every model), where metrics are computed"),
    Fact("four-fifths rule", "a group's selection rate below 80% of the highest group's suggests adverse impact"),
    Fact("proxy", "a feature that reveals a protected attribute, so a model may use it in its place"),
    Fact("PSI", "population stability index: how far a feature's distribution moved from the reference window"),
    Fact("n of N rows", "a number computed on n rows of the project's N"),
)


@dataclass(frozen=True)
class Appendix:
    name = "appendix"
    versions: tuple[Fact, ...]
    config_text: str
    computations: tuple[Fact, ...]
    glossary: tuple[Fact, ...]


def build(inputs: ReportInputs, built: Sequence[object] = ()) -> Appendix:
    return Appendix(_versions(), inputs.config_text, _computations(inputs, built), GLOSSARY)


def _versions() -> tuple[Fact, ...]:
    versions = [Fact("portal", __version__), Fact("explanation engine", ENGINE_VERSION)]
    versions += [Fact("report format", REPORT_VERSION), Fact("python", platform.python_version())]
    versions += [Fact(name, v) for name, v in library_versions().items()]
    return tuple(versions + [Fact(name, _version(name)) for name in DRAWING_LIBRARIES])


def _version(name: str) -> str:
    try:
        return metadata.version(name)
    except metadata.PackageNotFoundError:
        return "absent"


def _computations(inputs: ReportInputs, built: Sequence[object]) -> tuple[Fact, ...]:
    f, config = inputs.facts, inputs.project.config
    total = f"{f.rows:,}"
    done = [
        Fact(
            f"explanation of {e.model_name}",
            f"{method_label(e.provenance)}; {e.n_rows:,} of {total} rows; output in {scale_label(e.output_scale)}"
            + (f"; class {e.explained_class} (the first class)" if e.explained_class else ""),
        )
        for e in inputs.explanations
    ]
    done += [
        Fact("train / held-out split", f"{f.held_out_rows:,} of {total} rows held out; seed {config.data.seed}"),
        Fact("background rows (base values)", f"{min(BACKGROUND_ROWS, f.rows):,} of {total}; seed {config.data.seed}"),
        Fact("beeswarms", f"{min(BEESWARM_ROWS, f.rows):,} of {total} rows per model; seeded sample, seed 0"),
    ]
    return tuple(done + [fact for section in built for fact in getattr(section, "how", ())])
