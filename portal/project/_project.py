"""A running project: data, fitted models, metrics and explanation jobs behind one object.

:class:`Project` is what the CLI opens and the Dash layer talks to (it implements
:class:`portal.web.PortalServices`). Opening trains or loads every model and computes held-out
metrics; :meth:`Project.start_explanations` queues the explanation jobs, which run in the background
while the pages poll :meth:`Project.progress`.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np

from portal.analyses import held_out_metrics
from portal.config import ConfigError, ProjectConfig
from portal.data import Dataset, key_of, library_versions, load_dataset, model_class_names, order_beside, write_frame
from portal.jobs import ExplanationJob, JobRunner, ResultStore
from portal.project._averages import build_averages
from portal.project._cohorts import ProjectCohorts
from portal.project._common_scale import CommonScaleServices
from portal.project._fairness import ProjectFairness
from portal.project._interactions import InteractionServices
from portal.project._mitigation import fit_threshold_optimizers
from portal.project._proxies import ProjectProxies
from portal.project._training import FittedModel, fit_or_load
from portal.project._workbench import WorkbenchServices
from portal.results import AverageMember, Explanation, JobProgress, ModelMetrics, Provenance

BACKGROUND_ROWS = 200
CHUNK_ROWS = 500  # the smallest chunk: fine progress, and a first sample in seconds on slow models
MAX_CHUNKS = 64  # beyond this, chunks grow with the data so per-task overhead stays small
ENGINE_VERSION = "1"


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


class Project(
    WorkbenchServices, CommonScaleServices, InteractionServices, ProjectCohorts, ProjectFairness, ProjectProxies
):
    def __init__(
        self,
        config: ProjectConfig,
        runner: JobRunner | None = None,
        log: Callable[[str], None] = print,
        chunk_rows: int | None = None,
    ) -> None:
        self.config = config
        self._chunk_rows = chunk_rows
        self.title = config.title
        self.runner = runner or JobRunner(ResultStore(config.cache_dir))
        self.store = self.runner.store  # one store (and one index connection) for models and jobs
        self.dataset: Dataset = load_dataset(config.data, config.base_dir)
        data = self.dataset
        log(f"data: {data.n_rows:,} rows, {data.features.shape[1]} features, target '{data.target}'")
        self.background = self._background_rows()
        frames = self.store.root / "frames"
        self._data_path = write_frame(data.features, frames / f"{data.fingerprint}.parquet")
        self._background_path = write_frame(
            self.background, frames / f"{data.fingerprint}-background-{config.data.seed}-{BACKGROUND_ROWS}.parquet"
        )
        self._order_path = order_beside(self._data_path, data.y, data.task, config.data.seed)  # a sample first
        self.models = {
            spec.name: self._entry(fit_or_load(spec, self.dataset, self.store, log))
            for spec in config.models
            if not (spec.is_average or spec.is_threshold_optimizer)
        }
        fair = fit_threshold_optimizers(config, data, self.store, {n: e.fitted for n, e in self.models.items()}, log)
        self.models.update({name: self._entry(fitted) for name, fitted in fair.items()})  # kind = threshold_optimizer
        self.averages = build_averages(config.models, self.models, task=data.task, store=self.store)  # kind = average
        self._metrics = tuple(held_out_metrics(name, self._estimator(name), self.dataset) for name in self.model_names)
        self._explanations: dict[str, Explanation] = {}
        self._versions = library_versions()
        self._row_positions = {row_id: i for i, row_id in enumerate(self.dataset.ids)}
        self._open_common_scale()  # classification: the jobs that put every model in probability

    # --- PortalServices -------------------------------------------------------------------
    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(spec.name for spec in self.config.models)

    def project_summary(self) -> dict[str, object]:
        data = self.dataset
        return {
            "Title": self.title,
            "Source": data.source,
            "Target": data.target,
            "Task": data.task,
            "Positive class": data.positive or "–",
            "Classes": ", ".join(data.classes) or "–",
            "Rows": data.n_rows,
            "Held-out rows": int(data.test_index.size),
            "Features": data.features.shape[1],
            "Protected (not model inputs)": ", ".join(p for p in data.protected if p not in data.features) or "–",
            "Data fingerprint": data.fingerprint,
        }

    def methods(self) -> tuple[Provenance, ...]:
        return tuple(self._provenance(name) for name in self.model_names)

    def output_scales(self) -> tuple[str, ...]:
        return tuple((self.averages.get(name) or self.models[name]).output_scale for name in self.model_names)

    def metrics(self) -> tuple[ModelMetrics, ...]:
        return self._metrics

    def progress(self, model_name: str) -> JobProgress:
        if model_name in self.averages:
            return self.averages[model_name].progress(self)
        return self.runner.progress(self.models[model_name].job)

    def explanation(self, model_name: str) -> Explanation | None:
        """A finished explanation is immutable, so it is built once and then served from memory."""
        if model_name not in self._explanations:
            built = self._build_explanation(model_name)
            if built is None:
                return None
            self._explanations[model_name] = built
        return self._explanations[model_name]

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        """The rows explained so far (a seeded random sample that grows chunk by chunk), or None.

        Equal to :meth:`explanation` once the job is done; ``n_rows`` says how many rows it covers.
        """
        done = self.explanation(model_name)
        if done is not None:
            return done
        if model_name in self.averages:
            return self.averages[model_name].explanation_so_far(self)
        partial = self.runner.partial(self.models[model_name].job)
        if partial is None:
            return None
        positions, arrays = partial
        return self._as_explanation(model_name, self.dataset.ids[positions], arrays)

    def _build_explanation(self, model_name: str) -> Explanation | None:
        if model_name in self.averages:
            return self.averages[model_name].explanation(self)
        arrays = self.runner.result(self.models[model_name].job)
        return None if arrays is None else self._as_explanation(model_name, self.dataset.ids, arrays)

    def _as_explanation(self, model_name: str, row_ids: np.ndarray, arrays: dict[str, np.ndarray]) -> Explanation:
        entry, provenance = self.models[model_name], self._provenance(model_name)
        return Explanation(
            model_name=model_name,
            feature_names=entry.feature_names,
            row_ids=row_ids,
            values=arrays["values"],
            base_values=arrays["base_values"],
            outputs=arrays["outputs"],
            output_scale=entry.output_scale,
            provenance=provenance,
            class_names=entry.class_names,
        )

    def cancel(self, model_name: str) -> None:
        if model_name in self.averages:
            return self.averages[model_name].cancel(self)
        self.runner.cancel(self.models[model_name].job)
        self._cancel_common(model_name)

    def resume(self, model_name: str) -> None:
        if model_name in self.averages:
            return self.averages[model_name].resume(self)
        self.runner.submit(self.models[model_name].job)
        self._submit_common(model_name)

    def total_rows(self) -> int:
        return self.dataset.n_rows

    def class_names(self) -> tuple[str, ...]:
        return self.dataset.class_names

    def _provenance(self, model_name: str) -> Provenance:
        if model_name in self.averages:
            return self.averages[model_name].provenance(self.dataset.fingerprint, self._versions)
        entry = self.models[model_name]
        return Provenance(
            model_fingerprint=entry.fitted.fingerprint,
            data_fingerprint=self.dataset.fingerprint,
            method=entry.method,
            exact=entry.exact,
            library_versions=self._versions,
            members=entry.members,
        )

    def row_ids(self) -> tuple[str, ...]:
        return tuple(self.dataset.ids)

    def row_values(self, row_id: str) -> dict[str, object]:
        position = self._row_positions.get(str(row_id))
        if position is None:
            return {}
        row = self.dataset.features.iloc[position]
        return {column: (None if _is_missing(value) else value) for column, value in row.items()}

    # --- jobs -----------------------------------------------------------------------------
    def start_explanations(self, common: bool = True) -> None:
        """Queue every model's explanation job (finished ones are found in the store and skipped), then,
        unless ``common`` is False, the common-scale jobs once those have ended (:mod:`portal.project`)."""
        for entry in self.models.values():
            self.runner.submit(entry.job)
        if common:
            self._submit_common_after_own()

    def _entry(self, fitted: FittedModel) -> ModelEntry:
        from portal.explain import exact_hint, explainer_for, members_of

        try:
            explainer = explainer_for(
                fitted.estimator, task=self.dataset.task, background=self.background, budget=self._budget()
            )
        except ValueError as error:  # UnsupportedModelError, or a regressor given a classification target
            raise ConfigError(f"[[models]] '{fitted.name}'", str(error).splitlines()[0]) from None
        key = key_of(
            "explanation",
            fitted.fingerprint,
            self.dataset.fingerprint,
            explainer.method,
            BACKGROUND_ROWS,
            self.config.data.seed,  # the background rows are a seeded sample
            ENGINE_VERSION,
            library_versions(),
        )
        spec = next(s for s in self.config.models if s.name == fitted.name)
        job = ExplanationJob(
            key=key,
            model_name=fitted.name,
            model_path=str(fitted.path),
            own_model=fitted.own,
            trusted=(*spec.trusted, *fitted.trusted),
            trust_code=spec.trust,
            task=self.dataset.task,
            n_rows=self.dataset.n_rows,
            chunk_rows=self._chunk_rows or chunk_rows_for(self.dataset.n_rows),
            data_path=str(self._data_path),
            background_path=str(self._background_path),
            order_path=str(self._order_path),
            seed=self.config.data.seed,
            max_exact_features=self.config.max_exact_features,
        )
        return ModelEntry(
            fitted,
            job,
            explainer.method,
            explainer.exact,
            explainer.output_scale,
            explainer.feature_names,
            self._class_names(fitted, explainer.class_names),
            members=members_of(explainer),
            exact_hint=exact_hint(explainer),
        )

    def _class_names(self, fitted: FittedModel, engine_names: tuple[str, ...]) -> tuple[str, ...]:
        """The data's names for the explanation's class slices; a model with other classes is a ConfigError."""
        if self.dataset.task != "classification":
            return ()
        try:
            names = model_class_names(getattr(fitted.estimator, "classes_", None), self.dataset.classes)
        except ValueError as error:
            raise ConfigError(f"[[models]] '{fitted.name}'", str(error), "train it on this target") from None
        return names if engine_names else ()

    def _estimator(self, model_name: str):
        """What predicts for the model: its fitted estimator, or an average's combination of its members'."""
        average = self.averages.get(model_name)
        return average.estimator if average else self.models[model_name].fitted.estimator

    def _background_rows(self):
        """A seeded sample of training rows: the reference some exact methods explain against."""
        train = self.dataset.train_index
        rng = np.random.default_rng(self.config.data.seed)
        chosen = np.sort(rng.choice(train, size=min(BACKGROUND_ROWS, train.size), replace=False))
        return self.dataset.features.iloc[chosen]


def chunk_rows_for(n_rows: int) -> int:
    """500 rows a chunk, or n / 64 on big data: 100k rows go in 64 chunks of 1,563."""
    return max(CHUNK_ROWS, -(-n_rows // MAX_CHUNKS))


def _is_missing(value: object) -> bool:
    try:
        return bool(np.isnan(value))  # type: ignore[arg-type]
    except TypeError:
        return value is None
