"""A new batch (or labels for one) checked against the project's data before anything is written.

Each mistake is one :class:`~portal.config.ConfigError` line naming the option, the column and the values,
and the fix: a file that cannot be read, missing or extra columns, text where the project has numbers,
categories the project has never seen, ids already present (or, for labels, ids of no batch). The checked
batch comes back in the source's columns and types, ready for the batch store. Times are checked where the
project's windows are known (:mod:`portal.project`).
"""

from __future__ import annotations

import difflib
from pathlib import Path

import numpy as np
import pandas as pd

from portal.config import ConfigError, DataConfig
from portal.data._dataset import Dataset, read_table
from portal.data._values import check_finite

BATCH, LABELS = "--batch", "--labels"
EMPTY = "{file} has no rows"
MISSING = "{file} lacks the project's column(s) {columns}"
MISSING_FIX = "add them: a batch has the columns of the project's source (the target may come later with --labels)"
EXTRA = "{file} has column(s) the project does not have: {columns}"
EXTRA_FIX = "remove them, or rename them to the project's columns"
NOT_NUMBERS = "column '{column}' of {file} holds text where the project has numbers: {values}"
NOT_NUMBERS_FIX = "write numbers there, or leave those cells empty"
NOT_FLAGS = "column '{column}' of {file} holds values that are not true or false: {values}"
UNSEEN = "column '{column}' of {file} has categories the project has never seen: {values}"
UNSEEN_FIX = "map them to known ones ({known}) or leave those cells empty; or accept them with --new-categories"
NOT_CLASSES = "column '{column}' of {file} has values that are not classes of the target: {values}"
NO_IDS = "column '{column}' of {file} has {n} empty id(s)"
REPEATED = "column '{column}' of {file} repeats ids: {values}"
PRESENT = "{n} id(s) of {file} are already rows of the project: {values}"
PRESENT_FIX = (
    "drop those rows: a batch adds new rows only (labels of earlier batches go in --labels); if an earlier score "
    "of this file was interrupted, its rows are in, and precompute finishes explaining them"
)
NO_ID_COLUMN = "the project has no [data] id to match labels by"
UNKNOWN_IDS = "{n} id(s) of {file} are not rows of any batch: {values}"
UNKNOWN_IDS_FIX = "label only rows added with score --batch (the source's rows have their labels in it)"
NO_LABELS = "column '{column}' of {file} is empty"


def read_batch(path: Path, option: str = BATCH) -> pd.DataFrame:
    """The table at ``path`` (.csv or .parquet); anything unreadable is a ConfigError about ``option``."""
    try:
        return read_table(str(path), Path.cwd())
    except ConfigError as error:
        raise ConfigError(option, error.problem, error.fix.replace("config file", "current folder")) from None


def check_batch(
    dataset: Dataset, config: DataConfig, batch: pd.DataFrame, file: str, *, new_categories: bool = False
) -> pd.DataFrame:
    """The batch in the source's columns and types (the target empty where unknown), or the first mistake.
    ``new_categories`` accepts categories the project has not seen (production brings them: new countries)."""
    if batch.empty:
        raise ConfigError(BATCH, EMPTY.format(file=file), "pass a file with rows")
    source = dataset.original.frame
    columns = [str(c) for c in source.columns]
    _check_names(batch, [c for c in columns if c != config.target], columns, file)
    checked = {c: _typed(batch[c], source[c], c, file) for c in columns if c != config.target}
    target = batch[config.target] if config.target in batch.columns else pd.Series([np.nan] * len(batch))
    checked[config.target] = _labels(target.reset_index(drop=True), dataset, config.target, file, BATCH)
    frame = pd.DataFrame({c: pd.Series(v).reset_index(drop=True) for c, v in checked.items()})[columns]
    check_finite(frame, [*dataset.features.columns, config.target, *config.protected], config.id, f"{BATCH} {file}")
    if not new_categories:
        _check_categories(frame, dataset, file)
    if config.id is not None:
        _check_new_ids(frame[config.id], dataset, config.id, file)
    return frame


def check_labels(dataset: Dataset, config: DataConfig, labels: pd.DataFrame, file: str) -> pd.DataFrame:
    """Labels (the id and target columns) for rows of earlier batches, typed as the store keeps them."""
    if config.id is None:
        raise ConfigError(LABELS, NO_ID_COLUMN, 'name the id column in [data], e.g. id = "booking_id"')
    if labels.empty:
        raise ConfigError(LABELS, EMPTY.format(file=file), "pass a file with rows")
    _check_names(labels, [config.id, config.target], [config.id, config.target], file, option=LABELS)
    ids = labels[config.id].astype(str)
    batch_ids = set(dataset.ids[dataset.parts[0].stop :])
    unknown = ids[~ids.isin(batch_ids)].unique()
    if len(unknown):
        found = UNKNOWN_IDS.format(n=len(unknown), file=file, values=_examples(unknown))
        raise ConfigError(LABELS, found, UNKNOWN_IDS_FIX)
    if ids.duplicated().any():
        raise ConfigError(
            LABELS,
            REPEATED.format(column=config.id, file=file, values=_examples(ids[ids.duplicated()].unique())),
            "keep one label per id",
        )
    target = _labels(labels[config.target].reset_index(drop=True), dataset, config.target, file, LABELS)
    if target.isna().all():
        raise ConfigError(LABELS, NO_LABELS.format(column=config.target, file=file), "fill in the labels")
    return pd.DataFrame({config.id: ids.reset_index(drop=True), config.target: target})


