"""Cohorts read from and written to text (the URL form), and select the rows their filters say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.analyses import Cohort, CohortError, Filter

FRAME = pd.DataFrame(
    {
        "tenure": [1, 5, 24, np.nan],
        "contract": ["Month-to-month", "One year", "Month-to-month", None],
        "prediction: GB": [0.9, 0.2, 0.6, 0.4],
    }
)


@pytest.mark.parametrize(
    ("text", "rows"),
    [
        ("tenure < 12", [0, 1]),  # a missing tenure is in no numeric cohort
        ("tenure >= 5", [1, 2]),
        ("contract = Month-to-month", [0, 2]),
        ("contract != Month-to-month", [1, 3]),
        ("contract in One year|Two year", [1]),
        ("tenure < 12; contract = Month-to-month", [0]),
        ("prediction: GB > 0.5", [0, 2]),
        ("", [0, 1, 2, 3]),
    ],
)
def test_filters_select_rows(text: str, rows: list[int]) -> None:
    assert np.flatnonzero(Cohort.parse(text).mask(FRAME)).tolist() == rows


def test_text_round_trips_and_empty_is_everyone() -> None:
    cohort = Cohort.parse(" tenure<12 ;contract in A|B ")
    assert cohort.filters == (Filter("tenure", "<", "12"), Filter("contract", "in", "A|B"))
    assert Cohort.parse(str(cohort)) == cohort and str(cohort) == "tenure < 12; contract in A|B"
    assert Cohort.parse(None).is_everyone and not cohort.is_everyone


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("tenure", "is not 'column op value'"),
        ("tenure <", "is not 'column op value'"),
        ("age > 3", "no column 'age'"),
        ("tenure > ten", "'tenure' is numeric, so write a number"),
        ("contract > a", "'contract' holds categories; use = != or in"),
    ],
)
def test_a_bad_filter_is_named_with_the_fix(text: str, message: str) -> None:
    with pytest.raises(CohortError, match=message):
        Cohort.parse(text).mask(FRAME)
