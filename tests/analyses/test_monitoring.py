"""Monitoring over time on synthetic months with planted changes: the right feature is flagged from the right
window on, nothing is flagged before, and the mean-prediction change splits exactly into its features."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import GradientBoostingRegressor, RandomForestRegressor

from portal.analyses import (
    AlertThresholds,
    MonitoringError,
    WindowError,
    alerts_for,
    data_drift,
    holm,
    mean_change,
    model_over_time,
    ndcg,
    psi,
    unseen_share,
    windows_of,
)
from portal.explain import explainer_for
from portal.results import Explanation, Provenance

MONTHS = pd.period_range("2016-07", periods=8, freq="M")
CHANGE = "2017-01"  # the planted change starts in the 7th month; the reference is 2016-07..2016-10
REFERENCE = "2016-07..2016-10"
FEATURES = ["a", "b", "c", "d"]


def months_of(rows_per_month: int, seed: int, shift_c: float = 0.0) -> pd.DataFrame:
    """Rows dated in each month; from CHANGE on, feature c's values move by ``shift_c``."""
    rng = np.random.default_rng(seed)
    frames = []
    for month in MONTHS:
        frame = pd.DataFrame(rng.normal(size=(rows_per_month, 4)), columns=FEATURES)
        if month >= pd.Period(CHANGE, "M"):
            frame["c"] += shift_c
        days = rng.integers(0, month.days_in_month, rows_per_month)
        frame["when"] = [str((month.start_time + pd.Timedelta(days=int(d))).date()) for d in days]
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def explained(model, frame: pd.DataFrame, name: str) -> Explanation:
    X = frame[FEATURES]
    batch = explainer_for(model, task="regression", background=X.iloc[:200]).explain(X)
    return Explanation(
        model_name=name,
        feature_names=tuple(FEATURES),
        row_ids=np.arange(len(frame)).astype(str),
        values=batch.values,
        base_values=batch.base_values,
        outputs=batch.outputs,
        output_scale="raw",
        provenance=Provenance("model", "data", method="TreeSHAP", exact=True),
    )


def training_rows(reference: np.ndarray) -> np.ndarray:
    """Seven in ten reference rows train the models; the others measure the reference's error, as held out."""
    return reference[np.random.default_rng(0).random(len(reference)) < 0.7]


def fitted_models(frame: pd.DataFrame, target: np.ndarray, reference: np.ndarray) -> dict:
    X, y = frame[FEATURES].iloc[training_rows(reference)], target[training_rows(reference)]
    return {
        "Forest": RandomForestRegressor(n_estimators=30, max_depth=6, random_state=0).fit(X, y),
        "Booster": GradientBoostingRegressor(n_estimators=60, max_depth=3, random_state=0).fit(X, y),
    }


def monitor(frame: pd.DataFrame, target: np.ndarray, with_labels: bool) -> list:
    windows = windows_of(frame["when"], "month", REFERENCE)
    models = fitted_models(frame, target, windows.reference_rows)
    drift = data_drift(frame[FEATURES], windows)
    found = []
    for name, model in models.items():
        held_out = np.asarray(target, dtype=np.float64).copy()
        held_out[training_rows(windows.reference_rows)] = np.nan  # errors only where the models did not learn
        labels = (held_out, model.predict(frame[FEATURES]), "regression") if with_labels else None
        over_time = model_over_time(explained(model, frame, name), windows, drift, labels, frame[FEATURES])
        found.append(over_time)
    return found


def test_a_planted_shift_in_one_features_values_is_flagged_for_every_model_from_its_window_on_and_not_before() -> None:
    frame = months_of(400, seed=1, shift_c=2.5)
    target = frame["a"] + 2 * frame["c"] + 0.5 * frame["b"] + np.random.default_rng(2).normal(0, 0.2, len(frame))
    for over_time in monitor(frame, target.to_numpy(), with_labels=False):
        alerts = alerts_for(over_time, AlertThresholds())
        flagged = {(a.window, a.feature, a.kind) for a in alerts}
        for window in ("2017-01", "2017-02"):
            assert (window, "c", "attribution_shift") in flagged, over_time.model
            assert (window, "c", "psi") in flagged, over_time.model
            in_window = [a for a in alerts if a.window == window and a.feature is not None]
            assert in_window[0].feature == "c"  # the top change there
            assert {a.feature for a in in_window} == {"c"}
        assert not [a for a in alerts if a.window in ("2016-11", "2016-12")], [a.reason for a in alerts]


