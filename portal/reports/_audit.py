"""The fairness audit: one machine-readable file per project for regulators' pipelines.

:func:`build_audit` gathers, for every model and every protected attribute (single columns and configured
intersections), the held-out group metrics, the disparity figures and the ranked proxy table, in the shape that
``schemas/audit.schema.json`` describes (tests validate every file against it)::

    models.<model>.groups.<attribute>.<group>.selection_rate      (and the other group metrics beside it)
    models.<model>.disparity.<attribute>.demographic_parity_ratio (with its interval and the four-fifths flag)
    models.<model>.proxies.<attribute>                             (a list, highest proxy risk first)
    breaches                                                       (every configured rule a model breaks)

The file is deterministic for a project and its cache (seeded bootstrap, seeded proxy sample) apart from
``generated_at``. A breach is a demographic parity ratio below ``[fairness] four_fifths``; the CLI exits 3 when
there is one, so a pipeline can stop on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from portal.fairness import ModelFairness, ProxyTable
from portal.reports._json import SCHEMAS, read_schema, write_json
from portal.results import Provenance

SCHEMA_ID = "https://model-comparison-portal.example/schemas/audit-1.json"
SCHEMA_PATH = SCHEMAS / "audit.schema.json"
FOUR_FIFTHS_RULE = "four_fifths"


@dataclass(frozen=True)
class Breach:
    """One configured rule one model breaks for one protected attribute."""

    model: str
    attribute: str
    rule: str
    value: float
    limit: float
    lowest: str
    highest: str
    verdict: str = "breach"  # from the ratio's interval: "inconclusive" when it reaches the limit

    @property
    def sentence(self) -> str:
        return (
            f"'{self.model}' breaches the four-fifths rule on {self.attribute}: group '{self.lowest}' is selected "
            f"at {self.value:.2f} of the rate of '{self.highest}' (limit {self.limit:.2f})"
        )


def build_audit(services: Any, threshold: float | None = None, generated_at: datetime | None = None) -> dict:
    """The audit of every model and protected attribute of a project (``services``: a
    :class:`portal.web.PortalServices` whose explanations are computed), as plain JSON values."""
    reason = services.fairness_support()
    if reason:
        raise ValueError(reason)
    config = services.fairness_config()
    threshold = config.threshold if threshold is None else float(threshold)
    attributes = services.protected_attributes()
    fairness = {a.name: services.group_metrics(a.name, threshold) for a in attributes}
    proxies = {a.name: {t.model_name: t for t in services.proxy_tables(a.name)} for a in attributes}
    methods = dict(zip(services.model_names, services.methods()))
    scales = dict(zip(services.model_names, services.output_scales()))
    models = {name: _model_entry(name, methods[name], scales[name], fairness, proxies) for name in services.model_names}
    breaches = [b for by_model in fairness.values() for f in by_model if (b := _breach(f)) is not None]
    return {
        "schema": SCHEMA_ID,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "project": {
            "title": str(services.title),
            "rows": int(services.total_rows()),
            "data_fingerprint": services.facts().data_fingerprint,
        },
        "settings": {
            "threshold": threshold,
            "four_fifths": config.four_fifths,
            "bands": {column: list(edges) for column, edges in config.bands.items()},
            "intersections": [list(columns) for columns in config.intersections],
            "rows": "held-out",
        },
        "attributes": {
            a.name: {
                "columns": list(a.columns),
                "groups": a.counts(),
                "bands": {column: list(edges) for column, edges in a.edges.items()},
            }
            for a in attributes
        },
        "models": models,
        "breaches": [_breach_record(b) for b in breaches],
        "passed": not breaches,
    }


def write_audit(audit: Mapping[str, Any], out: Path) -> None:
    """Write the audit as indented JSON, atomically (a reader never sees half a file); NaN is written as null."""
    write_json(audit, out)


def load_schema() -> dict:
    return read_schema(SCHEMA_PATH)


def _model_entry(
    name: str,
    provenance: Provenance,
    scale: str,
    fairness: Mapping[str, tuple[ModelFairness, ...]],
    proxies: Mapping[str, Mapping[str, ProxyTable]],
) -> dict:
    mine = {attribute: next(f for f in by_model if f.model_name == name) for attribute, by_model in fairness.items()}
    tables = {attribute: by_model.get(name) for attribute, by_model in proxies.items()}
    return {
        "explanation": {"method": provenance.method, "exact": provenance.exact, "output_scale": scale},
        "groups": {attribute: f.as_dict()["groups"] for attribute, f in mine.items()},
        "overall": {attribute: f.as_dict()["overall"] for attribute, f in mine.items()},
        "disparity": {attribute: f.disparity.as_dict() for attribute, f in mine.items()},
        "proxies": {attribute: t.to_records() if t else [] for attribute, t in tables.items()},
        "direct_use": {attribute: t.to_dict()["direct"] if t else [] for attribute, t in tables.items()},
        "proxy_auc_all_features": {
            attribute: t.to_dict()["auc_all_features"] if t else None for attribute, t in tables.items()
        },
    }


def _breach(fairness: ModelFairness) -> Breach | None:
    disparity = fairness.disparity
    if not disparity.breaches_four_fifths:
        return None
    return Breach(
        model=fairness.model_name,
        attribute=fairness.attribute,
        rule=FOUR_FIFTHS_RULE,
        value=disparity.demographic_parity_ratio,
        limit=disparity.four_fifths,
        lowest=disparity.lowest,
        highest=disparity.highest,
        verdict=disparity.verdict,
    )


def _breach_record(breach: Breach) -> dict:
    return {
        "model": breach.model,
        "attribute": breach.attribute,
        "rule": breach.rule,
        "value": breach.value,
        "limit": breach.limit,
        "lowest": breach.lowest,
        "highest": breach.highest,
        "sentence": breach.sentence,
        "verdict": breach.verdict,
    }
