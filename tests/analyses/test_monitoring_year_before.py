"""The seasonal baseline: a window against the same window a year before, where the data reaches back that far."""

from __future__ import annotations

import jsonschema
import numpy as np
import pandas as pd
import pytest

from portal.analyses import (
    YEAR_BEFORE,
    AlertThresholds,
    baseline,
    baseline_index,
    baseline_words,
    monitoring_report,
    window_change,
    windows_of,
)
from portal.reports import build_monitor
from portal.reports._monitor import load_schema
from portal.results import RAW, Explanation, Provenance

ROWS = 20  # per month
MONTHS = pd.period_range("2016-07", "2017-08", freq="M")  # 14 months, as the pricing demo


def report():
    """Two features over 14 months: a's contribution is the month's number (July 7 ...), b's is 1 everywhere."""
    times = pd.Series(np.repeat(MONTHS.to_timestamp(), ROWS), name="when")
    month = times.dt.month.to_numpy(dtype=np.float64)
    noise = np.tile(np.linspace(-0.5, 0.5, ROWS), len(MONTHS))
    values = np.column_stack([month + noise, np.ones(len(times))])
    base = np.full(len(times), 100.0)
    ids = np.array([f"R{i:04d}" for i in range(len(times))])
    explanation = Explanation(
        "Model", ("a", "b"), ids, values, base, base + values.sum(axis=1), RAW, Provenance("m", "d", "fake", True)
    )
    features = pd.DataFrame({"a": month, "b": noise})
    windows = windows_of(times, "month", "2016-07..2016-12")
    return monitoring_report([explanation], windows, features, AlertThresholds())


@pytest.mark.parametrize(
    ("kind", "label", "before"),
    [("month", "2017-07", "2016-07"), ("quarter", "2017Q3", "2016Q3"), ("year", "2017", "2016")],
)
def test_the_same_window_a_year_before_is_found_at_every_precision(kind, label, before) -> None:
    times = pd.Series(pd.date_range("2016-01-01", "2017-12-31", freq="D"), name="t")
    windows = windows_of(
        times, kind, times.dt.to_period({"month": "M", "quarter": "Q", "year": "Y"}[kind]).astype(str)[0]
    )
    assert windows.year_before(label) == before
    assert windows.year_before(before) is None  # the data starts in 2016: nothing a year before


def test_weeks_and_days_step_back_a_calendar_year() -> None:
    times = pd.Series(pd.date_range("2016-01-04", "2017-12-31", freq="D"), name="t")
    weeks = windows_of(times, "week", "2016-W01")
    assert weeks.year_before("2017-W28") == "2016-W28"
    days = windows_of(times, "day", "2016-01-04")
    assert days.year_before("2017-07-14") == "2016-07-14"


def test_a_window_against_a_year_before_compares_with_that_window_exactly() -> None:
    built = report()
    model = built.models[0]
    july = built.windows.index("2016-07")
    assert baseline_index(built.windows, "2017-07", YEAR_BEFORE) == july
    assert baseline(model, "2017-07", YEAR_BEFORE) is model.attribution[july]
    assert baseline_words(built, "2017-07", YEAR_BEFORE) == "2016-07"
    change = window_change(model, "2017-07", YEAR_BEFORE)
    assert change.change == pytest.approx(0.0, abs=1e-9)  # July is July: same contributions a year apart
    march = window_change(model, "2017-03", YEAR_BEFORE)  # no March 2016: against the reference, and says so
    assert baseline_index(built.windows, "2017-03", YEAR_BEFORE) is None
    assert baseline_words(built, "2017-03", YEAR_BEFORE) == "the reference (2016-07..2016-12)"
    reference_a = np.mean([7, 8, 9, 10, 11, 12])
    assert march.change == pytest.approx(3 - reference_a, abs=1e-9)
    assert sum(v for _, v in march.contributions) + march.base_change == pytest.approx(march.change, abs=1e-9)


def test_the_monitor_json_carries_the_year_before_change_where_the_data_has_that_window() -> None:
    """``monitor`` writes what the page shows: July 2017 against July 2016 (a's contribution is the month's number,
    so nothing changed a year apart, while against June it rose by 1); months without a year before get null."""
    built = build_monitor(report())
    jsonschema.validate(built, load_schema())
    windows = built["models"]["Model"]["windows"]
    july = windows["2017-07"]["change_from_year_before"]
    assert july["from"] == "2016-07" and july["after"] - july["before"] == pytest.approx(0.0, abs=1e-9)
    assert windows["2017-07"]["change_from_previous"]["contributions"]["a"] == pytest.approx(1.0, abs=1e-9)
    parts = july["before"] + july["base_change"] + sum(july["contributions"].values())
    assert parts == pytest.approx(july["after"], abs=1e-9)
    assert [label for label, w in windows.items() if w["change_from_year_before"]] == ["2017-07", "2017-08"]
