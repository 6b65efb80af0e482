"""The data set a project explains: loaded, checked against the config, split, fingerprinted.

Every check that needs the data raises :class:`portal.config.ConfigError` naming the field of the
config that is wrong and the columns that would fit, so a user can fix the file in one go.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, replace
from functools import cached_property
from pathlib import Path

import numpy as np
import pandas as pd
from sklearn.model_selection import train_test_split

from models.schema import FeatureSchema
from portal.config import ConfigError, DataConfig
from portal.data._demos import DEMO_PREFIX, DEMO_TABLES, load_demo_table
from portal.data._fingerprint import bytes_fingerprint, frame_fingerprint
from portal.data._values import check_finite, check_not_empty
from portal.results import RowIndex

MAX_CLASSIFICATION_LEVELS = 10  # more distinct labels than this is rarely a class (an id, a count)
TOO_MANY_CLASSES = "has {n} classes; at most {limit} are supported"
RARE_CLASS = "class {label!r} has only one row, too few to hold any out for testing"
SPLIT_TOO_SMALL = "holding out {share:g} of {rows} rows leaves a side of the split without {what}"
POSITIVE_NOT_BINARY = "applies to a two-class target only; this one has {n} classes, and each is explained"
TRAINING_TOO_SMALL = "the training rows within {what} leave {problem}"


@dataclass(frozen=True)
class Segment:
    """A range of a data set's rows with its own fingerprint: the key of its explanation jobs."""

    fingerprint: str
    start: int
    stop: int

    @property
    def n_rows(self) -> int:
        return self.stop - self.start


@dataclass(frozen=True, eq=False)
class Dataset:
    """A validated table: model inputs in original columns, an encoded target, ids and a split.

    For classification ``y`` holds class codes 0..k-1 in the order of ``classes``; for a binary task
    the positive class is code 1. A target with three or more classes is multi-class: every class is
    explained (``class_names``) and there is no positive class.
    """

    source: str
    target: str
    task: str
    features: pd.DataFrame
    y: np.ndarray
    ids: np.ndarray
    classes: tuple[str, ...]
    schema: FeatureSchema
    fingerprint: str
    train_index: np.ndarray
    test_index: np.ndarray
    protected: tuple[str, ...]
    frame: pd.DataFrame
    segments: tuple[Segment, ...] = ()  # the source's rows, then each appended batch (portal.data's _appended)

    @property
    def n_rows(self) -> int:
        return len(self.features)

    @property
    def parts(self) -> tuple[Segment, ...]:
        """The row ranges explained as separate jobs: the source's rows (fingerprinted as the data set was before
        any batch), then each batch's; one part without batches."""
        return self.segments or (Segment(self.fingerprint, 0, self.n_rows),)

    @cached_property
    def original(self) -> Dataset:
        """The data set of the source's rows alone: what models train on and sample-based results draw from."""
        if not self.segments:
            return self
        end = self.segments[0].stop
        return replace(
            self,
            features=self.features.iloc[:end],
            y=self.y[:end],
            ids=self.ids[:end],
            frame=self.frame.iloc[:end],
            fingerprint=self.segments[0].fingerprint,
            segments=(),
        )

    @property
    def labelled(self) -> np.ndarray:
        """Which rows have a known target: all the source's; a batch's once its labels arrived."""
        return self.y >= 0 if self.task == "classification" else ~np.isnan(self.y)

    @property
    def is_multiclass(self) -> bool:
        return len(self.classes) > 2

    @property
    def class_names(self) -> tuple[str, ...]:
        """The classes a multi-class explanation has one slice for; empty for binary and regression."""
        return self.classes if self.is_multiclass else ()

    @property
    def positive(self) -> str | None:
        """The class a binary explanation is about; None for regression and multi-class."""
        return self.classes[-1] if len(self.classes) == 2 else None

    @cached_property
    def split_fingerprint(self) -> str:
        """A hash of the training rows: part of the key of everything they shape (fitted models, background rows)."""
        return bytes_fingerprint(self.train_index.tobytes())

    @cached_property
    def rows(self) -> RowIndex:
        """Row id -> data position: the one index every part of a project uses."""
        return RowIndex(self.ids)

    @cached_property
    def features_by_id(self) -> pd.DataFrame:
        """The model inputs indexed by row id (as text): where row search and reasons read a row's values."""
        return self.features.set_axis(pd.Index(self.rows.row_ids), axis=0)


