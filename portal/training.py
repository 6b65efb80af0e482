"""Fitting the project's built-in models, or loading the user's, once per fingerprint.

A built-in model's fingerprint hashes its kind, parameters, the data fingerprint, the split and the
library versions; the fitted model is saved with skops under that name in the cache, so a restart
loads it instead of training again. A user's model file is fingerprinted by its bytes.
"""

from __future__ import annotations

import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from models import build_model
from models.persistence import load_model, save_model
from portal.config import ConfigError, ModelSpec
from portal.data import Dataset
from portal.fingerprint import bytes_fingerprint, key_of, library_versions
from portal.store import ResultStore


@dataclass(frozen=True, eq=False)
class FittedModel:
    name: str
    estimator: Any
    fingerprint: str
    path: Path
    own: bool  # the portal wrote the file (library types trusted) rather than the user
    seconds_to_fit: float | None = None  # None when loaded from the cache or the user's file


def fit_or_load(
    spec: ModelSpec, dataset: Dataset, store: ResultStore, log: Callable[[str], None] = print
) -> FittedModel:
    if spec.path is not None:
        return _load_users(spec)
    split = bytes_fingerprint(dataset.train_index.tobytes())
    fingerprint = key_of("model", spec.kind, dict(spec.params), dataset.fingerprint, split, library_versions())
    path = store.model_path(fingerprint)
    if path.is_file():
        return FittedModel(spec.name, load_model(path, own=True), fingerprint, path, own=True)
    log(f"training {spec.name} ({spec.kind}) on {dataset.train_index.size:,} rows ...")
    started = time.perf_counter()
    estimator = _fit(spec, dataset)
    seconds = time.perf_counter() - started
    save_model(estimator, path)
    store.set_json(f"model:{fingerprint}", {"name": spec.name, "kind": spec.kind, "seconds_to_fit": round(seconds, 3)})
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


def _load_users(spec: ModelSpec) -> FittedModel:
    path = spec.path
    if not path.is_file():
        raise ConfigError(
            f"[[models]] '{spec.name}' path",
            f"no file at {path}",
            "check the path (relative paths start at the config file)",
        )
    try:
        estimator = load_model(path, trusted=spec.trusted, trust=spec.trust)
    except ValueError as error:
        raise ConfigError(f"[[models]] '{spec.name}' path", str(error), "") from None
    return FittedModel(spec.name, estimator, bytes_fingerprint(path.read_bytes()), path, own=False)
