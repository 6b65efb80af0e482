"""Performance curves equal scikit-learn's on the same predictions, and stay small however many rows."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn import metrics as skm

from portal.analyses import classification_curves, confusion_at, regression_diagnostics

RNG = np.random.default_rng(0)
Y = RNG.integers(0, 2, 5_000)
P = np.clip(0.3 * Y + RNG.random(5_000) * 0.7, 0, 1)


def test_curves_keep_sklearns_scores_and_are_thinned_to_the_cap_with_their_ends() -> None:
    curves = classification_curves("GB", Y, P, max_points=50)
    assert curves.n == 5_000
    assert curves.roc_auc == pytest.approx(skm.roc_auc_score(Y, P))
    assert curves.average_precision == pytest.approx(skm.average_precision_score(Y, P))
    assert curves.brier == pytest.approx(skm.brier_score_loss(Y, P))
    assert len(curves.roc_fpr) <= 50 and (curves.roc_fpr[0], curves.roc_tpr[-1]) == (0.0, 1.0)
    assert len(curves.pr_recall) <= 50 and curves.pr_recall[0] == 0.0 and curves.pr_recall[-1] == 1.0
    assert np.all(np.diff(curves.roc_fpr) >= 0)


def test_calibration_bins_report_observed_share_of_positives() -> None:
    y = np.array([0, 0, 1, 1, 1, 1])
    p = np.array([0.05, 0.05, 0.05, 0.95, 0.95, 0.95])
    curves = classification_curves("RF", y, p)
    assert curves.calibration_predicted == pytest.approx([0.05, 0.95])
    assert curves.calibration_observed == pytest.approx([1 / 3, 1.0])


def test_lift_is_the_positive_rate_among_the_top_rows_over_the_base_rate() -> None:
    y = np.array([1, 0, 1, 0])
    p = np.array([0.9, 0.8, 0.7, 0.1])
    curves = classification_curves("RF", y, p)
    assert curves.lift_fraction.tolist() == [0.25, 0.5, 0.75, 1.0]
    assert curves.lift == pytest.approx([2.0, 1.0, 4 / 3, 1.0])


def test_confusion_counts_at_a_threshold_match_sklearn() -> None:
    confusion = confusion_at(Y, P, 0.6)
    tn, fp, fn, tp = skm.confusion_matrix(Y, P >= 0.6).ravel()
    assert (confusion.true_negative, confusion.false_positive, confusion.false_negative, confusion.true_positive) == (
        tn,
        fp,
        fn,
        tp,
    )
    assert confusion.precision == pytest.approx(skm.precision_score(Y, P >= 0.6))
    assert confusion.recall == pytest.approx(skm.recall_score(Y, P >= 0.6))
    assert confusion.accuracy == pytest.approx(skm.accuracy_score(Y, P >= 0.6))
    assert np.isnan(confusion_at(Y, P, 2.0).precision)  # nothing called positive


def test_regression_samples_points_and_averages_error_per_segment() -> None:
    actual = np.arange(10, dtype=float)
    predicted = actual + np.array([1, -1, 2, -2, 0, 0, 0, 0, 3, -3], dtype=float)
    segment = np.array(["a"] * 4 + ["b"] * 4 + ["c", None])
    diagnostics = regression_diagnostics("price", actual, predicted, {"region": segment}, max_points=5)
    assert diagnostics.n == 10 and len(diagnostics.actual) == 5
    assert diagnostics.residuals == pytest.approx(diagnostics.actual - diagnostics.predicted)
    assert diagnostics.error_by_segment == {"region": {"a": 1.5, "b": 0.0, "c": 3.0}}


def test_error_by_segment_keeps_bands_and_numbers_in_reading_order() -> None:
    actual = np.zeros(8)
    bands = np.array(["60+", "<25", "40-60", "25-40", "60+", "<25", "40-60", "60+"], dtype=object)
    counts = np.array(["10", "2", "3", "10", "2", "3", "1", "1"], dtype=object)
    diagnostics = regression_diagnostics("price", actual, actual + 1, {"age": bands, "rooms": counts})
    assert list(diagnostics.error_by_segment["age"]) == ["<25", "25-40", "40-60", "60+"]
    assert list(diagnostics.error_by_segment["rooms"]) == ["1", "2", "3", "10"]
