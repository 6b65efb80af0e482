"""A monitored project over time: its windows, training on the reference, and its :class:`MonitoringReport`.

A project with a ``[monitoring]`` table has its rows cut into windows of the ``[data] time`` column when it
opens (:func:`project_windows`; a time column that does not parse or a reference without rows is a
ConfigError then, not later). With ``train_on_reference`` (the default) the built-in kinds learn from the
reference windows only (:func:`trained_on_reference`): the split's training rows among the reference rows.
The held-out rows stay the split's, so /performance measures the same rows either way, and the background rows
the explanations are computed against are drawn from the reference's training rows (their file and the job
keys carry the split's fingerprint). A user's own model is loaded, never retrained: for it the reference is
only the baseline.

:class:`Monitoring` builds the report from every model's stored explanation of every row, its predictions
and the labels. The labels of the rows the models were trained on are left out (NaN), so the reference's
error is a held-out one, as every later window's is. The explanations never change once done, so the
report is computed once and kept.

A classification project also has the report in the common scale (``report("common")``): every model's
probability-scale explanation of the common scale's seeded sample, over the windows, features and labels
restricted to the sample's rows. Its numbers sit side by side across models; its alerts are the own scale's,
raised on every row (a sample's noise is no reason to alert). An average of log-odds models has no probability
scale and is left out of it.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import fields, replace

import numpy as np

from portal.analyses import (
    COMMON,
    OWN_SCALE,
    AlertThresholds,
    Labels,
    MonitoringError,
    MonitoringReport,
    Windows,
    monitoring_report,
    windows_of,
)
from portal.config import ConfigError, MonitoringAlerts, MonitoringConfig, ProjectConfig
from portal.data import Dataset, training_within
from portal.project._common_scale import CommonScale
from portal.project._predictions import Predictions
from portal.results import Explanation

NOT_MONITORED = "the project has no [monitoring] table to monitor it over time"
MONITORING_FIX = 'add one, e.g. window = "month" and reference = "2016-07..2016-12", with time = "COLUMN" under [data]'
NOT_READY = "the explanations of {names} are still being computed; monitor once they are done"
REFERENCE_FIX = "widen the reference, or set train_on_reference = false under [monitoring]"
NO_SUCH_SCALE = "scale '{scale}' is not a monitoring scale; use 'own' or 'common'"
NO_COMMON = "the common scale is for classification projects; a regression's models share the target's units: use 'own'"
COMMON_NOT_READY = "the common-scale (probability) explanations of {names} are still being computed; try once done"
COMMON_ENDED = "the common-scale (probability) jobs of {names} failed or were cancelled; resume them to monitor in it"
NO_REFERENCE_SAMPLE = "the common scale's sample holds no row of the reference; raise [explain] common_sample_rows"


def not_monitored() -> ConfigError:
    """The one line for a project asked about time that has no ``[monitoring]`` table."""
    return ConfigError("[monitoring]", NOT_MONITORED, MONITORING_FIX)


def project_windows(config: ProjectConfig, dataset: Dataset) -> Windows | None:
    """The windows of a monitored project's rows (None without ``[monitoring]``); a mistake is a ConfigError."""
    settings = config.monitoring
    if settings is None:
        return None
    try:
        return windows_of(dataset.frame[config.data.time], settings.window, settings.reference, settings.minimum_rows)
    except MonitoringError as error:
        raise ConfigError("[monitoring]", str(error)) from None


def trained_on_reference(config: ProjectConfig, dataset: Dataset, windows: Windows | None) -> Dataset:
    """The data set whose training rows are in the reference windows, when the project asks for it."""
    if windows is None or not config.monitoring.train_on_reference:
        return dataset
    where = f"the reference {config.monitoring.reference}"
    return training_within(
        dataset, windows.reference_rows, what=where, field="[monitoring] reference", fix=REFERENCE_FIX
    )


def thresholds_of(alerts: MonitoringAlerts) -> AlertThresholds:
    """The configured ``[monitoring.alerts]`` as the analyses' thresholds (significance stays the default)."""
    return AlertThresholds(**{f.name: getattr(alerts, f.name) for f in fields(alerts)})


