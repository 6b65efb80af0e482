"""Monitoring on a sample of rows, as the common scale (probability) does: windows restricted to the sample keep
their labels and reference and say how many rows each whole window has; a window the sample misses, or holds a
row or two of, is NaN and raises nothing; and the mean probability's change still splits exactly by feature."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from sklearn.ensemble import RandomForestClassifier

from portal.analyses import AlertThresholds, Sample, mean_change, monitoring_report, windows_of
from portal.explain import explainer_for
from portal.results import PROBABILITY, Explanation, Provenance

MONTHS = pd.period_range("2016-07", periods=6, freq="M")
FEATURES = ["a", "b", "c"]
ROWS_PER_MONTH = 60


def months(seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    frames = []
    for i, month in enumerate(MONTHS):
        frame = pd.DataFrame(rng.normal(size=(ROWS_PER_MONTH, 3)), columns=FEATURES)
        frame["c"] += 1.5 * (i >= 4)
        frame["when"] = str(month.start_time.date())
        frames.append(frame)
    return pd.concat(frames, ignore_index=True)


def sample_positions(windows) -> np.ndarray:
    """40 rows of each reference month and of 2016-11, one row of 2016-12, none of 2016-10."""
    chosen = [windows.rows_of(label)[:40] for label in ("2016-07", "2016-08", "2016-09", "2016-11")]
    return np.sort(np.concatenate([*chosen, windows.rows_of("2016-12")[:1]]))


def in_probability(frame: pd.DataFrame, positions: np.ndarray) -> tuple[Explanation, np.ndarray]:
    X = frame[FEATURES]
    y = (X["a"] + X["c"] > 0.5).to_numpy().astype(int)
    model = RandomForestClassifier(n_estimators=10, max_depth=4, random_state=0).fit(X.iloc[:180], y[:180])
    explainer = explainer_for(model, task="classification", background=X.iloc[:100])
    assert explainer.output_scale == PROBABILITY
    batch = explainer.explain(X.iloc[positions])
    explanation = Explanation(
        model_name="Forest",
        feature_names=tuple(FEATURES),
        row_ids=positions.astype(str),
        values=batch.values,
        base_values=batch.base_values,
        outputs=batch.outputs,
        output_scale=PROBABILITY,
        provenance=Provenance("model", "data", method="TreeSHAP", exact=True),
    )
    return explanation, y


def test_restricted_windows_keep_labels_and_reference_and_count_the_whole_windows() -> None:
    windows = windows_of(months()["when"], "month", "2016-07..2016-09")
    positions = sample_positions(windows)
    sample = windows.restricted(positions)
    assert (sample.labels, sample.reference, sample.kind) == (windows.labels, windows.reference, windows.kind)
    assert sample.counts() == {"2016-07": 40, "2016-08": 40, "2016-09": 40, "2016-10": 0, "2016-11": 40, "2016-12": 1}
    assert sample.whole_counts() == windows.counts() == {str(m): ROWS_PER_MONTH for m in MONTHS}
    assert sample.is_sample and not windows.is_sample and windows.whole_counts() == windows.counts()
    assert np.array_equal(sample.rows_of("2016-12"), [160])  # positions into the sample's rows
    assert len(sample.reference_rows) == 120
    again = sample.restricted(np.arange(10))  # a sample of the sample still counts the whole windows
    assert again.whole_counts() == windows.counts() and again.counts()["2016-07"] == 10


def test_a_window_without_sample_rows_is_nan_and_raises_nothing_and_one_row_is_enough_to_draw() -> None:
    frame = months()
    windows = windows_of(frame["when"], "month", "2016-07..2016-09")
    positions = sample_positions(windows)
    explanation, y = in_probability(frame, positions)
    sample = windows.restricted(positions)
    truth = y[positions].astype(np.float64)
    labels = {"Forest": (truth, np.asarray(explanation.outputs, dtype=np.float64), "classification")}
    features = frame[FEATURES].iloc[positions].reset_index(drop=True)
    report = monitoring_report([explanation], sample, features, AlertThresholds(), labels)  # warnings are errors
    model = report.model("Forest")
    empty = sample.index("2016-10")
    assert model.attribution[empty].rows == 0 and np.isnan(model.attribution[empty].mean_prediction)
    assert np.isnan(report.drift.psi[empty]).all() and np.isnan(model.agreement[empty].kendall_tau_b)
    assert model.errors[empty].rows == 0
    assert not [a for a in report.alerts if a.window == "2016-10"]
    one = model.attribution[sample.index("2016-12")]
    assert one.rows == 1 and np.isfinite(one.mean_prediction) and np.isfinite(report.drift.psi[-1]).all()
    assert np.isfinite(model.reference_prediction) and report.windows.whole_counts()["2016-10"] == ROWS_PER_MONTH


def test_the_mean_probability_change_splits_exactly_by_feature_on_the_sample() -> None:
    frame = months(1)
    windows = windows_of(frame["when"], "month", "2016-07..2016-09")
    positions = sample_positions(windows)
    explanation, _ = in_probability(frame, positions)
    sample = windows.restricted(positions)
    report = monitoring_report([explanation], sample, frame[FEATURES].iloc[positions], AlertThresholds())
    model, outputs = report.model("Forest"), np.asarray(explanation.outputs)
    present = [a for a in model.attribution if a.rows]
    assert len(present) == 5
    for before in present:
        for after in present:
            change = mean_change(before, after, model.features)
            parts = change.before + change.base_change + sum(v for _, v in change.contributions)
            truth = outputs[sample.rows_of(after.window)].mean() - outputs[sample.rows_of(before.window)].mean()
            assert parts == pytest.approx(change.after, abs=1e-9)
            assert change.change == pytest.approx(truth, abs=1e-9)
            assert 0 <= change.after <= 1  # probability


def test_the_projects_sample_restricts_windows_in_data_order() -> None:
    windows = windows_of(months()["when"], "month", "2016-07..2016-09")
    drawn = Sample.draw(len(windows.row_window), 50, seed=3)
    sample = windows.restricted(drawn.positions)
    assert sum(sample.counts().values()) == 50
    assert np.array_equal(sample.row_window, windows.row_window[drawn.positions])
