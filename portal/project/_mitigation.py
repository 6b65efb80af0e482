"""Mitigation as a model: fairlearn's ThresholdOptimizer on another model (``kind = "threshold_optimizer"``).

The optimizer post-processes its ``base``: on the training rows it picks, per group of one protected column,
thresholds on the base's positive-class probability that meet a fairness ``constraint`` (fairlearn's names)
at the best accuracy (or the configured objective). The result is a
:class:`models.fair_thresholds.GroupThresholdClassifier`: the base plus a rule per group, predicting the
expected decision (deterministic; see that module). To the rest of the portal it is one more fitted model:
held-out metrics, explanations (the model-agnostic method in probability: exact by enumeration up to
``Budget.max_exact_features`` columns, approximate above, as its label says; about 4x faster on the base's
own column-wise preparation, see :mod:`portal.explain`), every page, ``precompute`` and
``cache`` treat it like the others.

The protected column must be a model input. The optimizer decides by group, so the group is part of every
decision; the portal calls models with the feature frame alone (explanations evaluate them on rows mixed
with background rows, the what-if panel edits rows, exports re-predict), and a model that also read a hidden
column could neither be called there nor be explained honestly: its use of the group would be credited to
nothing. So a protected column outside ``[data] features`` is a ConfigError that says how to add it.

Saving: the fitted model is written with skops into the cache like every trained model, keyed by the
base's fingerprint, the groups (column and band edges), the constraint, the settings, the data and
split and the library versions (fairlearn's included). Nothing is pickled. Its file needs one type beyond
the libraries' trusted, :data:`models.fair_thresholds.TRUSTED_TYPE` (our own class of plain numbers, plus
the base's ``trusted`` types when the base is a user's file), which the model's job passes to the worker
that loads it; no other rule of :mod:`models.persistence` changes. Fitting takes well under a second (the
base predicts the training rows once), so the cache saves little time but keeps the model's identity.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from importlib import metadata

import numpy as np

from models.fair_thresholds import TRUSTED_TYPE, GroupThresholdClassifier
from models.persistence import load_model, save_model
from portal.config import ConfigError, ModelSpec, ProjectConfig
from portal.data import Dataset, class_columns, key_of, library_versions
from portal.fairness import ProtectedAttribute, band_labels, column_attribute
from portal.jobs import ResultStore
from portal.project._training import FittedModel

VERSION = "1"  # of the wrapping; part of the model's fingerprint
NOT_AN_INPUT = (
    "'{column}' is not a model input, and a threshold optimizer decides by its groups, so every prediction "
    "needs it; the portal gives models the feature frame only"
)
NOT_AN_INPUT_FIX = (
    "list '{column}' in [data] features (then every model may use it), or choose a protected column that is an input"
)
NOT_BINARY = "a threshold optimizer post-processes yes/no decisions, and this target has {what}"
ONE_OUTCOME = "among the training rows, the group {group} of '{column}' has only one outcome, so no threshold fits it"
ONE_OUTCOME_FIX = {
    True: "choose wider bands: [fairness] bands = {{ {column} = [...] }}",
    False: "merge the group with another value of '{column}' in the data",
}
GROUPS_DIFFER = "the optimizer '{name}' groups rows differently from the fairness pages: a bug; please report it"


def fit_threshold_optimizers(
    config: ProjectConfig,
    dataset: Dataset,
    store: ResultStore,
    fitted: Mapping[str, FittedModel],
    log: Callable[[str], None] = print,
) -> dict[str, FittedModel]:
    """Every ``kind = "threshold_optimizer"`` of the project, on its base among ``fitted``, in file order."""
    specs = {spec.name: spec for spec in config.models}
    return {
        spec.name: fit_or_load_optimizer(
            spec, specs[spec.base], fitted[spec.base], dataset, store, bands=config.fairness.bands, log=log
        )
        for spec in config.models
        if spec.is_threshold_optimizer
    }


def fit_or_load_optimizer(
    spec: ModelSpec,
    base_spec: ModelSpec,
    base: FittedModel,
    dataset: Dataset,
    store: ResultStore,
    *,
    bands: Mapping[str, Sequence[float]] | None = None,
    log: Callable[[str], None] = print,
) -> FittedModel:
    """Load the optimizer from the cache, or fit it on the training rows and save it there.

    ``bands``: the configured band edges of numeric protected columns (``[fairness] bands``).
    """
    where = f"[[models]] '{spec.name}'"
    _check_binary(dataset, where)
    if spec.protected not in dataset.features.columns:
        problem, fix = (text.format(column=spec.protected) for text in (NOT_AN_INPUT, NOT_AN_INPUT_FIX))
        raise ConfigError(f"{where} protected", problem, fix)
    attribute = column_attribute(dataset.frame[spec.protected], spec.protected, (bands or {}).get(spec.protected))
    trusted = (TRUSTED_TYPE, *base_spec.trusted)
    fingerprint = key_of(
        "model",
        spec.kind,
        VERSION,
        base.fingerprint,
        [spec.protected, attribute.edges, spec.constraint, dict(spec.params)],
        [dataset.original.fingerprint, dataset.split_fingerprint],
        [library_versions(), metadata.version("fairlearn")],
    )
    path = store.model_path(fingerprint)
    if store.checked_model(fingerprint):  # a file that fails its checksum is set aside and fitted again
        model = load_model(path, trusted=trusted, own=True)
        return FittedModel(spec.name, model, fingerprint, path, own=True, trusted=trusted)
    log(f"fitting {spec.name} ({spec.constraint} by {spec.protected} on {base.name}) ...")
    started = time.perf_counter()
    model = fit_optimizer(spec, base.estimator, dataset, attribute)
    seconds = time.perf_counter() - started
    save_model(model, path)
    store.record_model(fingerprint, {"name": spec.name, "kind": spec.kind, "seconds_to_fit": round(seconds, 3)})
    return FittedModel(spec.name, model, fingerprint, path, own=True, seconds_to_fit=seconds, trusted=trusted)


def fit_optimizer(
    spec: ModelSpec, base: object, dataset: Dataset, attribute: ProtectedAttribute
) -> GroupThresholdClassifier:
    """fairlearn's ThresholdOptimizer on the fitted ``base`` (prefit), read into a GroupThresholdClassifier.

    ``attribute``: the protected column's groups as the fairness pages make them (:mod:`portal.fairness`); the
    model bands its input the same way, which is checked on the training rows. The optimizer treats the
    base's ``predict_proba`` column 1 as "yes"; the labels it learns from are "this row's class is that
    column's class", so a user's model that orders its classes otherwise stays right.
    """
    from fairlearn.postprocessing import ThresholdOptimizer

    X = dataset.features.iloc[dataset.train_index]
    groups = np.asarray(attribute.labels, dtype=str)[dataset.train_index]
    columns = class_columns(getattr(base, "classes_", None), dataset.classes)
    yes = (dataset.y[dataset.train_index] == columns.index(1)).astype(int)
    edges = attribute.edges.get(spec.protected, ())
    _check_outcomes(spec, groups, yes, banded=bool(edges))
    optimizer = ThresholdOptimizer(
        estimator=base, constraints=spec.constraint, prefit=True, predict_method="predict_proba", **spec.params
    )
    try:
        optimizer.fit(X, yes, sensitive_features=groups)
    except (TypeError, ValueError) as error:  # a bad objective for the constraint, a bad grid_size, ...
        where, fix = f"[[models]] '{spec.name}' params", "check the settings against fairlearn's ThresholdOptimizer"
        raise ConfigError(where, str(error).splitlines()[0], fix) from None
    labels = band_labels(edges) if edges else ()
    model = GroupThresholdClassifier.from_optimizer(optimizer, column=spec.protected, edges=edges, band_labels=labels)
    if not np.array_equal(model.group_labels(X), groups):
        raise RuntimeError(GROUPS_DIFFER.format(name=spec.name))
    return model


def _check_outcomes(spec: ModelSpec, groups: np.ndarray, yes: np.ndarray, *, banded: bool) -> None:
    """fairlearn needs both outcomes in every group; say which group lacks one, and how to fix it."""
    for group in np.unique(groups):
        if np.unique(yes[groups == group]).size < 2:
            problem = ONE_OUTCOME.format(group=repr(str(group)), column=spec.protected)
            fix = ONE_OUTCOME_FIX[banded].format(column=spec.protected)
            raise ConfigError(f"[[models]] '{spec.name}' protected", problem, fix)


def _check_binary(dataset: Dataset, where: str) -> None:
    if dataset.task != "classification":
        raise ConfigError(f"{where} kind", NOT_BINARY.format(what="numbers (regression)"), "post-process a classifier")
    if dataset.is_multiclass:
        what = f"{len(dataset.classes)} classes"
        raise ConfigError(f"{where} kind", NOT_BINARY.format(what=what), "use a two-class target")
