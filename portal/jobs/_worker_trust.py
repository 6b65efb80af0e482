"""What a Celery worker believes about a chunk: its own copy of the project, never the message.

A signed message proves the portal sent it, not that its paths and trust are right for this worker, and a message
alone used to decide how much a worker trusts the model file it loads (``own_model``, ``trusted``, ``trust_code``).
So the worker reads its projects itself (``PORTAL_CONFIG``: a project file or ``demo:NAME``, several separated by
commas when one pool of workers serves several projects), takes a model's trust from that model's ``[[models]]``
table, and refuses a chunk whose files lie outside the project's cache directory (the model file a project names
being the one exception). Every refusal is a :class:`TaskRefused` whose message is the one line the worker logs.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from portal.config import ConfigError, ModelSpec, ProjectConfig, load_config

CONFIG_ENV = "PORTAL_CONFIG"  # the same variable the pages' worker reads (portal.web.page_worker)
DEMO_PREFIX = "demo:"
CACHE_FILES = ("data_path", "background_path", "order_path")  # the files the portal writes into its cache

NO_CONFIG = "is not set: a Celery worker takes each model's trust from its own copy of the project"
CONFIG_FIX = f"set {CONFIG_ENV} to the project file the portal runs (or demo:NAME); several: separate them by commas"
UNKNOWN_MODEL = "refused: no project of this worker ({env}) has a model '{model}' with its cache at {where}"
DISAGREE = "refused: the projects of this worker ({env}) trust model '{model}' differently"
OUTSIDE = "refused: {field} {path} is outside the cache directory {cache}"
NOT_THE_FILE = "refused: model_path {path} is neither in the cache {cache} nor the file {model!r} names ({file})"
NO_JOBS = "refused: model '{model}' is an average, explained from its members; it has no chunks"


class TaskRefused(PermissionError):
    """A chunk this worker will not run; the message is the one line it logs and the portal shows."""


@dataclass(frozen=True)
class ModelTrust:
    """How far a worker trusts one model's file: all of it from the worker's project, nothing from the message."""

    own_model: bool  # written by the portal into its private cache: the libraries' types are trusted
    trusted: tuple[str, ...]  # further types skops may load
    trust_code: bool  # the project said trust = true: a pickle/joblib file may load
    model_file: Path | None  # a user's model: the one file outside the cache a chunk may name


def worker_projects() -> tuple[ProjectConfig, ...]:
    """The projects named by ``PORTAL_CONFIG``; a ConfigError (one line) when unset or wrong."""
    names = [name.strip() for name in os.environ.get(CONFIG_ENV, "").split(",") if name.strip()]
    if not names:
        raise ConfigError(CONFIG_ENV, NO_CONFIG, CONFIG_FIX)
    return tuple(_read(name) for name in names)


@functools.cache
def cached_worker_projects() -> tuple[ProjectConfig, ...]:
    """:func:`worker_projects`, read once per worker process (the configuration does not change while it runs)."""
    return worker_projects()


def _read(name: str) -> ProjectConfig:
    from portal.data import demo_config

    return demo_config(name.removeprefix(DEMO_PREFIX)) if name.startswith(DEMO_PREFIX) else load_config(Path(name))


def model_trust(config: ProjectConfig, spec: ModelSpec) -> ModelTrust:
    """A model's trust as the project that runs it sets it up (see portal.project's training and mitigation)."""
    if spec.is_average:
        raise TaskRefused(NO_JOBS.format(model=spec.name))
    if spec.is_threshold_optimizer:
        from models.fair_thresholds import TRUSTED_TYPE

        base = next(s for s in config.models if s.name == spec.base)
        return ModelTrust(True, (*spec.trusted, TRUSTED_TYPE, *base.trusted), False, None)
    if spec.path is not None:
        return ModelTrust(False, spec.trusted, spec.trust, spec.path.resolve())
    return ModelTrust(True, spec.trusted, spec.trust, None)


def vetted_job(job: Mapping[str, Any], projects: tuple[ProjectConfig, ...]) -> dict[str, Any]:
    """The job with its trust taken from the worker's project; TaskRefused for a file outside its cache.

    The project is the one that has the job's model and whose cache holds the job's data; when several do (two
    projects sharing a cache), they must agree on the model's trust.
    """
    name, data = str(job.get("model_name", "")), Path(str(job.get("data_path", ""))).resolve()
    matches = {
        (config.cache_dir.resolve(), model_trust(config, spec))
        for config in projects
        if data.is_relative_to(config.cache_dir.resolve())
        for spec in config.models
        if spec.name == name
    }
    if not matches:
        raise TaskRefused(UNKNOWN_MODEL.format(env=CONFIG_ENV, model=name, where=data.parent))
    if len({trust for _, trust in matches}) > 1:
        raise TaskRefused(DISAGREE.format(env=CONFIG_ENV, model=name))
    cache, trust = next(iter(matches))
    _check_files(job, cache, trust, name)
    return {**job, "own_model": trust.own_model, "trusted": list(trust.trusted), "trust_code": trust.trust_code}


def _check_files(job: Mapping[str, Any], cache: Path, trust: ModelTrust, name: str) -> None:
    """Every file the chunk reads lies in the cache; the model file there too, or it is the one the project names."""
    for field in CACHE_FILES:
        value = str(job.get(field) or "")
        if (field != "order_path" or value) and not Path(value).resolve().is_relative_to(cache):
            raise TaskRefused(OUTSIDE.format(field=field, path=value, cache=cache))
    model = Path(str(job.get("model_path", ""))).resolve()
    inside = trust.model_file is None and model.is_relative_to(cache)
    if not inside and model != trust.model_file:
        raise TaskRefused(NOT_THE_FILE.format(path=model, cache=cache, model=name, file=trust.model_file))
