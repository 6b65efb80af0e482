"""What changed in one window, in words and in a ranked table, against the reference or the window before.

    monitoring_summary(report, "2017-07", REFERENCE, outcome="avg_price_per_room")
    # ("In 2017-07 the Pricing ensemble's mean avg_price_per_room rose by 14.20 against the reference
    #   (2016-07..2016-12), from 106.20 to 120.40 (raw output units).",
    #  "Most of it is historical_adr (+6.10) and lead_time (+5.30).",
    #  "Random forest now leans less on historical_adr than in the reference (share 52% → 37%, KS p < 0.001).",
    #  "3 alerts in 2017-07: 2 data drift (PSI), 1 attribution shift.")

The numbers of the first two sentences come from the exact decomposition of the mean prediction's change
(:func:`mean_change`): before + base change + the features' parts = after. The reference is pooled from its
windows weighted by their rows, which is exact too, since a mean over the reference rows is the rows-weighted
mean of its windows' means. Shares are scale-free; the KS p-values are always against the reference
(Holm-corrected, as :class:`ShiftTests` computes them), and PSI is the window's data against the reference's.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

import numpy as np

from portal.analyses._attribution_over_time import MeanChange, WindowAttribution, mean_change, p_words
from portal.analyses._monitoring import Alert, ModelOverTime
from portal.analyses._monitoring_report import MonitoringReport
from portal.analyses._narrative import SCALE_WORDS
from portal.analyses._windows import Windows
from portal.results import RAW

REFERENCE, PREVIOUS, YEAR_BEFORE = "reference", "previous", "year-before"
AGAINST = (REFERENCE, PREVIOUS, YEAR_BEFORE)
ALERT_WORDS = {
    "attribution_shift": "attribution shift",
    "rank_agreement": "ranking change",
    "psi": "data drift (PSI)",
    "prediction_shift": "prediction shift",
    "error_rise": "error rise",
}
UNIT_WORDS = {RAW: "raw output units"}


@dataclass(frozen=True)
class FeatureChange:
    """One feature of one model: its share of attribution before and after, the shift test and the data drift."""

    model: str
    feature: str
    before: float  # share of total mean |SHAP| in the baseline (scale-free)
    after: float  # in the window
    p_value: float  # KS test of its SHAP values in the window against the reference, Holm-corrected
    psi: float  # the feature's values in the window against the reference's

    @property
    def move(self) -> float:
        return self.after - self.before


def reference_window(model: ModelOverTime) -> WindowAttribution:
    """The reference windows pooled into one (means weighted by rows, exact); its share is the model's own."""
    chosen = [a for a, ref in zip(model.attribution, model.windows.reference) if ref and a.rows]
    weights = np.array([a.rows for a in chosen], dtype=np.float64)

    def pooled(name: str):
        return np.average(np.array([getattr(a, name) for a in chosen], dtype=np.float64), axis=0, weights=weights)

    nothing = np.full(len(model.features), np.nan)
    return WindowAttribution(
        window=REFERENCE,
        rows=int(weights.sum()),
        mean_abs=pooled("mean_abs"),
        share=model.reference_share,
        share_low=nothing,
        share_high=nothing,
        mean_contribution=pooled("mean_contribution"),
        mean_base=float(pooled("mean_base")),
        mean_prediction=float(pooled("mean_prediction")),
    )


def baseline_index(windows: Windows, window: str, against: str) -> int | None:
    """The index of the window ``window`` is compared with: the window before it (``previous``), the same window a
    year before (``year-before``: the seasonal baseline), or None for the pooled reference (also when the asked
    window does not exist: the first window has none before it, a window in the data's first year none a year
    before)."""
    i = windows.index(window)
    if against == PREVIOUS and i > 0:
        return i - 1
    if against == YEAR_BEFORE and (earlier := windows.year_before(window)) is not None:
        return windows.index(earlier)
    return None


def baseline(model: ModelOverTime, window: str, against: str) -> WindowAttribution:
    """What ``window`` is compared with (see :func:`baseline_index`): one earlier window, or the pooled reference."""
    found = baseline_index(model.windows, window, against)
    return reference_window(model) if found is None else model.attribution[found]


def window_change(model: ModelOverTime, window: str, against: str) -> MeanChange:
    """The exact split of the model's mean prediction's change from the baseline to ``window``."""
    after = model.attribution[model.windows.index(window)]
    return mean_change(baseline(model, window, against), after, model.features)


def reference_span(report: MonitoringReport) -> str:
    """'2016-07..2016-12' (or the one reference window's label)."""
    chosen = [label for label, ref in zip(report.windows.labels, report.windows.reference) if ref]
    return chosen[0] if len(chosen) == 1 else f"{chosen[0]}..{chosen[-1]}"


def baseline_words(report: MonitoringReport, window: str, against: str) -> str:
    """'the reference (2016-07..2016-12)', '2017-06' (the window before) or '2016-07' (a year before)."""
    found = baseline_index(report.windows, window, against)
    return f"the reference ({reference_span(report)})" if found is None else report.windows.labels[found]


