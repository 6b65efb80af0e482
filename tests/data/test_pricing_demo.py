"""The pricing demo: a hotel's nightly prices over 14 months, three regressors and their average, monitored by month."""

from __future__ import annotations

import pandas as pd

from portal.data import PRICING_CONFIG, demo_config, load_dataset


def test_the_pricing_demo_is_a_monitored_regression_with_an_ensemble_of_three() -> None:
    config = demo_config("pricing")
    assert config.title == "Hotel room pricing over time"
    assert [(m.name, m.kind) for m in config.models] == [
        ("Random forest", "random_forest"),
        ("Histogram boosting", "hist_gradient_boosting"),
        ("EBM", "ebm"),
        ("Pricing ensemble", "average"),
    ]
    assert config.models[-1].members == ("Random forest", "Histogram boosting", "EBM")
    assert (config.data.time, config.data.task) == ("arrival_date", "regression")
    assert (config.monitoring.window, config.monitoring.reference) == ("month", "2016-07..2016-12")
    assert config.monitoring.train_on_reference
    assert 'source = "demo:pricing"' in PRICING_CONFIG


def test_its_table_has_every_booking_the_date_apart_from_the_inputs_and_an_id_per_row() -> None:
    data = load_dataset(demo_config("pricing").data)
    assert data.n_rows == 15_402 and data.target == "avg_price_per_room"
    assert "arrival_date" not in data.features and "arrival_date_num" not in data.features  # time, not an input
    assert data.features.shape[1] == 25 and data.ids[0] == "B00001"
    months = pd.to_datetime(data.frame["arrival_date"]).dt.to_period("M")
    assert (str(months.min()), str(months.max()), months.nunique()) == ("2016-07", "2017-08", 14)
