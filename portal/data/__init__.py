"""portal.data."""

from portal.data._classes import class_columns, model_class_names
from portal.data._dataset import Dataset, load_dataset
from portal.data._demos import CHURN_CONFIG, DEMO_CONFIGS, LOAN_CONFIG, churn, demo_config, demo_titles
from portal.data._fingerprint import bytes_fingerprint, key_of, library_versions
from portal.data._frames import read_frame, write_frame
from portal.data._sampling import WRONG_LENGTH, order_beside, read_order, strata_of, stratified_order

__all__ = [
    "demo_config",
    "CHURN_CONFIG",
    "DEMO_CONFIGS",
    "LOAN_CONFIG",
    "WRONG_LENGTH",
    "Dataset",
    "bytes_fingerprint",
    "churn",
    "class_columns",
    "demo_titles",
    "key_of",
    "library_versions",
    "load_dataset",
    "model_class_names",
    "order_beside",
    "read_frame",
    "read_order",
    "strata_of",
    "stratified_order",
    "write_frame",
]
