"""Cohorts read from and written to text (the URL form), and select the rows their filters say."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.analyses import Cohort, CohortError, Filter, cohort_example

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


LOAN_LIKE = pd.DataFrame(
    {
        "applicant": ["A1", "A2", "A3", "A4", "A5"],  # an id: no category rows share
        "seniority": [1, 3, 5, 9, 20],
        "home": ["?", "owner", "rent", "owner", None],
        "marital": ["married", "single", "married", "Married", "widow"],
    }
)


def test_the_example_cohort_is_written_in_the_tables_own_columns() -> None:
    assert cohort_example(LOAN_LIKE) == "seniority < 5; home = owner"
    assert cohort_example(LOAN_LIKE[["marital"]]) == "marital = married"
    assert cohort_example(pd.DataFrame({"income": [1.5, 2.25, 4.0]})) == "income < 2.25"
    flagged = pd.DataFrame({"female": [0, 0, 0, 1, 1], "seniority": [1, 3, 5, 9, 20]})
    assert cohort_example(flagged) == "seniority < 5"  # 'female < 0' would select nobody
    with pytest.raises(CohortError, match="is not 'column op value'; write e.g. 'seniority < 5; home = owner'"):
        Cohort.parse("seniority", example=cohort_example(LOAN_LIKE))


def test_a_category_matches_whatever_its_case_unless_two_categories_differ_only_by_case() -> None:
    assert np.flatnonzero(Cohort.parse("contract = one YEAR").mask(FRAME)).tolist() == [1]
    assert np.flatnonzero(Cohort.parse("contract in month-to-month|Weekly").mask(FRAME)).tolist() == [0, 2]
    with pytest.raises(CohortError) as ambiguous:
        Cohort.parse("marital = MARRIED").mask(LOAN_LIKE)
    assert str(ambiguous.value) == (
        "cohort filter 'marital = MARRIED': no row has 'MARRIED'; did you mean 'married' or 'Married'?"
    )


def test_a_category_no_row_has_or_a_column_the_data_lacks_is_named_in_a_sentence() -> None:
    with pytest.raises(CohortError) as missing:
        Cohort.parse("home = castle").mask(LOAN_LIKE)
    assert (
        str(missing.value) == "cohort filter 'home = castle': no row has home 'castle'; its categories: ?, owner, rent"
    )
    with pytest.raises(CohortError) as unknown:
        Cohort.parse("income > 3").mask(LOAN_LIKE)
    assert str(unknown.value) == (
        "cohort filter 'income > 3': no column 'income'; the columns are applicant, seniority, home, marital"
    )


def test_an_error_repeats_at_most_the_start_of_a_huge_pasted_text() -> None:
    frame = pd.DataFrame({"contract": ["a", "b"], "tenure": [1, 2]})
    for text in ("x" * 100_000, "tenure < " + "<" * 5_000, "contract = " + "y" * 9_999):
        with pytest.raises(CohortError) as caught:
            Cohort.parse(text).mask(frame)
        assert len(str(caught.value)) < 300 and "…" in str(caught.value)