def load_dataset(config: DataConfig, base_dir: Path | None = None) -> Dataset:
    """Read ``config.source`` and check it against the rest of ``config``."""
    frame = read_table(config.source, base_dir or Path.cwd())
    _check_columns(frame, config)
    check_not_empty(frame, config.target, config.source)
    columns = _feature_columns(frame, config)
    check_finite(frame, (*columns, config.target, *config.protected), config.id)
    frame = frame[frame[config.target].notna()].reset_index(drop=True)
    task = config.task or _infer_task(frame[config.target])
    y, classes = _encode_target(frame[config.target], task, config.positive)
    features = clean_features(frame[list(columns)])
    ids = _row_ids(frame, config.id)
    train, test = _split(len(frame), y if task == "classification" else None, config)
    fingerprint = frame_fingerprint(pd.concat([features, frame[[config.target]]], axis=1))
    return Dataset(
        source=config.source,
        target=config.target,
        task=task,
        features=features,
        y=y,
        ids=ids,
        classes=classes,
        schema=FeatureSchema.infer(features),
        fingerprint=fingerprint,
        train_index=train,
        test_index=test,
        protected=config.protected,
        frame=frame,
    )


def training_within(dataset: Dataset, rows: np.ndarray, *, what: str, field: str, fix: str) -> Dataset:
    """The data set whose training rows are only those of its split's training rows among ``rows`` (data
    positions), e.g. the reference period's; the held-out rows stay as they were. ``what``, ``field`` and ``fix``
    word the ConfigError raised when too little is left to train on (no rows, or not every class)."""
    train = np.intersect1d(dataset.train_index, np.asarray(rows, dtype=dataset.train_index.dtype))
    missing = sorted(set(range(len(dataset.classes))) - set(np.unique(dataset.y[train]).tolist()))
    if train.size == 0 or missing:
        problem = "no rows" if train.size == 0 else f"no row of class {dataset.classes[missing[0]]!r}"
        raise ConfigError(field, TRAINING_TOO_SMALL.format(what=what, problem=problem), fix)
    return replace(dataset, train_index=train)


def read_table(source: str, base_dir: Path) -> pd.DataFrame:
    """A demo table, a .csv or a .parquet file; anything unreadable is a ConfigError."""
    if source.startswith(DEMO_PREFIX):
        try:
            return load_demo_table(source)
        except KeyError:
            demos = ", ".join(f"{DEMO_PREFIX}{n}" for n in DEMO_TABLES)
            raise ConfigError("[data] source", f"'{source}' is not a demo", f"use one of {demos}") from None
    path = Path(source).expanduser()
    path = path if path.is_absolute() else base_dir / path
    readers = {".csv": pd.read_csv, ".parquet": pd.read_parquet}
    if path.suffix.lower() not in readers:
        raise ConfigError(
            "[data] source", f"'{path.name}' is not a .csv or .parquet file", "convert it or point at one"
        )
    if not path.is_file():
        raise ConfigError(
            "[data] source", f"no file at {path}", "check the path (relative paths start at the config file)"
        )
    try:
        return readers[path.suffix.lower()](path)
    except Exception as error:  # any parser failure is the same problem for the user
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        raise ConfigError(
            "[data] source", f"cannot read {path.name}: {reason}", "check the file is a valid table"
        ) from None


def _check_columns(frame: pd.DataFrame, config: DataConfig) -> None:
    named = [("target", config.target), ("id", config.id), ("time", config.time)]
    named += [("protected", c) for c in config.protected]
    named += [("features", c) for c in config.features or ()] + [("exclude", c) for c in config.exclude]
    for field_name, column in named:
        if column is not None and column not in frame.columns:
            raise ConfigError(
                f"[data] {field_name}", f"column '{column}' is not in the data", _column_fix(column, frame)
            )


def _column_fix(column: str, frame: pd.DataFrame) -> str:
    guesses = difflib.get_close_matches(column, [str(c) for c in frame.columns], n=3)
    if guesses:
        return f"did you mean {', '.join(repr(g) for g in guesses)}?"
    return f"columns are: {', '.join(map(str, frame.columns[:30]))}"


