"""What-if inputs fit each feature, and edits are checked before any model sees them."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.analyses import CATEGORY, NUMBER, WhatIfError, edited_row, feature_specs

FEATURES = pd.DataFrame(
    {
        "tenure": [1, 24, 72],
        "charges": [18.25, 70.5, np.nan],
        "contract": ["Month-to-month", "Two year", None],
    }
)


def test_specs_follow_the_data() -> None:
    tenure, charges, contract = feature_specs(FEATURES)
    assert (tenure.kind, tenure.minimum, tenure.maximum, tenure.integer, tenure.step) == (NUMBER, 1, 72, True, 1)
    assert (charges.kind, charges.integer, charges.step) == (NUMBER, False, 0.1)
    assert (contract.kind, contract.categories) == (CATEGORY, ("Month-to-month", "Two year"))


def test_an_edit_changes_only_what_it_names_and_keeps_types() -> None:
    original = FEATURES.iloc[[0]]
    row = edited_row(original, {"tenure": "36", "contract": "Two year", "charges": ""}, feature_specs(FEATURES))
    assert row["tenure"].iloc[0] == 36 and row["tenure"].dtype == FEATURES["tenure"].dtype
    assert row["contract"].iloc[0] == "Two year" and np.isnan(row["charges"].iloc[0])
    assert original["tenure"].iloc[0] == 1  # the original is untouched
    pd.testing.assert_frame_equal(edited_row(original, {}, feature_specs(FEATURES)), original)  # no edit, no change


@pytest.mark.parametrize(
    ("edits", "message"),
    [
        ({"tenure": "two"}, "tenure takes a number, not 'two'"),
        ({"tenure": "inf"}, "tenure takes a finite number"),
        ({"contract": "Weekly"}, "contract has no category 'Weekly'; choose one of: Month-to-month, Two year"),
        ({"age": 3}, "no feature 'age' to change"),
    ],
)
def test_an_edit_that_does_not_fit_is_named(edits: dict, message: str) -> None:
    with pytest.raises(WhatIfError, match=message):
        edited_row(FEATURES.iloc[[1]], edits, feature_specs(FEATURES))