def feature_changes(report: MonitoringReport, window: str, against: str) -> tuple[FeatureChange, ...]:
    """Every (model, feature) in ``window``, the largest move of share first (ties: the smaller p-value first)."""
    i = report.windows.index(window)
    found = []
    for model in report.models:
        before = baseline(model, window, against).share
        for j, feature in enumerate(model.features):
            k = model.drift.features.index(feature) if feature in model.drift.features else None
            psi = float(model.drift.psi[i, k]) if k is not None else np.nan
            after = float(model.attribution[i].share[j])
            found.append(FeatureChange(model.model, feature, float(before[j]), after, model.shifts.p_value[i, j], psi))
    order = sorted(range(len(found)), key=lambda n: (-abs(np.nan_to_num(found[n].move)), _p(found[n].p_value)))
    return tuple(found[n] for n in order)


def _p(p_value: float) -> float:
    return p_value if np.isfinite(p_value) else 1.0


def main_model(report: MonitoringReport) -> str:
    """The model the summary speaks of first: the first average of the others (the ensemble deployed), else the
    first model."""
    averages = [m.model for m, p in zip(report.models, report.provenance) if p.members]
    return (averages or list(report.model_names))[0]


def monitoring_summary(report: MonitoringReport, window: str, against: str, *, outcome: str) -> tuple[str, ...]:
    """The sentences at the top of /monitoring (see the module): the main model's change and its largest parts,
    the largest move of a share among all models, and the window's alerts."""
    model = report.model(main_model(report))
    change = window_change(model, window, against)
    sentences = [_change_sentence(report, model, change, window, against, outcome), _parts_sentence(model, change)]
    sentences.append(_lean_sentence(report, window, against))
    sentences.append(alerts_sentence(report, window))
    return tuple(s for s in sentences if s)


def _change_sentence(report, model, change: MeanChange, window, against, outcome: str) -> str:
    quantity = SCALE_WORDS.get(model.scale, "{outcome}").format(outcome=outcome)
    units = UNIT_WORDS.get(model.scale, model.scale)
    verb = "rose" if change.change > 0 else "fell" if change.change < 0 else "did not move"
    by = f" by {number(abs(change.change), model.scale)}" if change.change else ""
    return (
        f"In {window} the {model.model}'s mean {quantity} {verb}{by} against "
        f"{baseline_words(report, window, against)}, from {number(change.before, model.scale)} to "
        f"{number(change.after, model.scale)} ({units})."
    )


def _parts_sentence(model: ModelOverTime, change: MeanChange, top: int = 2) -> str:
    """The features that moved the mean most in the direction it moved (the largest parts if it did not move)."""
    direction = np.sign(change.change)
    along = [(f, v) for f, v in change.contributions if direction == 0 or np.sign(v) == direction]
    if not along[:top]:
        return ""
    parts = " and ".join(f"{feature} ({signed(value, model.scale)})" for feature, value in along[:top])
    lead = "Most of it is" if direction else "The largest parts are"
    return f"{lead} {parts}."


def _lean_sentence(report: MonitoringReport, window: str, against: str) -> str:
    changes = feature_changes(report, window, against)
    if not changes or not np.isfinite(changes[0].move):
        return ""
    top, before = changes[0], baseline_words(report, window, against)
    against_reference = baseline_index(report.windows, window, against) is None
    than = "in the reference" if against_reference else f"in {before}"
    test = p_words(top.p_value)
    test = f"KS {test}" if against_reference else f"against the reference KS {test}"
    numbers = f"share {top.before:.0%} → {top.after:.0%}, {test}"
    if abs(top.move) < report.thresholds.attribution_shift:
        return (
            f"No share of attribution moved by {report.thresholds.attribution_shift * 100:.0f} points or more against "
            f"{before}; the largest move is {top.model}'s on {top.feature} ({numbers})."
        )
    return f"{top.model} now leans {'more' if top.move > 0 else 'less'} on {top.feature} than {than} ({numbers})."


def window_alerts(report: MonitoringReport, window: str) -> tuple[Alert, ...]:
    """The alerts of ``window``, a feature's data drift once (it is the same data for every model), in the
    report's order."""
    found, drifted = [], set()
    for alert in report.alerts:
        if alert.window != window or (alert.kind == "psi" and alert.feature in drifted):
            continue
        if alert.kind == "psi":
            drifted.add(alert.feature)
        found.append(alert)
    return tuple(found)


def alerts_sentence(report: MonitoringReport, window: str) -> str:
    """'3 alerts in 2017-07: 2 data drift (PSI), 1 attribution shift.' or 'No alert in 2017-07.' (a feature's
    data drift counts once)."""
    found = window_alerts(report, window)
    if not found:
        return f"No alert in {window}."
    kinds = Counter(a.kind for a in found)
    listed = ", ".join(f"{n} {ALERT_WORDS.get(kind, kind)}" for kind, n in kinds.most_common())
    return f"{len(found)} alert{'s' if len(found) > 1 else ''} in {window}: {listed}."


def number(value: float, scale: str) -> str:
    """Two decimals in raw units, three in probability or log-odds."""
    return f"{value:,.2f}" if scale == RAW else f"{value:,.3f}"


def signed(value: float, scale: str) -> str:
    return f"{value:+,.2f}" if scale == RAW else f"{value:+,.3f}"
