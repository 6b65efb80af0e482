"""The ``[monitoring]`` table: defaults, and one line per mistake naming the field and the fix."""

from __future__ import annotations

from pathlib import Path

import pytest

from portal.config import ConfigError, MonitoringAlerts, parse_config

DATA = '[data]\nsource = "table.csv"\ntarget = "price"\ntime = "arrival"\n'
MODELS = '[[models]]\nname = "Forest"\nkind = "random_forest"\n'


def parsed(text: str):
    import tomllib

    return parse_config(tomllib.loads(text), base_dir=Path("."))


def test_a_project_without_the_table_is_not_monitored_and_one_with_it_gets_the_defaults() -> None:
    assert parsed(DATA + MODELS).monitoring is None
    config = parsed(DATA + MODELS + '[monitoring]\nreference = "2016-07..2016-12"\n').monitoring
    assert (config.window, config.reference, config.train_on_reference, config.minimum_rows) == (
        "month",
        "2016-07..2016-12",
        True,
        30,
    )
    assert config.alerts == MonitoringAlerts(0.10, 0.80, 0.25, 0.10, 0.10)


def test_alert_thresholds_are_read_from_their_own_table() -> None:
    text = DATA + MODELS + '[monitoring]\nwindow = "week"\nreference = "2017-W01"\n[monitoring.alerts]\npsi = 0.2\n'
    config = parsed(text).monitoring
    assert config.window == "week" and config.alerts.psi == 0.2 and config.alerts.rank_agreement == 0.8


MISTAKES = [
    (
        MODELS.join(["", ""]) + '[data]\nsource = "t.csv"\ntarget = "p"\n[monitoring]\nreference = "2016-07"\n',
        "[monitoring]",
        "needs a time column",
    ),
    (
        DATA + MODELS + '[monitoring]\nwindow = "fortnight"\nreference = "2016-07"\n',
        "[monitoring] window",
        "use one of day",
    ),
    (DATA + MODELS + '[monitoring]\nwindow = "month"\n', "[monitoring] reference", "is not a range of windows"),
    (DATA + MODELS + '[monitoring]\nreference = "a..b..c"\n', "[monitoring] reference", "2016-07..2016-12"),
    (DATA + MODELS + '[monitoring]\nreference = "2016-07"\nminimum_rows = 0\n', "[monitoring] minimum_rows", "above 0"),
    (
        DATA + MODELS + '[monitoring]\nreference = "2016-07"\ntrain_on_reference = "yes"\n',
        "[monitoring] train_on_reference",
        "true or false",
    ),
    (DATA + MODELS + '[monitoring]\nreference = "2016-07"\nwindwo = "month"\n', "[monitoring] windwo", "window"),
    (
        DATA + MODELS + '[monitoring]\nreference = "2016-07"\n[monitoring.alerts]\npsi = 2\n',
        "[monitoring.alerts] psi",
        "psi = 0.25",
    ),
    (
        DATA + MODELS + '[monitoring]\nreference = "2016-07"\n[monitoring.alerts]\npsy = 0.2\n',
        "[monitoring.alerts] psy",
        "psi",
    ),
]


@pytest.mark.parametrize(("text", "field", "hint"), MISTAKES, ids=[m[1] for m in MISTAKES])
def test_each_monitoring_mistake_names_its_field_in_one_line(text: str, field: str, hint: str) -> None:
    with pytest.raises(ConfigError) as caught:
        parsed(text)
    assert caught.value.field == field
    assert hint in str(caught.value) and "\n" not in str(caught.value)
