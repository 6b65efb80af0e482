"""The plain-language summary of one row names the prediction, its scale and the biggest reasons with values."""

from __future__ import annotations

import numpy as np

from portal.analyses import summarise
from portal.results import LOG_ODDS, PROBABILITY, RAW, LocalExplanation, Provenance


def local(values, base: float, scale: str = PROBABILITY) -> LocalExplanation:
    values = np.asarray(values, dtype=np.float64)
    return LocalExplanation(
        model_name="RF",
        feature_names=("contract", "tenure", "charges", "gender"),
        row_id="C00001",
        values=values,
        base_value=base,
        output=base + float(values.sum()),
        output_scale=scale,
        provenance=Provenance("m", "d", "tree_shap", True),
    )


ROW = {"contract": "Month-to-month", "tenure": 2, "charges": 89.456, "gender": None}


def test_a_high_risk_row_reads_as_reasons_for_and_against() -> None:
    text = summarise(local([0.18, 0.12, 0.2, -0.05], base=0.27), ROW, outcome="churn = Yes", top=2)
    assert text == (
        "Predicted probability of churn = Yes: 0.72 (average 0.27). "
        "Main reasons: charges = 89.46 (+0.20), contract = Month-to-month (+0.18). "
        "Pulling the other way: gender = missing (-0.05)."
    )


def test_a_low_prediction_lists_the_reasons_pulling_it_down_and_says_the_scale() -> None:
    text = summarise(local([-0.5, 0.1, -1.0, 0.0], base=-1.0, scale=LOG_ODDS), ROW, outcome="churn = Yes")
    assert text.startswith("Predicted log-odds of churn = Yes: -2.40 (average -1.00). Main reasons: charges")
    assert "tenure = 2 (+0.10)" in text.split("Pulling the other way: ")[1]
    assert "gender" not in text  # a zero contribution is no reason either way


def test_a_regression_names_the_target_and_features_missing_from_the_row_still_read() -> None:
    text = summarise(local([3.0, 0, 0, 0], base=10.0, scale=RAW), {}, outcome="price")
    assert text == "Predicted price: 13.00 (average 10.00). Main reasons: contract (+3.00)."
