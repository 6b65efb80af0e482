"""The monitoring report: one machine-readable file per project for pipelines that watch models over time.

:func:`build_monitor` turns a :class:`~portal.analyses.MonitoringReport` into the shape that
``schemas/monitor.schema.json`` describes (tests validate every file against it)::

    windows                                                     (oldest first: window, rows, reference)
    models.<model>.windows.<window>.features.<feature>.share    (and mean_abs, mean_contribution, shift_p_value, psi)
    models.<model>.windows.<window>.mean_prediction             (and rank_agreement, ndcg, error)
    models.<model>.windows.<window>.change_from_previous        (the mean prediction's change, split by feature)
    models.<model>.windows.<window>.change_from_year_before     (the same, against the same window a year before)
    alerts                                                      (every threshold crossed, with a plain reason)
    common.models.<model>.windows.<window>...                   (classification: the same in probability, on a
                                                                 seeded sample; rows of sample_of per window)

Numbers are in each model's explanation scale (``models.<model>.scale``); shares, PSI and rank agreement are
scale-free. A classification project's models answer in different scales (log-odds, probability), so its file
also has a ``common`` section: every model in probability on the common scale's seeded sample of rows, whose
numbers compare across models. Its alerts are the top-level ones, raised in each model's own scale on every row.
The file is deterministic for a project and its cache (seeded bootstrap) apart from
``generated_at``. The CLI exits 3 when there is an alert, so a pipeline can stop on it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np

from portal.analyses import ModelOverTime, MonitoringReport, mean_change
from portal.reports._json import SCHEMAS, read_schema, write_json
from portal.results import PROBABILITY, ProjectFacts, Provenance

SCHEMA_ID = "https://model-comparison-portal.example/schemas/monitor-1.json"
SCHEMA_PATH = SCHEMAS / "monitor.schema.json"
METHOD = {
    "windows": "calendar periods of the [data] time column; the reference windows are the baseline of every comparison",
    "attribution": "mean |SHAP| per feature over a window's rows of each model's stored explanation of every row; "
    "share: its part of the total, with a 95% bootstrap interval (200 resamples of the window's rows)",
    "rank_agreement": "Kendall tau-b of the window's mean |SHAP| against the reference's; ndcg: the window's "
    "ranking scored with the reference's mean |SHAP| as relevance (1: the same order)",
    "psi": "population stability index of the feature's values against the reference's, over the reference's "
    "deciles (numbers) or categories (text, plus one bin for unseen values), empty bins floored at 1e-4",
    "error": "on the rows with a label that the models did not learn from: MAE and RMSE (regression), AUC and "
    "Brier score of the positive class's probability (binary classification)",
    "change_from_previous": "the change of the mean prediction since the window before, split exactly: before + "
    "base_change + the sum of the features' contributions = after, since each row's prediction is its base value "
    "plus its contributions",
    "change_from_year_before": "the same split against the same window a year before (the seasonal baseline: "
    "July against last July); null when the data has no such window",
    "error_rise": "the watched error (MAE or Brier) above the reference's by the threshold, and beyond chance: "
    "one-sided z-test at the significance level divided by the number of windows watched",
}
COMMON_METHOD = (
    "every model in probability (the common scale) on the project's seeded sample of rows: the same figures as "
    "models, over each window's rows in the sample (rows) of all its rows (sample_of); alerts are the top-level "
    "ones, raised in each model's own scale on every row"
)


def build_monitor(
    report: MonitoringReport,
    facts: ProjectFacts | None = None,
    generated_at: datetime | None = None,
    common: MonitoringReport | None = None,
) -> dict:
    """The report as plain JSON values; ``facts`` names the project it is about; ``common`` is the same report in
    the common scale (classification), written as the ``common`` section."""
    windows = report.windows
    built = {
        "schema": SCHEMA_ID,
        "generated_at": (generated_at or datetime.now(UTC)).isoformat(timespec="seconds"),
        "settings": {
            "window": windows.kind,
            "reference": [label for label, chosen in zip(windows.labels, windows.reference) if chosen],
            "thresholds": asdict(report.thresholds),
        },
        "method": {**METHOD, "shift_test": report.models[0].shifts.method if report.models else ""},
        "windows": [
            {"window": label, "rows": int(rows), "reference": bool(chosen)}
            for (label, rows), chosen in zip(windows.counts().items(), windows.reference)
        ],
        "models": {m.model: _model(m, p) for m, p in zip(report.models, report.provenance)},
        "alerts": [asdict(alert) for alert in report.alerts],
        "passed": not report.alerts,
    }
    if facts is not None:
        built["project"] = {"title": facts.title, "rows": facts.rows, "data_fingerprint": facts.data_fingerprint}
    if common is not None:
        built["common"] = _common(common)
    return built


def _common(report: MonitoringReport) -> dict:
    """The common-scale report: its sample, its windows (rows of sample_of each) and its models in probability."""
    windows = report.windows
    whole = windows.whole_counts()
    return {
        "scale": PROBABILITY,
        "sample": {"rows": int(len(windows.row_window)), "of_rows": int(sum(whole.values())), "seeded": True},
        "method": COMMON_METHOD,
        "windows": [
            {"window": label, "rows": int(rows), "sample_of": int(whole[label]), "reference": bool(chosen)}
            for (label, rows), chosen in zip(windows.counts().items(), windows.reference)
        ],
        "models": {m.model: _model(m, p) for m, p in zip(report.models, report.provenance)},
    }


def write_monitor(monitor: Mapping[str, Any], out: Path) -> None:
    """Write the report as indented JSON, atomically (a reader never sees half a file); NaN is written as null."""
    write_json(monitor, out)


def load_schema() -> dict:
    return read_schema(SCHEMA_PATH)


def _model(model: ModelOverTime, provenance: Provenance) -> dict:
    reference_error = model.reference_error
    return {
        "scale": model.scale,
        "method": provenance.method,
        "exact": provenance.exact,
        "model_fingerprint": provenance.model_fingerprint,
        "reference": {
            "mean_prediction": model.reference_prediction,
            "prediction_spread": model.reference_spread,
            "share": _by_feature(model.features, model.reference_share),
            "error": _error(reference_error) if reference_error is not None and reference_error.rows else None,
        },
        "windows": {label: _window(model, i) for i, label in enumerate(model.windows.labels)},
    }


def _window(model: ModelOverTime, i: int) -> dict:
    window, agreement = model.attribution[i], model.agreement[i]
    error = model.errors[i] if model.errors else None
    earlier = model.windows.year_before(model.windows.labels[i])
    year_before = None if earlier is None else model.windows.index(earlier)
    built = {
        "rows": int(window.rows),
        "reference": bool(model.windows.reference[i]),
        "mean_prediction": window.mean_prediction,
        "mean_base": window.mean_base,
        "rank_agreement": agreement.kendall_tau_b,
        "ndcg": agreement.ndcg,
        "error": _error(error) if error is not None and error.rows else None,
        "features": {name: _feature(model, i, j) for j, name in enumerate(model.features)},
        "change_from_previous": _change(model, i - 1, i) if i > 0 else None,
        "change_from_year_before": _change(model, year_before, i) if year_before is not None else None,
    }
    if model.windows.is_sample:
        built["sample_of"] = int(model.windows.sampled_from[i])
    if built["error"] is not None and model.concentration:
        built["error"]["concentrates_on"] = model.concentration[i].feature
    return built


def _feature(model: ModelOverTime, i: int, j: int) -> dict:
    window, drift, name = model.attribution[i], model.drift, model.features[j]
    k = drift.features.index(name) if name in drift.features else None
    return {
        "mean_abs": float(window.mean_abs[j]),
        "share": float(window.share[j]),
        "share_low": float(window.share_low[j]),
        "share_high": float(window.share_high[j]),
        "mean_contribution": float(window.mean_contribution[j]),
        "shift_statistic": float(model.shifts.statistic[i, j]),
        "shift_p_value": float(model.shifts.p_value[i, j]),
        "psi": float(drift.psi[i, k]) if k is not None else None,
        "unseen": float(drift.unseen[i, k]) if k is not None else None,
    }


def _change(model: ModelOverTime, before: int, i: int) -> dict:
    """The exact split of the mean prediction's change from window ``before`` to window ``i``, largest parts
    first."""
    change = mean_change(model.attribution[before], model.attribution[i], model.features)
    return {
        "from": change.before_window,
        "before": change.before,
        "after": change.after,
        "base_change": change.base_change,
        "contributions": dict(change.contributions),
    }


def _error(error) -> dict:
    return {"rows": int(error.rows), **{name: float(value) for name, value in error.metrics}}


def _by_feature(features: tuple[str, ...], values: np.ndarray) -> dict[str, float]:
    return {name: float(value) for name, value in zip(features, values)}
