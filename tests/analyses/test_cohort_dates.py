"""Cohorts on a date column: a monitored project's window, written at any precision, is a cohort on every page."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.analyses import Cohort, CohortError, cohort_example
from portal.config import DataConfig
from portal.data import load_dataset
from portal.project._cohorts import cohort_table

TIMES = pd.to_datetime(
    [
        "2016-12-31 23:59",
        "2017-01-01 00:00",
        "2017-01-02 00:00",
        "2017-02-15 00:00",
        "2017-03-31 12:00",
        "2017-04-01 00:00",
        "2017-07-14 00:00",
        None,
    ]
)
FRAME = pd.DataFrame({"arrival_date": TIMES, "price": np.arange(8.0), "meal": ["a"] * 4 + ["b"] * 4})


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("arrival_date = 2017-01", [1, 2]),
        ("arrival_date = 2017", [1, 2, 3, 4, 5, 6]),
        ("arrival_date = 2017Q1", [1, 2, 3, 4]),
        ("arrival_date = 2017-01-02", [2]),
        ("arrival_date = 2016-W52", [0, 1]),  # ISO week 52 of 2016 runs Monday 26 December to Sunday 1 January
        ("arrival_date = 2017-01..2017-03", [1, 2, 3, 4]),
        ("arrival_date < 2017-01", [0]),
        ("arrival_date <= 2017-01", [0, 1, 2]),
        ("arrival_date > 2017-03", [5, 6]),
        ("arrival_date >= 2017-03", [4, 5, 6]),
        ("arrival_date != 2017-01", [0, 3, 4, 5, 6]),  # the row without a time is in no window
        ("arrival_date in 2016|2017-07", [0, 6]),
        ("arrival_date >= 2017-02; meal = b", [4, 5, 6]),
    ],
)
def test_a_date_names_a_span_and_each_operator_reads_it_naturally(text: str, rows: list[int]) -> None:
    assert np.flatnonzero(Cohort.parse(text).mask(FRAME)).tolist() == rows


@pytest.mark.parametrize("value", ["July", "2017-13", "2017-03..2017-01", "2017-W60", "2017-02-30", "soon"])
def test_a_value_that_is_no_date_is_one_line_naming_the_forms_a_date_takes(value: str) -> None:
    with pytest.raises(CohortError) as caught:
        Cohort.parse(f"arrival_date = {value}").mask(FRAME)
    message = str(caught.value)
    assert message.startswith(f"cohort filter 'arrival_date = {value}': ")
    assert "'arrival_date' holds dates, so write a year (2017), a quarter (2017Q3), a month (2017-07)" in message
    assert "\n" not in message


def test_the_example_cohort_never_names_a_date_as_a_category() -> None:
    assert cohort_example(FRAME) == "price < 3.5; meal = a"


def test_the_projects_cohort_table_holds_its_time_column_as_dates(tmp_path) -> None:
    frame = pd.DataFrame(
        {"when": ["2017-01-05", "2017-02-01", "2017-02-20"], "x": [1.0, 2.0, 3.0], "y": [1.0, 2.0, 4.0]}
    )
    frame.to_csv(tmp_path / "rows.csv", index=False)
    config = DataConfig(source="rows.csv", target="y", time="when", task="regression", test_size=0.34)
    data = load_dataset(config, tmp_path)
    table = cohort_table(data, "when")
    assert pd.api.types.is_datetime64_any_dtype(table["when"]) and "when" not in data.features
    assert np.flatnonzero(Cohort.parse("when = 2017-02").mask(table)).tolist() == [1, 2]
    assert "when" not in cohort_table(data).columns  # a project without a time column has none