def _check_names(table: pd.DataFrame, needed: list[str], allowed: list[str], file: str, option: str = BATCH) -> None:
    present = [str(c) for c in table.columns]
    missing = [c for c in needed if c not in present]
    if missing:
        raise ConfigError(option, MISSING.format(file=file, columns=_names(missing)), MISSING_FIX)
    extra = [c for c in present if c not in allowed]
    if extra:
        guesses = [g for c in extra for g in difflib.get_close_matches(c, missing or allowed, n=1)]
        fix = f"{EXTRA_FIX} (did you mean {_names(guesses)}?)" if guesses else EXTRA_FIX
        raise ConfigError(option, EXTRA.format(file=file, columns=_names(extra)), fix)


def _typed(values: pd.Series, like: pd.Series, column: str, file: str) -> pd.Series:
    """``values`` in the type of the source's column ``like``; text in a number column is a ConfigError."""
    values = values.reset_index(drop=True)
    if pd.api.types.is_bool_dtype(like):
        if pd.api.types.is_bool_dtype(values):
            return values
        flags = values.map(lambda v: {"true": True, "false": False, "1": True, "0": False}.get(str(v).lower()))
        bad = values[flags.isna() & values.notna()].unique()
        if len(bad):
            raise ConfigError(
                BATCH, NOT_FLAGS.format(column=column, file=file, values=_examples(bad)), "write true or false"
            )
        return flags.astype(bool)
    if pd.api.types.is_numeric_dtype(like):
        numbers = pd.to_numeric(values, errors="coerce")
        bad = values[numbers.isna() & values.notna()].unique()
        if len(bad):
            problem = NOT_NUMBERS.format(column=column, file=file, values=_examples(bad))
            raise ConfigError(BATCH, problem, NOT_NUMBERS_FIX)
        same = pd.api.types.is_integer_dtype(like) and pd.api.types.is_integer_dtype(numbers)
        return numbers.astype(like.dtype) if same else numbers.astype(float)
    if pd.api.types.is_datetime64_any_dtype(like):
        return pd.to_datetime(values, errors="coerce")
    texts = like.dropna().map(type).eq(str).all()
    return values.astype(object).where(values.isna(), values.astype(str)) if texts else values.astype(object)


def _labels(target: pd.Series, dataset: Dataset, column: str, file: str, option: str) -> pd.Series:
    """A batch's target values as the store keeps them: numbers (regression) or class names, empty if unknown."""
    if dataset.task == "regression":
        numbers = pd.to_numeric(target, errors="coerce")
        bad = target[numbers.isna() & target.notna()].unique()
        if len(bad):
            problem = NOT_NUMBERS.format(column=column, file=file, values=_examples(bad))
            raise ConfigError(option, problem, NOT_NUMBERS_FIX)
        return numbers.astype(float)
    texts = target.map(_label_text).astype(object)
    bad = texts[texts.notna() & ~texts.isin(dataset.classes)].unique()
    if len(bad):
        problem = NOT_CLASSES.format(column=column, file=file, values=_examples(bad))
        raise ConfigError(option, problem, f"use one of {', '.join(dataset.classes)}")
    return texts


def _label_text(value: object) -> object:
    """A class label as the data set names it: ``1.0`` read from a CSV column with empty cells is class ``1``."""
    if pd.isna(value):
        return None
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _check_categories(frame: pd.DataFrame, dataset: Dataset, file: str) -> None:
    for column in dataset.schema.categorical:
        known = set(dataset.features[column].dropna().astype(str))
        values = frame[column].dropna().astype(str)
        unseen = values[~values.isin(known)].unique()
        if len(unseen):
            fix = UNSEEN_FIX.format(known=_examples(sorted(known), quote=False))
            raise ConfigError(BATCH, UNSEEN.format(column=column, file=file, values=_examples(unseen)), fix)


def _check_new_ids(ids: pd.Series, dataset: Dataset, column: str, file: str) -> None:
    if ids.isna().any():
        raise ConfigError(BATCH, NO_IDS.format(column=column, file=file, n=int(ids.isna().sum())), "fill in every id")
    text = ids.astype(str)
    if text.duplicated().any():
        repeated = _examples(text[text.duplicated()].unique())
        raise ConfigError(BATCH, REPEATED.format(column=column, file=file, values=repeated), "keep one row per id")
    present = text[text.isin(set(dataset.ids))].unique()
    if len(present):
        raise ConfigError(BATCH, PRESENT.format(n=len(present), file=file, values=_examples(present)), PRESENT_FIX)


def _names(columns: list[str]) -> str:
    return ", ".join(f"'{c}'" for c in columns)


def _examples(values, limit: int = 5, quote: bool = True) -> str:
    shown = [repr(str(v)) if quote else str(v) for v in list(values)[:limit]]
    return ", ".join(shown) + (f" and {len(values) - limit} more" if len(values) > limit else "")
