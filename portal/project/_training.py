"""Fitting the project's built-in models, or loading the user's, once per fingerprint.

A built-in model's fingerprint hashes its kind, parameters, the source rows' fingerprint (batches appended
later never train, so they do not retrain it), the split and the library versions; the fitted model is saved
with skops under that name in the cache, so a restart loads it instead of training again.
A user's model file is fingerprinted by its bytes.

A user's model is checked when the project opens, not later in a worker: its file must load under the
trust rules of :mod:`models.persistence`, it must take the data's columns (the message names the
missing and the extra ones), and the engine must be able to explain it. Each failure is a
:class:`~portal.config.ConfigError`: one line naming the model and the fix.
"""

from __future__ import annotations

import sys
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import build_model
from models.persistence import CODE_RUNNING_WARNING, load_model, runs_code, save_model
from portal.config import ConfigError, ModelSpec
from portal.data import Dataset, bytes_fingerprint, key_of, library_versions
from portal.jobs import ResultStore

#: Training rows the explainability check of a user's model uses as its background.
COLUMNS_DIFFER = "{file} was trained on other columns than the data: {differences}"
COLUMN_ORDER = "{file} takes the data's columns in another order: {order}"
COLUMN_COUNT = "{file} takes {expected} columns but the data has {actual} ({columns}); it has no column names to match"
MISSING_FIX = "point [data] source at a table with the model's columns, or retrain the model on the data's columns"
EXTRA_FIX = "list the model's columns in [data] features = [...] (or the others in exclude)"
NOT_LOADED = "cannot load {file}: {reason}"


@dataclass(frozen=True, eq=False)
class FittedModel:
    name: str
    estimator: Any
    fingerprint: str
    path: Path
    own: bool  # the portal wrote the file (library types trusted) rather than the user
    seconds_to_fit: float | None = None  # None when loaded from the cache or the user's file
    trusted: tuple[str, ...] = ()  # types beyond the libraries' that its file needs (portal.project)


def fit_or_load(
    spec: ModelSpec, dataset: Dataset, store: ResultStore, log: Callable[[str], None] = print
) -> FittedModel:
    if spec.path is not None:
        return _load_users(spec, dataset)
    settings = _effective_settings(spec, dataset)
    fingerprint = key_of(
        "model", spec.kind, settings, dataset.original.fingerprint, dataset.split_fingerprint, library_versions()
    )
    path = store.model_path(fingerprint)
    if store.checked_model(fingerprint):  # a file that fails its checksum is set aside and fitted again
        return FittedModel(spec.name, load_model(path, own=True), fingerprint, path, own=True)
    log(f"training {spec.name} ({spec.kind}) on {dataset.train_index.size:,} rows ...")
    started = time.perf_counter()
    estimator = _fit(spec, dataset)
    seconds = time.perf_counter() - started
    save_model(estimator, path)
    store.record_model(fingerprint, {"name": spec.name, "kind": spec.kind, "seconds_to_fit": round(seconds, 3)})
    log(f"trained {spec.name} in {seconds:.1f} s")
    return FittedModel(spec.name, estimator, fingerprint, path, own=True, seconds_to_fit=seconds)


def _fit(spec: ModelSpec, dataset: Dataset) -> Any:
    try:
        estimator = build_model(spec.kind, spec.params, dataset.schema, dataset.task)
    except TypeError as error:  # an unknown keyword in params
        raise ConfigError(f"[[models]] '{spec.name}' params", str(error), "remove or rename the parameter") from None
    X = dataset.features.iloc[dataset.train_index]
    try:
        with warnings.catch_warnings():  # interpret's note about its own plots, which the portal does not use
            warnings.filterwarnings("ignore", message="Missing values detected", category=UserWarning)
            return estimator.fit(X, dataset.y[dataset.train_index])
    except (TypeError, ValueError) as error:
        raise ConfigError(
            f"[[models]] '{spec.name}' params", str(error).splitlines()[0], "check the parameter values"
        ) from None


def _load_users(spec: ModelSpec, dataset: Dataset) -> FittedModel:
    """Load the user's file and check it fits the data and can be explained, naming the model if not."""
    path, where = spec.path, f"[[models]] '{spec.name}' path"
    if not path.is_file():
        raise ConfigError(where, f"no file at {path}", "check the path (relative paths start at the config file)")
    if runs_code(path) and spec.trust:
        print(CODE_RUNNING_WARNING.format(file=path.name), file=sys.stderr, flush=True)
    try:
        estimator = load_model(path, trusted=spec.trusted, trust=spec.trust)
    except ValueError as error:  # untrusted types, or a pickle without trust: the message says what to add
        raise ConfigError(where, str(error)) from None
    except Exception as error:  # a damaged file, or a class that cannot be imported here
        raise ConfigError(
            where, NOT_LOADED.format(file=path.name, reason=_first_line(error)), "check the file loads in Python"
        ) from None
    check_columns(estimator, tuple(dataset.features.columns), where=where, file=path.name)
    return FittedModel(spec.name, estimator, bytes_fingerprint(path.read_bytes()), path, own=False)


def model_columns(estimator: Any) -> tuple[tuple[str, ...] | None, int | None]:
    """The column names the model was fitted on (its own, or its Pipeline's first step's), and their count."""
    for candidate in (estimator, _first_step(estimator)):
        names = getattr(candidate, "feature_names_in_", None)
        if names is not None:
            return tuple(str(n) for n in names), len(names)
    count = getattr(estimator, "n_features_in_", None) or getattr(_first_step(estimator), "n_features_in_", None)
    return None, count


def check_columns(estimator: Any, columns: tuple[str, ...], *, where: str, file: str) -> None:
    """Raise a ConfigError unless the model takes exactly ``columns``, in that order."""
    names, count = model_columns(estimator)
    if names is None:
        if count is not None and count != len(columns):
            problem = COLUMN_COUNT.format(file=file, expected=count, actual=len(columns), columns=", ".join(columns))
            raise ConfigError(where, problem, EXTRA_FIX if count < len(columns) else MISSING_FIX)
        return
    missing = [n for n in names if n not in columns]
    extra = [c for c in columns if c not in names]
    if missing or extra:
        differences = "; ".join(
            f"{label}: {', '.join(found)}"
            for label, found in (("missing from the data", missing), ("in the data but not in the model", extra))
            if found
        )
        fix = MISSING_FIX if missing else EXTRA_FIX
        raise ConfigError(where, COLUMNS_DIFFER.format(file=file, differences=differences), fix)
    if names != columns:
        order = ", ".join(f'"{n}"' for n in names)
        raise ConfigError(
            where, COLUMN_ORDER.format(file=file, order=order), f"write features = [{order}] under [data]"
        )


def _effective_settings(spec: ModelSpec, dataset: Dataset) -> dict[str, Any]:
    """Every scalar setting of the estimator the kind builds, defaults included: a changed default retrains."""
    try:
        estimator = build_model(spec.kind, spec.params, dataset.schema, dataset.task)
    except TypeError as error:  # an unknown keyword in params
        raise ConfigError(f"[[models]] '{spec.name}' params", str(error), "remove or rename the parameter") from None
    scalars = (bool, int, float, str, type(None))
    return {k: v for k, v in estimator.get_params(deep=True).items() if isinstance(v, scalars)}


def _first_step(estimator: Any) -> Any:
    steps = getattr(estimator, "steps", None)
    return steps[0][1] if steps else None


def _first_line(error: BaseException) -> str:
    text = str(error).splitlines()[0] if str(error) else ""
    return f"{type(error).__name__}: {text}" if text else type(error).__name__
