"""A fitted model's entry in a project: its explanation job and what the engine says about its method.

:func:`model_entry` asks the engine how it will explain a fitted model (method, exactness, output scale,
the class slices) before any row is explained, and describes the jobs that will: the model file, the data
files the workers read, and each job's key, a hash of everything that determines its values. A project with
appended batches has one job per segment of its rows (:class:`portal.data.Segment`): the source's, keyed as
before any batch arrived, then one per batch, so a new batch explains its rows only.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from portal.config import ConfigError, ProjectConfig
from portal.data import Dataset, key_of, library_versions, model_class_names
from portal.explain import ENGINE_VERSION, Budget, exact_hint, explainer_for, members_of
from portal.jobs import ExplanationJob
from portal.project._training import FittedModel
from portal.results import AverageMember

BACKGROUND_ROWS = 200
CHUNK_ROWS = 500  # the smallest chunk: fine progress, and a first sample in seconds on slow models
MAX_CHUNKS = 64  # beyond this, chunks grow with the data so per-task overhead stays small


@dataclass(frozen=True, eq=False)
class ModelEntry:
    """A fitted model with its explanation job and what the engine says about its method."""

    fitted: FittedModel
    job: ExplanationJob
    method: str
    exact: bool
    output_scale: str
    feature_names: tuple[str, ...]
    class_names: tuple[str, ...] = ()  # multi-class: the data's name of each class slice, in the model's order
    members: tuple[AverageMember, ...] = ()  # a VotingClassifier / VotingRegressor: its members and weights
    exact_hint: str = ""  # approximate: how to get exact values and what they cost (portal.explain.exact_hint)
    batch_jobs: tuple[ExplanationJob, ...] = ()  # one per appended batch, after ``job`` (the source's rows)

    @property
    def jobs(self) -> tuple[ExplanationJob, ...]:
        """Every job of the model, one per segment of the data, in row order."""
        return (self.job, *self.batch_jobs)


@dataclass(frozen=True)
class JobFiles:
    """The files every explanation job of a project reads: the rows, the background rows, the row order."""

    data_path: str  # the source's rows
    background_path: str
    order_path: str
    batch_paths: tuple[str, ...] = ()  # each appended batch's rows (portal.data's segments after the first)


def model_entry(
    fitted: FittedModel,
    *,
    config: ProjectConfig,
    dataset: Dataset,
    background: pd.DataFrame,
    files: JobFiles,
    chunk_rows: int | None = None,
) -> ModelEntry:
    """The engine's plan for ``fitted`` and its job; a model the engine cannot explain is a ConfigError."""
    try:
        explainer = explainer_for(fitted.estimator, task=dataset.task, background=background, budget=budget(config))
    except ValueError as error:  # UnsupportedModelError, or a regressor given a classification target
        raise ConfigError(f"[[models]] '{fitted.name}'", str(error).splitlines()[0]) from None

    def key(segment_fingerprint: str) -> str:
        return explanation_key(fitted, explainer.method, segment_fingerprint, config=config, dataset=dataset)

    source = dataset.parts[0]
    spec = next(s for s in config.models if s.name == fitted.name)
    job = ExplanationJob(
        key=key(source.fingerprint),
        model_name=fitted.name,
        model_path=str(fitted.path),
        own_model=fitted.own,
        trusted=(*spec.trusted, *fitted.trusted),
        trust_code=spec.trust,
        task=dataset.task,
        n_rows=source.n_rows,
        chunk_rows=chunk_rows or chunk_rows_for(source.n_rows),
        data_path=files.data_path,
        background_path=files.background_path,
        order_path=files.order_path,
        seed=config.data.seed,
        max_exact_features=config.max_exact_features,
    )
    batch_jobs = tuple(
        replace(
            job,
            key=key(part.fingerprint),
            n_rows=part.n_rows,
            chunk_rows=chunk_rows or chunk_rows_for(part.n_rows),
            data_path=path,
            order_path="",  # a batch's rows have no labels to stratify by yet: a seeded random order
        )
        for part, path in zip(dataset.parts[1:], files.batch_paths)
    )
    return ModelEntry(
        fitted,
        job,
        explainer.method,
        explainer.exact,
        explainer.output_scale,
        explainer.feature_names,
        _class_names(fitted, dataset, explainer.class_names),
        members=members_of(explainer),
        exact_hint=exact_hint(explainer),
        batch_jobs=batch_jobs,
    )


def explanation_key(
    fitted: FittedModel, method: str, segment_fingerprint: str, *, config: ProjectConfig, dataset: Dataset
) -> str:
    """The key of a model's explanation of one segment of the data: a hash of all that determines its values."""
    return key_of(
        "explanation",
        fitted.fingerprint,
        segment_fingerprint,  # the source's rows are keyed as before any batch arrived: their jobs stay valid
        method,
        BACKGROUND_ROWS,
        config.data.seed,  # the background rows are a seeded sample of the training rows:
        dataset.split_fingerprint,  # a user's model (fingerprinted by its file) is explained against other rows
        ENGINE_VERSION,
        library_versions(),
    )


def budget(config: ProjectConfig) -> Budget:
    """What the model-agnostic method may cost: exact up to ``[explain] max_exact_features`` columns."""
    return Budget(max_exact_features=config.max_exact_features)


def background_rows(dataset: Dataset, seed: int, size: int = BACKGROUND_ROWS) -> pd.DataFrame:
    """A seeded sample of training rows in the original columns: the reference exact methods explain against.

    The project's own jobs and its common-scale jobs draw it the same way, so at one size they are the same rows.
    """
    train = dataset.train_index
    chosen = np.sort(np.random.default_rng(seed).choice(train, size=min(size, train.size), replace=False))
    return dataset.features.iloc[chosen]


def background_file(dataset: Dataset, seed: int, size: int = BACKGROUND_ROWS) -> str:
    """The name of the background rows' Parquet file: the rows depend on the data, the training rows and the seed."""
    return f"{dataset.original.fingerprint}-{dataset.split_fingerprint}-background-{seed}-{size}.parquet"


def chunk_rows_for(n_rows: int) -> int:
    """500 rows a chunk, or n / 64 on big data: 100k rows go in 64 chunks of 1,563."""
    return max(CHUNK_ROWS, -(-n_rows // MAX_CHUNKS))


def _class_names(fitted: FittedModel, dataset: Dataset, engine_names: tuple[str, ...]) -> tuple[str, ...]:
    """The data's names for the explanation's class slices; a model with other classes is a ConfigError."""
    if dataset.task != "classification":
        return ()
    try:
        names = model_class_names(getattr(fitted.estimator, "classes_", None), dataset.classes)
    except ValueError as error:
        raise ConfigError(f"[[models]] '{fitted.name}'", str(error), "train it on this target") from None
    return names if engine_names else ()