def _infer_task(target: pd.Series) -> str:
    if not pd.api.types.is_numeric_dtype(target) or pd.api.types.is_bool_dtype(target):
        return "classification"
    integral = np.allclose(target, np.round(target))
    return "classification" if integral and target.nunique() <= MAX_CLASSIFICATION_LEVELS else "regression"


def _encode_target(target: pd.Series, task: str, positive: object) -> tuple[np.ndarray, tuple[str, ...]]:
    if task == "regression":
        if not pd.api.types.is_numeric_dtype(target):
            raise ConfigError("[data] task", "regression needs a numeric target", 'set task = "classification"')
        return target.to_numpy(dtype=float), ()
    labels = _class_labels(target.astype(str), positive)
    codes = target.astype(str).map({label: code for code, label in enumerate(labels)})
    return codes.to_numpy(dtype=int), tuple(labels)


def _class_labels(target: pd.Series, positive: object) -> list[str]:
    """The classes in code order: sorted, with a binary target's positive class last (code 1)."""
    counts = target.value_counts()
    labels = sorted(counts.index)
    if len(labels) < 2:
        raise ConfigError(
            "[data] target", f"has only one class ({labels[0]!r})", "pick a target with at least two classes"
        )
    if len(labels) > MAX_CLASSIFICATION_LEVELS:
        raise ConfigError(
            "[data] target",
            TOO_MANY_CLASSES.format(n=len(labels), limit=MAX_CLASSIFICATION_LEVELS),
            'pick a target with fewer classes, or set task = "regression" if it is a number',
        )
    rare = counts[counts < 2]
    if len(rare):
        raise ConfigError(
            "[data] target", RARE_CLASS.format(label=rare.index[0]), "drop its rows or merge it into another class"
        )
    if positive is None:
        return labels
    if len(labels) > 2:
        raise ConfigError("[data] positive", POSITIVE_NOT_BINARY.format(n=len(labels)), "remove positive")
    if str(positive) not in labels:
        raise ConfigError("[data] positive", f"{positive!r} is not a class of the target", f"use one of {labels}")
    return [label for label in labels if label != str(positive)] + [str(positive)]


def _feature_columns(frame: pd.DataFrame, config: DataConfig) -> tuple[str, ...]:
    if config.features is not None:
        columns = config.features
    else:
        reserved = {config.target, config.id, config.time, *config.protected}
        columns = tuple(c for c in frame.columns if c not in reserved)
    columns = tuple(c for c in columns if c not in config.exclude and c != config.target)
    if not columns:
        raise ConfigError(
            "[data] features", "no model inputs are left", "list features = [...] or exclude fewer columns"
        )
    return columns


def clean_features(features: pd.DataFrame) -> pd.DataFrame:
    """Booleans become 0/1; text becomes plain objects with NaN for missing (what encoders expect)."""
    cleaned = {}
    for column in features.columns:
        values = features[column]
        if pd.api.types.is_bool_dtype(values):
            values = values.astype(int)
        elif not pd.api.types.is_numeric_dtype(values):
            values = values.astype(object).where(values.notna(), np.nan)
        cleaned[column] = values
    return pd.DataFrame(cleaned)


def _row_ids(frame: pd.DataFrame, id_column: str | None) -> np.ndarray:
    if id_column is None:
        return np.arange(len(frame)).astype(str)
    ids = frame[id_column].astype(str)
    duplicated = ids[ids.duplicated()]
    if len(duplicated):
        raise ConfigError(
            "[data] id",
            f"column '{id_column}' repeats ids (e.g. {duplicated.iloc[0]!r})",
            "point id at a unique column or remove it",
        )
    return ids.to_numpy(dtype=object)


def _split(n_rows: int, strata: np.ndarray | None, config: DataConfig) -> tuple[np.ndarray, np.ndarray]:
    """A seeded held-out split, stratified by class for classification."""
    try:
        train, test = train_test_split(
            np.arange(n_rows), test_size=config.test_size, random_state=config.seed, stratify=strata
        )
    except ValueError:  # stratifying needs every class at least once on both sides of the split
        what = f"a row of each of the {len(np.unique(strata))} classes" if strata is not None else "rows"
        problem = SPLIT_TOO_SMALL.format(share=config.test_size, rows=n_rows, what=what)
        raise ConfigError("[data] test_size", problem, "change test_size, or use more rows") from None
    return np.sort(train), np.sort(test)
