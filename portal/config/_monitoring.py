"""The ``[monitoring]`` table of a project file: time windows, the reference period and the alert thresholds.

```toml
[data]
time = "arrival_date"            # a date, datetime or period column

[monitoring]
window = "month"                 # day | week | month | quarter | year
reference = "2016-07..2016-12"   # the windows the models learnt from; the baseline of every comparison
# train_on_reference = true      # default: built-in kinds train on reference rows only
# minimum_rows = 30              # a window with fewer rows is refused (its numbers would be noise)
[monitoring.alerts]              # optional; the values shown are the defaults; a breach -> exit 3 in `monitor`
attribution_shift = 0.10         # a feature's share of total |attribution| moves by 10 points or more
rank_agreement = 0.80            # Kendall tau-b of the importance ranking against the reference below this
psi = 0.25                       # population stability index of a feature's values above this
prediction_shift = 0.10          # mean prediction moves by 10% of the reference's or more
error_rise = 0.10                # the error (MAE or Brier) rises by 10% of the reference's or more
```

Only the shape is checked here; that the time column parses and the reference windows hold rows is checked
when the data is loaded. Each mistake is a :class:`portal.config.ConfigError` naming the field and the fix.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from portal.config._readers import reject_unknown
from portal.config._types import ConfigError, MonitoringAlerts, MonitoringConfig

FIELDS = {"window", "reference", "train_on_reference", "minimum_rows", "alerts"}
WINDOWS = ("day", "week", "month", "quarter", "year")
EXAMPLE = 'window = "month" and reference = "2016-07..2016-12"'


def parse_monitoring(table: Mapping[str, Any], time_column: str | None) -> MonitoringConfig:
    """Validate a project's ``[monitoring]`` table (a project without one is not monitored)."""
    reject_unknown(table, FIELDS, "[monitoring]")
    if not time_column:
        raise ConfigError("[monitoring]", "needs a time column", 'name it in [data], e.g. time = "arrival_date"')
    window = table.get("window", "month")
    if window not in WINDOWS:
        raise ConfigError("[monitoring] window", f"{window!r} is not a window", f"use one of {', '.join(WINDOWS)}")
    reference = table.get("reference")
    if not isinstance(reference, str) or not reference.strip() or reference.count("..") > 1:
        raise ConfigError("[monitoring] reference", f"{reference!r} is not a range of windows", f"write {EXAMPLE}")
    train = table.get("train_on_reference", True)
    if not isinstance(train, bool):
        raise ConfigError("[monitoring] train_on_reference", f"{train!r} is not true or false", "write true or false")
    minimum = table.get("minimum_rows", 30)
    if isinstance(minimum, bool) or not isinstance(minimum, int) or minimum < 1:
        raise ConfigError("[monitoring] minimum_rows", f"{minimum!r} is not a whole number above 0", "write e.g. 30")
    return MonitoringConfig(window, reference.strip(), train, minimum, _alerts(table.get("alerts", {})))


def _alerts(table: Any) -> MonitoringAlerts:
    if not isinstance(table, Mapping):
        raise ConfigError("[monitoring.alerts]", "must be a table", "write [monitoring.alerts] and one key per line")
    defaults = MonitoringAlerts()
    known = set(defaults.__dataclass_fields__)
    reject_unknown(table, known, "[monitoring.alerts]")
    values = {}
    for key in sorted(known):
        value = table.get(key, getattr(defaults, key))
        if isinstance(value, bool) or not isinstance(value, int | float) or not 0 < value <= 1:
            raise ConfigError(
                f"[monitoring.alerts] {key}",
                f"{value!r} is not a number above 0 and at most 1",
                f"write e.g. {key} = {getattr(defaults, key)}",
            )
        values[key] = float(value)
    return MonitoringAlerts(**values)
