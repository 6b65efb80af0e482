"""The alerts a model's monitoring raises against the project's thresholds, each with a plain reason.

An error rise is an alert when it passes its threshold and stands out of the noise: a one-sided z-test of the
window's mean error (MAE or Brier) against the reference's, from their standard errors, at the significance
level divided by the number of windows watched (Bonferroni), so a dozen windows of a few hundred rows do not
raise a false alarm by chance.
"""

from __future__ import annotations

from statistics import NormalDist

import numpy as np

from portal.analyses._attribution_over_time import p_words
from portal.analyses._monitoring import Alert, AlertThresholds, ModelOverTime

#: Which error each task watches for a rise: lower is better for both.
WATCHED_ERROR = {"regression": "MAE", "classification": "Brier"}


def alerts_for(model: ModelOverTime, thresholds: AlertThresholds) -> tuple[Alert, ...]:
    """Every alert of one model, window by window (oldest first), the reference windows excepted."""
    found: list[Alert] = []
    for i in range(len(model.windows.labels)):
        if model.windows.reference[i] or model.attribution[i].rows == 0:
            continue
        found += _attribution_alerts(model, i, thresholds)
        found += _drift_alerts(model, i, thresholds)
        found += _prediction_alerts(model, i, thresholds)
        found += _error_alerts(model, i, thresholds)
    return tuple(found)


def _attribution_alerts(model: ModelOverTime, i: int, thresholds: AlertThresholds) -> list[Alert]:
    window = model.attribution[i]
    found = []
    moves = window.share - model.reference_share
    for j in np.argsort(-np.abs(moves), kind="stable"):
        p_value = model.shifts.p_value[i, j]
        if abs(moves[j]) < thresholds.attribution_shift or not p_value < thresholds.significance:
            continue
        feature = model.features[j]
        reason = (
            f"{model.model} leans {'more' if moves[j] > 0 else 'less'} on {feature} in {window.window}: share of "
            f"attribution {model.reference_share[j]:.0%} in the reference, {window.share[j]:.0%} now "
            f"(KS test, Holm-corrected {p_words(p_value)})"
        )
        found.append(
            Alert(
                model.model,
                window.window,
                feature,
                "attribution_shift",
                float(moves[j]),
                thresholds.attribution_shift,
                reason,
            )
        )
    tau = model.agreement[i].kendall_tau_b
    if np.isfinite(tau) and tau < thresholds.rank_agreement:
        reason = (
            f"{model.model}'s ranking of features in {window.window} agrees with the reference's at Kendall tau-b "
            f"{tau:.2f}, below {thresholds.rank_agreement:g}"
        )
        found.append(
            Alert(model.model, window.window, None, "rank_agreement", float(tau), thresholds.rank_agreement, reason)
        )
    return found


def _drift_alerts(model: ModelOverTime, i: int, thresholds: AlertThresholds) -> list[Alert]:
    label, found = model.windows.labels[i], []
    for j in np.argsort(-model.drift.psi[i], kind="stable"):
        value = float(model.drift.psi[i, j])
        if not value > thresholds.psi:  # sorted largest first; NaN (a window without rows) last
            break
        feature = model.drift.features[j]
        reason = f"{feature}'s values in {label} differ from the reference's: PSI {value:.2f} > {thresholds.psi:g}"
        found.append(Alert(model.model, label, feature, "psi", value, thresholds.psi, reason))
    return found


def _prediction_alerts(model: ModelOverTime, i: int, thresholds: AlertThresholds) -> list[Alert]:
    window, reference = model.attribution[i], model.reference_prediction
    yardstick = max(abs(reference), model.reference_spread)  # a mean near zero (log-odds, centred targets)
    if not np.isfinite(reference) or yardstick == 0:  # would make any move look enormous
        return []
    shift = (window.mean_prediction - reference) / yardstick
    if abs(shift) < thresholds.prediction_shift:
        return []
    of = "its size" if yardstick == abs(reference) else "its spread"
    reason = (
        f"{model.model}'s mean prediction in {window.window} is {window.mean_prediction:.4g} against "
        f"{reference:.4g} in the reference ({shift:+.0%} of {of}, {model.scale})"
    )
    return [
        Alert(model.model, window.window, None, "prediction_shift", float(shift), thresholds.prediction_shift, reason)
    ]


def _error_alerts(model: ModelOverTime, i: int, thresholds: AlertThresholds) -> list[Alert]:
    if not model.errors or model.reference_error is None or model.errors[i].rows == 0:
        return []
    name = next(n for n, _ in model.errors[i].metrics if n in WATCHED_ERROR.values())
    before, after = model.reference_error.get(name), model.errors[i].get(name)
    if not before > 0 or not np.isfinite(after):
        return []
    rise = (after - before) / before
    if rise < thresholds.error_rise or not _stands_out(model, i, name, thresholds.significance):
        return []
    where = model.concentration[i].feature if model.concentration else None
    reason = (
        f"{model.model}'s {name} in {model.errors[i].window} is {after:.4g} against {before:.4g} in the "
        f"reference ({rise:+.0%})"
    )
    if where:
        reason += f"; the rise concentrates on {where}"
    return [Alert(model.model, model.errors[i].window, where, "error_rise", float(rise), thresholds.error_rise, reason)]


def _stands_out(model: ModelOverTime, i: int, name: str, significance: float) -> bool:
    """Whether window ``i``'s error is above the reference's beyond chance (see the module); True without
    standard errors to test with."""
    spread = np.hypot(model.reference_error.standard_error(name), model.errors[i].standard_error(name))
    if not np.isfinite(spread) or spread == 0:
        return True
    watched = max(1, sum(not reference for reference in model.windows.reference))
    z = (model.errors[i].get(name) - model.reference_error.get(name)) / spread
    return z > NormalDist().inv_cdf(1 - significance / watched)