def test_a_planted_change_in_one_features_effect_moves_no_explanation_but_raises_the_error_there() -> None:
    frame = months_of(400, seed=3)
    late = frame["when"] >= CHANGE
    effect = np.where(late, -2.0, 2.0)  # c's effect on the target flips; its values do not move
    target = (frame["a"] + effect * frame["c"] + np.random.default_rng(4).normal(0, 0.2, len(frame))).to_numpy()
    for over_time in monitor(frame, target, with_labels=True):
        alerts = alerts_for(over_time, AlertThresholds())
        kinds = {(a.window, a.kind) for a in alerts}
        assert not [a for a in alerts if a.kind in ("attribution_shift", "psi", "rank_agreement")]
        for window in ("2017-01", "2017-02"):
            assert (window, "error_rise") in kinds
            rise = next(a for a in alerts if a.window == window and a.kind == "error_rise")
            assert rise.feature == "c" and "concentrates on c" in rise.reason
        assert not [a for a in alerts if a.window in ("2016-11", "2016-12")], [a.reason for a in alerts]


def test_the_mean_prediction_change_splits_exactly_into_features_for_every_pair_of_windows_and_models() -> None:
    frame = months_of(150, seed=5, shift_c=1.0)
    target = (frame["a"] * frame["c"] + frame["b"]).to_numpy()
    windows = windows_of(frame["when"], "month", REFERENCE)
    drift = data_drift(frame[FEATURES], windows)
    for name, model in fitted_models(frame, target, windows.reference_rows).items():
        explanation = explained(model, frame, name)
        over_time = model_over_time(explanation, windows, drift)
        outputs = np.asarray(explanation.outputs)
        for before in over_time.attribution:
            for after in over_time.attribution:
                change = mean_change(before, after, over_time.features)
                parts = change.base_change + sum(v for _, v in change.contributions)
                truth = outputs[windows.rows_of(after.window)].mean() - outputs[windows.rows_of(before.window)].mean()
                assert parts == pytest.approx(truth, abs=1e-9)
                assert change.change == pytest.approx(truth, abs=1e-9)


def test_shares_come_with_a_bootstrap_interval_around_them_and_sum_to_one() -> None:
    frame = months_of(200, seed=6)
    target = (frame["a"] + frame["b"]).to_numpy()
    windows = windows_of(frame["when"], "month", REFERENCE)
    model = fitted_models(frame, target, windows.reference_rows)["Booster"]
    over_time = model_over_time(explained(model, frame, "Booster"), windows, data_drift(frame[FEATURES], windows))
    for window in over_time.attribution:
        assert window.rows == 200
        assert window.share.sum() == pytest.approx(1.0)
        assert np.all(window.share_low <= window.share) and np.all(window.share <= window.share_high)
        assert np.all(window.share_high - window.share_low < 0.1)
    assert [a.kendall_tau_b for a in over_time.agreement][:4] == pytest.approx([1.0, 1.0, 1.0, 1.0], abs=0.35)


def test_windows_are_calendar_periods_labelled_as_people_write_them() -> None:
    times = pd.Series(["2017-01-01", "2017-01-02", "2017-01-09", "2017-04-30", None], name="when")
    weeks = windows_of(times, "week", "2016-W52..2017-W01")
    assert weeks.labels == ("2016-W52", "2017-W01", "2017-W02", "2017-W17")  # 1 Jan 2017, a Sunday: ISO 2016-W52
    assert weeks.row_window.tolist() == [0, 1, 2, 3, -1]
    assert weeks.reference == (True, True, False, False)
    assert windows_of(times, "quarter", "2017Q1").labels == ("2017Q1", "2017Q2")
    assert windows_of(times, "month", "2017-01").counts() == {"2017-01": 3, "2017-04": 1}


