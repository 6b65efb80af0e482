"""The summary in words at the top of /monitoring, and the ranked changes, on a report small enough to check by hand
(tests/tiny_monitoring.py)."""

from __future__ import annotations

import numpy as np
import pytest

from portal.analyses import (
    PREVIOUS,
    REFERENCE,
    feature_changes,
    main_model,
    monitoring_summary,
    p_words,
    reference_window,
    window_alerts,
    window_change,
)
from tests.tiny_monitoring import tiny_report


@pytest.fixture(scope="module")
def report():
    return tiny_report()


def test_the_summary_against_the_reference_says_the_change_its_parts_the_largest_lean_and_the_alerts(report) -> None:
    assert monitoring_summary(report, "2017-03", REFERENCE, outcome="price") == (
        "In 2017-03 the Ensemble's mean price rose by 2.50 against the reference (2017-01), from 12.00 to 14.50 "
        "(raw output units).",
        "Most of it is a (+2.00) and b (+0.50).",
        "Forest now leans more on b than in the reference (share 50% → 75%, KS p = 0.11).",
        "3 alerts in 2017-03: 2 prediction shift, 1 data drift (PSI).",
    )


def test_the_summary_against_the_window_before_names_it_and_keeps_the_test_against_the_reference(report) -> None:
    assert monitoring_summary(report, "2017-03", PREVIOUS, outcome="price") == (
        "In 2017-03 the Ensemble's mean price rose by 2.00 against 2017-02, from 12.50 to 14.50 (raw output units).",
        "Most of it is a (+2.00).",
        "Ensemble now leans less on b than in 2017-02 (share 60% → 33%, against the reference KS p = 0.11).",
        "3 alerts in 2017-03: 2 prediction shift, 1 data drift (PSI).",
    )


def test_a_quiet_window_says_so(report) -> None:
    sentences = monitoring_summary(report, "2017-02", REFERENCE, outcome="price")
    assert sentences[2:] == (
        "No share of attribution moved by 10 points or more against the reference (2017-01); the largest move is "
        "Ensemble's on b (share 50% → 60%, KS p = 0.11).",
        "No alert in 2017-02.",
    )


def test_the_summary_speaks_of_the_average_first(report) -> None:
    assert main_model(report) == "Ensemble"


@pytest.mark.parametrize("against", [REFERENCE, PREVIOUS])
def test_the_change_is_exact_against_either_baseline(report, against: str) -> None:
    for model in report.models:
        change = window_change(model, "2017-03", against)
        parts = change.base_change + sum(v for _, v in change.contributions)
        assert change.before + parts == pytest.approx(change.after, abs=1e-9)


def test_the_pooled_reference_is_the_mean_over_the_reference_rows(report) -> None:
    model = report.model("Forest")
    pooled = reference_window(model)
    assert pooled.mean_prediction == pytest.approx(model.reference_prediction)
    np.testing.assert_allclose(pooled.share, model.reference_share)


def test_changes_are_ranked_by_the_move_of_share_then_by_the_test(report) -> None:
    changes = feature_changes(report, "2017-03", REFERENCE)
    assert [(c.model, c.feature) for c in changes[:2]] == [("Forest", "b"), ("Forest", "a")]
    assert changes[0].before == pytest.approx(0.5) and changes[0].after == pytest.approx(0.75)
    assert changes[1].psi > 0.25 and changes[0].psi == pytest.approx(0.0)


def test_p_values_read_as_people_write_them() -> None:
    assert [p_words(p) for p in (0.0004, 0.0321, float("nan"))] == ["p < 0.001", "p = 0.032", "p n/a"]


def test_a_features_data_drift_is_one_alert_of_the_window_whatever_the_number_of_models(report) -> None:
    assert [(a.model, a.kind, a.feature) for a in window_alerts(report, "2017-03")] == [
        ("Forest", "psi", "a"),
        ("Forest", "prediction_shift", None),
        ("Ensemble", "prediction_shift", None),
    ]
