"""Searching rows by any column: the cohort grammar, a bare value or range for a chosen column, capped results."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.analyses import RowSearchError, find_rows, query_for

FRAME = pd.DataFrame(
    {
        "tenure": [1, 5, 24, np.nan, 5, 70],
        "contract": ["Month-to-month", "One year", "Month-to-month", None, "Two year", "Two year"],
        "charges": [20.5, 99.0, 45.25, 70.0, 18.0, 110.0],
    },
    index=pd.Index([f"C{i}" for i in range(6)]),
)


@pytest.mark.parametrize(
    ("column", "text", "query"),
    [
        ("tenure", "5", "tenure = 5"),
        ("tenure", "2..24", "tenure >= 2; tenure <= 24"),
        ("tenure", " 2 to 24 ", "tenure >= 2; tenure <= 24"),
        ("charges", "-1.5..2e1", "charges >= -1.5; charges <= 2e1"),
        ("tenure", "< 12", "tenure < 12"),
        ("contract", "in One year|Two year", "contract in One year|Two year"),
        ("contract", "One year", "contract = One year"),
        ("contract", "tenure >= 24", "tenure >= 24"),  # a full filter names its own column
        (None, "tenure >= 24", "tenure >= 24"),
        ("tenure", "", ""),
    ],
)
def test_a_chosen_column_turns_a_bare_value_or_range_into_a_filter(column, text, query) -> None:
    assert query_for(column, text) == query


def test_matches_come_in_data_order_with_the_searched_values_and_the_total() -> None:
    found = find_rows(FRAME, "2..70", column="tenure", limit=2)
    assert found.row_ids == ("C1", "C2") and found.total == 4 and found.capped
    assert found.columns == ("tenure",) and found.values == ((5.0,), (24.0,))
    both = find_rows(FRAME, "tenure < 30; contract = Month-to-month")
    assert both.row_ids == ("C0", "C2") and not both.capped and both.query == "tenure < 30; contract = Month-to-month"
    assert both.columns == ("tenure", "contract") and both.values == ((1.0, "Month-to-month"), (24.0, "Month-to-month"))
    missing = find_rows(FRAME, "contract != Two year")
    assert missing.row_ids == ("C0", "C1", "C2", "C3") and missing.values[3] == (None,)


def test_a_category_matches_whatever_its_case_and_one_no_row_has_names_the_categories() -> None:
    near = find_rows(FRAME, "contract = month-to-month")
    assert near.row_ids == ("C0", "C2") and near.values == (("Month-to-month",), ("Month-to-month",))
    with pytest.raises(RowSearchError) as raised:
        find_rows(FRAME, "Weekly", column="contract")
    assert str(raised.value) == (
        "Search 'contract = Weekly': no row has contract 'Weekly'; its categories: Month-to-month, One year, Two year."
    )
    assert find_rows(FRAME, "tenure > 100").total == 0


@pytest.mark.parametrize(
    ("text", "column", "message"),
    [
        ("", None, "Type a search"),
        ("tenure", None, "Search 'tenure' is not 'column op value'"),
        ("age > 3", None, "no column 'age'"),
        ("ten", "tenure", "'tenure' is numeric, so write a number"),
    ],
)
def test_a_search_that_cannot_be_read_says_what_to_write(text, column, message) -> None:
    with pytest.raises(RowSearchError, match=message):
        find_rows(FRAME, text, column=column)


def test_matches_sorted_by_an_order_come_highest_first_with_its_values() -> None:
    risk = pd.Series([0.2, 0.9, 0.5, np.nan, 0.7, 0.1], index=FRAME.index, name="prediction: GB")
    found = find_rows(FRAME, "tenure < 30", order=risk)
    assert found.row_ids == ("C1", "C4", "C2", "C0") and found.sorted_by == "prediction: GB"
    assert found.columns == ("tenure", "prediction: GB") and found.values[0] == (5.0, 0.9)
    everyone = find_rows(FRAME, "", order=risk, limit=3)  # an empty search, sorted: every row, the highest first
    assert everyone.row_ids == ("C1", "C4", "C2") and everyone.total == 6 and everyone.query == ""
    assert find_rows(FRAME, "tenure < 30").sorted_by == ""