class Monitoring:
    """A project's monitoring report, built once every model's explanation is done."""

    def __init__(
        self,
        settings: MonitoringConfig | None,
        windows: Windows | None,
        dataset: Dataset,
        predictions: Predictions,
        model_names: tuple[str, ...],
        explanation: Callable[[str], Explanation | None],
        seed: int = 0,
        common: CommonScale | None = None,
    ) -> None:
        self._settings, self._windows, self._dataset = settings, windows, dataset
        self._predictions, self._names, self._explanation, self._seed = predictions, model_names, explanation, seed
        self._common = common
        self._reports: dict[str, MonitoringReport] = {}
        self._lock = threading.Lock()

    @property
    def windows(self) -> Windows | None:
        return self._windows

    def report(self, scale: str = OWN_SCALE) -> MonitoringReport:
        """The report in ``scale`` ("own", or "common" for a classification project); a ConfigError without
        ``[monitoring]``, a MonitoringError for a scale the project has not or naming the models not done."""
        if self._settings is None or self._windows is None:
            raise not_monitored()
        if scale not in (OWN_SCALE, COMMON):
            raise MonitoringError(NO_SUCH_SCALE.format(scale=scale))
        if scale == COMMON and (self._common is None or self._dataset.task != "classification"):
            raise MonitoringError(NO_COMMON)
        with self._lock:
            if OWN_SCALE not in self._reports:
                self._reports[OWN_SCALE] = self._build()
            if scale not in self._reports:
                self._reports[scale] = self._build_common(self._reports[OWN_SCALE])
            return self._reports[scale]

    def _build(self) -> MonitoringReport:
        explanations = {name: self._explanation(name) for name in self._names}
        waiting = [f"'{name}'" for name, found in explanations.items() if found is None]
        if waiting:
            raise MonitoringError(NOT_READY.format(names=", ".join(waiting)))
        labels = {name: labels for name in self._names if (labels := self._labels(name)) is not None}
        return monitoring_report(
            tuple(explanations.values()),
            self._windows,
            self._dataset.features,
            thresholds_of(self._settings.alerts),
            labels,
            seed=self._seed,
        )

    def _build_common(self, own: MonitoringReport) -> MonitoringReport:
        """Every model with a probability scale on the sample rows, in probability; the own report's alerts."""
        common = self._common
        names = [name for name in self._names if not common.unavailable(name)]
        explanations = {name: common.explanation(name) for name in names}
        ended = [f"'{name}'" for name in names if (p := common.progress(name)) and p.state in ("failed", "cancelled")]
        if ended:
            raise MonitoringError(COMMON_ENDED.format(names=", ".join(ended)))
        waiting = [
            f"'{name}'"
            for name, found in explanations.items()
            if found is None or (name in common.jobs and not common.is_done(name))
        ]
        if waiting:
            raise MonitoringError(COMMON_NOT_READY.format(names=", ".join(waiting)))
        positions = common.sample.positions
        windows = self._windows.restricted(positions)
        if not len(windows.reference_rows):
            raise MonitoringError(NO_REFERENCE_SAMPLE)
        labels = {}
        for name in names:
            if (found := self._labels(name)) is not None:
                truth, predicted, task = found
                labels[name] = (truth[positions], predicted[positions], task)
        report = monitoring_report(
            tuple(explanations.values()),
            windows,
            self._dataset.features.iloc[positions],
            thresholds_of(self._settings.alerts),
            labels,
            seed=self._seed,
            scale=COMMON,
        )
        return replace(report, alerts=own.alerts)

    def _labels(self, name: str) -> Labels | None:
        """True values (NaN on the training rows) and the model's predictions on every row: a regressor's
        values, a binary classifier's probability of the positive class; none for a multi-class model."""
        data = self._dataset
        if data.task == "regression":
            truth, predicted = data.y.astype(np.float64), self._predictions.cohort_columns(name)[0]
        elif len(data.classes) == 2:
            truth, predicted = (data.y == 1).astype(np.float64), self._predictions.positive_scores(name)
        else:
            return None
        truth[data.train_index] = np.nan  # the reference's error is measured on rows the models did not learn
        truth[~data.labelled] = np.nan  # a batch's rows until their labels arrive (score --labels)
        return truth, np.asarray(predicted, dtype=np.float64), data.task