@pytest.mark.parametrize(
    ("kind", "reference", "times", "message"),
    [
        ("fortnight", "2017-01", ["2017-01-01"], "window = 'fortnight' is not a window; use one of day, week"),
        ("month", "2016-01..2016-03", ["2017-01-01"], "reference window '2016-01' holds no rows"),
        ("month", "2017-02..2017-01", ["2017-01-01", "2017-02-01"], "ends before it starts"),
        ("month", "2017-01", ["2017-01-01", "soon"], "has 1 values that are not dates (for example 'soon')"),
    ],
)
def test_a_monitoring_mistake_is_one_line_naming_the_fix(kind, reference, times, message) -> None:
    with pytest.raises(MonitoringError, match=message.replace("(", r"\(").replace(")", r"\)")):
        windows_of(pd.Series(times, name="when"), kind, reference)


def test_a_window_with_too_few_rows_is_refused_with_its_count() -> None:
    times = pd.Series(["2017-01-01"] * 50 + ["2017-02-01"] * 3, name="when")
    with pytest.raises(MonitoringError, match=r"1 window\(s\) hold fewer than 30 rows: 2017-02 \(3\)"):
        windows_of(times, "month", "2017-01", minimum_rows=30)


def test_psi_ndcg_and_holm_match_hand_computed_values() -> None:
    reference = pd.Series(["x"] * 50 + ["y"] * 50)
    window = pd.Series(["x"] * 80 + ["y"] * 20)
    expected = (0.8 - 0.5) * np.log(0.8 / 0.5) + (0.2 - 0.5) * np.log(0.2 / 0.5)
    assert psi(reference, window) == pytest.approx(expected)
    assert psi(reference, reference) == pytest.approx(0.0)
    unseen = pd.Series(["x", "z", None, "z"] * 25)  # z: never in the reference, like the missing values
    shares = np.maximum([0.25, 1e-4, 0.75], 1e-4)
    assert psi(reference, unseen) == pytest.approx(
        np.sum((shares - [0.5, 0.5, 1e-4]) * np.log(shares / [0.5, 0.5, 1e-4]))
    )
    assert unseen_share(reference, unseen) == pytest.approx(2 / 3)  # of the values present
    assert ndcg(np.array([3.0, 2.0, 1.0]), np.array([3.0, 2.0, 1.0])) == pytest.approx(1.0)
    swapped = (2 / 1 + 3 / np.log2(3) + 1 / 2) / (3 / 1 + 2 / np.log2(3) + 1 / 2)
    assert ndcg(np.array([3.0, 2.0, 1.0]), np.array([2.0, 3.0, 1.0])) == pytest.approx(swapped)
    corrected = holm(np.array([[0.01, np.nan], [0.04, 0.03]]))
    assert corrected[0, 0] == pytest.approx(0.03)
    assert corrected[1, 1] == pytest.approx(0.06)
    assert corrected[1, 0] == pytest.approx(0.06)  # step-down: never below an earlier one
    assert np.isnan(corrected[0, 1])


def test_an_error_rise_past_its_threshold_is_an_alert_only_when_it_stands_out_of_the_noise() -> None:
    frame = months_of(150, seed=7)
    target = (frame["a"] + frame["b"] + np.random.default_rng(8).normal(0, 0.2, len(frame))).to_numpy()
    over_time = monitor(frame, target, with_labels=True)[0]
    before = over_time.reference_error.get("MAE")
    last = len(over_time.windows.labels) - 1

    def rise_alerts(standard_error: float) -> list:
        risen = WindowError("2017-02", 150, (("MAE", before * 1.15), ("RMSE", before)), (("MAE", standard_error),))
        errors = (*over_time.errors[:last], risen)
        steady = replace(over_time.reference_error, standard_errors=(("MAE", 0.0),))  # only the window's noise
        moved = replace(over_time, errors=errors, reference_error=steady)
        return [a for a in alerts_for(moved, AlertThresholds()) if a.kind == "error_rise"]

    assert [a.window for a in rise_alerts(before * 0.01)] == ["2017-02"]  # 15 % with a 1 % standard error
    assert rise_alerts(before * 0.10) == []  # 15 % is 1.5 standard errors: noise at 4 windows x 5 %


def test_ndcg_of_the_ideal_ranking_is_exactly_one_whatever_the_rounding() -> None:
    # the reversed view of the sorted relevance and the gathered copy sum to different last bits (1 + 2e-16
    # unclipped here), and the monitor's JSON schema holds ndcg to at most 1
    relevance = np.array([0.8181209709709104, 0.6265064624197535])
    assert ndcg(relevance, relevance) == 1.0
    assert ndcg(relevance, relevance[::-1]) < 1.0
