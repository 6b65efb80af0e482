"""An in-memory twin of PortalServices: deterministic explanations for UI tests and screenshots.

Three models as a churn project would have them: a random forest answering in probability and a
gradient-boosting model and an EBM answering in log-odds. Contributions are seeded random numbers
with ``base + sum == output`` exactly. Models named in ``running`` report progress but no
explanation until :meth:`FakeServices.finish` is called; models in ``failed`` report an error.
"""

from __future__ import annotations

import time
from dataclasses import replace
from pathlib import Path

import numpy as np
import pandas as pd

from portal.analyses import (
    COMMON,
    ClassificationCurves,
    CohortRows,
    CommonMethod,
    Confusion,
    FeatureSpec,
    MonitoringError,
    MonitoringReport,
    RegressionDiagnostics,
    RowMatches,
    Sample,
    ShapeFunction,
    Windows,
    check_held_out,
    classification_columns,
    classification_curves,
    confusion_at,
    dependence,
    edited_row,
    feature_specs,
    take,
)
from portal.config import FairnessConfig
from portal.fairness import (
    GroupExplanation,
    ModelFairness,
    ProtectedAttribute,
    ProxyTable,
    ReasonsWritten,
    RowDecision,
)
from portal.project import Cohorts, Fairness, HeldOutScores, Proxies, not_monitored
from portal.reports import ReportWritten
from portal.results import (
    LOG_ODDS,
    LOGIT,
    PROBABILITY,
    Explanation,
    JobProgress,
    ModelInteractions,
    ModelMetrics,
    ProjectFacts,
    ProtectedColumn,
    Provenance,
    RowIndex,
)
from tests.fake_interactions import NOT_A_TREE, fake_interactions
from tests.fake_monitoring import fake_report, fake_windows

MODELS = {"Random forest": PROBABILITY, "Gradient boosting": LOG_ODDS, "EBM": LOG_ODDS}
FEATURES = (
    "tenure",
    "contract",
    "monthly_charges",
    "internet_service",
    "total_charges",
    "payment_method",
    "paperless_billing",
    "senior_citizen",
)
CHOICES = {
    "contract": ("Month-to-month", "One year", "Two year"),
    "internet_service": ("Fiber optic", "DSL", "No"),
    "payment_method": ("Electronic check", "Mailed check", "Bank transfer", "Credit card"),
    "paperless_billing": ("Yes", "No"),
    "senior_citizen": ("No", "Yes"),
}
CHUNKS = 10
COMMON_CHUNKS, COMMON_SAMPLE = 20, 100
FAKE_HINT = "exact with [explain] max_exact_features = 8: 2^8 coalitions x 200 background rows per row"


class FakeServices:
    """Implements :class:`portal.web.PortalServices` without any model or job.

    Cohorts, fairness and proxies are the project's own parts (:class:`portal.project.Cohorts`, ``Fairness``,
    ``Proxies``) given the fake's data, so their answers are the real core's on fake inputs."""

    title = "Telco customer churn (fake)"
    optimizers: tuple[str, ...] = ()

    def __init__(
        self,
        n_rows: int = 500,
        *,
        running: tuple[str, ...] = (),
        failed: dict[str, str] | None = None,
        seed: int = 7,
        classes: tuple[str, ...] = (),
        common_running: tuple[str, ...] = (),
        outcome_words: str = "selection",
        monitored: bool = True,
    ) -> None:
        """``classes`` (three or more) makes it a multi-class project: every explanation gets a class axis.
        ``common_running`` names log-odds models whose common-scale (probability) job is still computing;
        ``outcome_words`` is its ``[fairness] outcome_words`` ("lending": the pages speak of declines);
        ``monitored`` gives it a ``[monitoring]`` table (tests/fake_monitoring.py)."""
        rng = np.random.default_rng(seed)
        self._classes = tuple(classes)
        self._ids = tuple(f"C{i:05d}" for i in range(n_rows))
        self._data = _feature_table(rng, n_rows)
        weights = rng.uniform(0.2, 1.5, size=len(FEATURES)) * np.linspace(1.6, 0.3, len(FEATURES))
        self._explanations = {
            name: _explanation(name, scale, self._ids, weights, rng, self._classes) for name, scale in MODELS.items()
        }
        self._running = set(running)
        self._failed = dict(failed or {})
        self._common_running = set(common_running)
        self._monitored, self._report = monitored and not classes, None
        self._common_report = None
        self._sample = Sample.draw(n_rows, COMMON_SAMPLE, seed=3)
        self._common = {m: _in_probability(e) for m, e in self._explanations.items() if e.output_scale != PROBABILITY}
        self.rows_explained: list[tuple[str, str, str]] = []  # (model, row id, scale) of each explain_row call
        rows = RowIndex(self._ids)
        self.cohorts = Cohorts(self._cohort_table, rows, tuple(MODELS), self._cohort_predictions)
        self.fairness = Fairness(
            FairnessConfig(
                bands={"age": (25.0, 40.0, 60.0)},
                intersections=(("age", "senior_citizen"),),
                outcome_words=outcome_words,
            ),
            self._protected_frame(),
            binary_problem=f"target has {len(self._classes)} classes" if self._classes else "",
            held_out=self._held_out_scores,
            model_names=tuple(MODELS),
            so_far=self.explanation_so_far,
            common=self.common_explanation,
            rows=rows,
            seed=0,
        )
        inputs = pd.DataFrame(self._data).set_axis(pd.Index(rows.row_ids), axis=0)
        self.proxies = Proxies(
            self.fairness,
            inputs,
            scores=self._positive_scores,
            model_names=tuple(MODELS),
            explanation=self.explanation,
            so_far=self.explanation_so_far,
            rows=rows,
        )

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(MODELS)

    def finish(self, model_name: str) -> None:
        """Let a 'still running' model's explanation arrive."""
        self._running.discard(model_name)

    def facts(self) -> ProjectFacts:
        return ProjectFacts(
            title=self.title,
            source="fake:churn",
            target="churn",
            task="classification",
            positive="" if self._classes else "Yes",
            classes=self._classes or ("No", "Yes"),
            rows=len(self._ids),
            held_out_rows=125,
            features=FEATURES,
            protected=(ProtectedColumn("age", False), ProtectedColumn("senior_citizen", True)),
            data_fingerprint="data-fake",
        )

    def methods(self) -> tuple[Provenance, ...]:
        return tuple(self._explanations[m].provenance for m in MODELS)

    def output_scales(self) -> tuple[str, ...]:
        return tuple(MODELS.values())

    def metrics(self) -> tuple[ModelMetrics, ...]:
        table = {
            "Random forest": (0.842, 0.137, 0.421, 0.801),
            "Gradient boosting": (0.851, 0.133, 0.409, 0.806),
            "EBM": (0.855, 0.132, 0.405, 0.808),
        }
        return tuple(
            ModelMetrics(
                name, "classification", dict(zip(("AUC", "Brier score", "Log loss", "Accuracy"), table[name])), 125
            )
            for name in MODELS
        )

    def progress(self, model_name: str) -> JobProgress:
        if model_name in self._failed:
            return JobProgress(model_name, 4, CHUNKS, "failed", self._failed[model_name])
        if model_name in getattr(self, "_cancelled", ()):
            return JobProgress(model_name, 3, CHUNKS, "cancelled")
        if model_name in self._running:
            return JobProgress(model_name, 3, CHUNKS, "running")
        return JobProgress(model_name, CHUNKS, CHUNKS, "done")

    def explanation(self, model_name: str) -> Explanation | None:
        if model_name in self._running or model_name in self._failed:
            return None
        return self._explanations[model_name]

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        """A running model has its first 30% of rows (3 of 10 chunks) done."""
        if model_name in self._failed:
            return None
        full = self._explanations[model_name]
        if model_name not in self._running:
            return full
        n = len(self._ids) * 3 // CHUNKS
        return replace(
            full,
            row_ids=full.row_ids[:n],
            values=full.values[:n],
            base_values=full.base_values[:n],
            outputs=full.outputs[:n],
        )

    def cancel(self, model_name: str) -> None:
        self._cancelled = getattr(self, "_cancelled", set()) | {model_name}

    def resume(self, model_name: str) -> None:
        self._cancelled = getattr(self, "_cancelled", set()) - {model_name}

    def total_rows(self) -> int:
        return len(self._ids)

    def class_names(self) -> tuple[str, ...]:
        return self._classes

    def row_ids(self) -> tuple[str, ...]:
        return self._ids

    def row_values(self, row_id: str) -> dict[str, object]:
        if row_id not in self._ids:
            return {}
        i = self._ids.index(row_id)
        return {name: column[i : i + 1].tolist()[0] for name, column in self._data.items()}

    def find_rows(self, text: str, column: str | None = None, limit: int = 50, sort: str | None = None) -> RowMatches:
        return self.cohorts.find_rows(text, column, limit, sort)

    # --- the common scale: log-odds models get a probability-scale twin on a sample of rows -------------
    def common_methods(self) -> tuple[CommonMethod, ...]:
        """The log-odds models' probability twins are approximate, with the engine's kind of hint."""
        return tuple(
            CommonMethod(self._common[m].provenance, hint=FAKE_HINT) if m in self._common else CommonMethod(p)
            for m, p in zip(MODELS, self.methods())
        )

    def common_progress(self, model_name: str) -> JobProgress | None:
        if model_name not in self._common:
            return None
        done = 4 if model_name in self._common_running else COMMON_CHUNKS
        return JobProgress(model_name, done, COMMON_CHUNKS, "running" if done < COMMON_CHUNKS else "done")

    def finish_common(self, model_name: str) -> None:
        self._common_running.discard(model_name)

    def common_explanation(self, model_name: str) -> Explanation | None:
        """A running common job has the first fifth of its sample done."""
        if model_name not in self._common:
            native = self.explanation(model_name)
            return None if native is None else self._sample.restrict(native)
        common = self._sample.restrict(self._common[model_name])
        if model_name in self._common_running:
            return take(common, np.arange(common.n_rows // 5))
        return common

    def explain_row(self, model_name: str, row_id: str, scale: str = "common", class_name: str | None = None):
        if row_id not in self._ids:
            return None
        self.rows_explained.append((model_name, row_id, scale))
        full = self._common.get(model_name) if scale == "common" else None
        one = take(full if full is not None else self._explanations[model_name], [self._ids.index(row_id)])
        return one.for_class(class_name).row(0) if class_name and one.is_multiclass else one.row(0)

    # --- /interactions: the forest and the boosted model are trees, the EBM is not (see fake_interactions) ---
    interaction_delay = 0.0  # seconds per progress step (a quarter of the rows), to test cancelling

    def interaction_support(self) -> dict[str, str]:
        return {m: NOT_A_TREE.format(kind="ExplainableBoostingClassifier") if m == "EBM" else "" for m in MODELS}

    def interactions(self, model_name: str, n_rows: int, progress=None) -> ModelInteractions:
        if self.interaction_support()[model_name]:
            raise ValueError(self.interaction_support()[model_name])
        return fake_interactions(
            model_name, MODELS[model_name], FEATURES, self._ids, n_rows, progress=progress, delay=self.interaction_delay
        )

    # --- workbench pages: computed by the real core functions from the fake data -----------------
    def feature_names(self) -> tuple[str, ...]:
        return FEATURES

    def threshold_optimizers(self) -> tuple[str, ...]:
        return self.optimizers  # none unless a test names some

    def feature_values(self) -> pd.DataFrame:
        return pd.DataFrame(self._data, index=pd.Index(self._ids))

    def feature_dependence(self, feature, colour_by, explanations):
        frame = self.fairness.with_group_column(pd.DataFrame(self._data, index=pd.Index(self._ids)), colour_by)
        return dependence(explanations, frame, feature, colour_by=colour_by or None)

    def shape_function(self, feature: str) -> ShapeFunction | None:
        """The EBM's 'shape' of a numeric feature: a straight line through its contributions' trend."""
        if feature not in ("tenure", "monthly_charges", "total_charges"):
            return None
        grid = np.linspace(self._data[feature].min(), self._data[feature].max(), 20)
        return ShapeFunction(feature, grid, np.linspace(0.4, -0.4, 20), MODELS["EBM"], "EBM")

    def classification_curves(self, class_name=None, cohort=None) -> tuple[ClassificationCurves, ...]:
        y, scores = self._held_out(cohort, both_outcomes=True)
        return tuple(classification_curves(name, y, p) for name, p in scores.items())

    def confusions(self, threshold: float, class_name=None, cohort=None) -> dict[str, Confusion]:
        y, scores = self._held_out(cohort)
        return {name: confusion_at(y, p, threshold) for name, p in scores.items()}

    def segment_columns(self) -> tuple[str, ...]:
        return tuple(CHOICES)

    def regression_diagnostics(self, segment=None, cohort=None) -> tuple[RegressionDiagnostics, ...]:
        raise ValueError("the fake project is a classification project")

    def feature_specs(self) -> tuple[FeatureSpec, ...]:
        return feature_specs(pd.DataFrame(self._data))

    def what_if(self, row_id, edits, scale="native", class_name=None):
        """Each changed feature's contribution flips sign: enough for the page to show a difference."""
        edited_row(pd.DataFrame(self._data).iloc[[self._ids.index(row_id)]], edits, self.feature_specs())
        results = {}
        for name in MODELS:
            explanation = self.explanation(name)
            if explanation is None:
                continue
            if explanation.is_multiclass:
                explanation = explanation.for_class(class_name or self._classes[0])
            before = explanation.row(self._ids.index(row_id))
            values = before.values.copy()
            for feature in edits:
                values[FEATURES.index(feature)] *= -1
            after = replace(before, row_id=f"{row_id} (edited)", values=values, output=before.base_value + values.sum())
            results[name] = (before, after)
        return results

    def _held_out(self, cohort=None, both_outcomes=False) -> tuple[np.ndarray, dict[str, np.ndarray]]:
        """125 held-out rows (the last 125 data rows, for cohorts): a seeded outcome and, per model, a noisier or
        sharper probability of it."""
        rng = np.random.default_rng(11)
        y = rng.integers(0, 2, 125)
        noise = {"Random forest": 0.7, "Gradient boosting": 0.6, "EBM": 0.55}
        scores = {name: np.clip((1 - n) * y + n * rng.random(125), 0, 1) for name, n in noise.items()}
        if not (cohort or "").strip():
            return y, scores
        keep = self.cohorts.held_out(cohort, np.arange(len(self._ids) - 125, len(self._ids)))
        check_held_out(y[keep], both_outcomes=both_outcomes)
        return y[keep], {name: p[keep] for name, p in scores.items()}

    # --- cohorts: the features, a seeded outcome, and each model's output as its prediction -------------
    def _cohort_table(self) -> pd.DataFrame:
        churn = np.random.default_rng(13).choice(np.array(["No", "Yes"], dtype=object), size=len(self._ids))
        return pd.DataFrame(self._data).assign(churn=churn)

    def _cohort_predictions(self, model_name: str) -> tuple[np.ndarray, np.ndarray]:
        outputs = np.asarray(self._explanations[model_name].outputs, dtype=np.float64)
        if self._classes:
            probabilities = np.exp(outputs) / np.exp(outputs).sum(axis=1, keepdims=True)
            y = np.arange(len(self._ids)) % len(self._classes)
            return classification_columns(probabilities, y, self._classes)
        positive = np.clip(outputs, 0, 1) if MODELS[model_name] == PROBABILITY else 1 / (1 + np.exp(-outputs))
        y = (self._cohort_table()["churn"] == "Yes").to_numpy(dtype=np.int64)
        return classification_columns(np.column_stack([1 - positive, positive]), y, ("No", "Yes"))

    # --- fairness: the real core on a seeded age (banded) and senior_citizen ------------------------------
    def _protected_frame(self) -> pd.DataFrame:
        """Age is not a model input; on the held-out rows it falls as the forest's score rises, so the older
        bands are selected less often and the four-fifths rule is breached (a planted disparity)."""
        rng = np.random.default_rng(17)
        age = rng.integers(18, 80, size=len(self._ids)).astype(float)
        _, scores = self._held_out()
        age[-125:] = np.clip(np.round(58 - 25 * scores["Random forest"] + rng.normal(0, 12, 125)), 18, 79)
        return pd.DataFrame({"age": age, "senior_citizen": self._data["senior_citizen"]})

    def _held_out_scores(self) -> HeldOutScores:
        y, scores = self._held_out()
        return HeldOutScores(np.arange(len(self._ids) - 125, len(self._ids)), y, scores)

    # --- proxies and adverse action: each model's output as its probability ---------------------------------
    def _positive_scores(self, model_name: str) -> np.ndarray:
        outputs = np.asarray(self._explanations[model_name].outputs, dtype=np.float64)
        return np.clip(outputs, 0, 1) if MODELS[model_name] == PROBABILITY else 1 / (1 + np.exp(-outputs))

    # --- the parts' answers, as the protocol names them -------------------------------------------------
    def cohort_columns(self) -> tuple[str, ...]:
        return self.cohorts.columns()

    def cohort_rows(self, cohort: str | None) -> CohortRows:
        return self.cohorts.rows(cohort)

    def cohort_example(self) -> str:
        return self.cohorts.example()

    def fairness_config(self) -> FairnessConfig:
        return self.fairness.settings

    def fairness_support(self) -> str:
        return self.fairness.support()

    def protected_attributes(self) -> tuple[ProtectedAttribute, ...]:
        return self.fairness.attributes()

    def group_metrics(self, attribute: str, threshold: float | None = None) -> tuple[ModelFairness, ...]:
        return self.fairness.group_metrics(attribute, threshold)

    def group_colour_names(self) -> tuple[str, ...]:
        return self.fairness.colour_names()

    def group_explanations(
        self, attribute: str, model_name: str, scale: str = "native", class_name: str | None = None
    ) -> GroupExplanation | None:
        return self.fairness.group_explanations(attribute, model_name, scale, class_name)

    def proxy_tables(self, attribute: str) -> tuple[ProxyTable, ...]:
        return self.proxies.tables(attribute)

    def adverse_reasons(self, row_id: str, threshold: float | None = None) -> tuple[RowDecision, ...]:
        return self.proxies.reasons(row_id, threshold)

    def write_adverse_reasons(self, target, threshold: float | None = None) -> ReasonsWritten:
        return self.proxies.write_reasons(target, threshold)

    # --- the report: a stand-in file (the real one, templates and Chromium, is tested in tests/reports) -------
    report_delay = 0.0  # seconds spent "drawing", to test the progress line and cancelling

    def write_report(self, out, *, fmt: str = "html", progress=None) -> ReportWritten:
        say = progress or (lambda _fraction, _words: None)
        say(0.5, f"drawing {len(MODELS)} figures")
        time.sleep(self.report_delay)
        out = Path(out)
        if fmt == "pdf":
            out.write_bytes(b"%PDF-1.4\n% a stand-in\n%%EOF\n")
        else:
            out.write_text(f"<!doctype html><title>{self.title}</title><h1>{self.title}</h1>\n", encoding="utf-8")
        say(1.0, f"writing {out}")
        return ReportWritten(out, ("cover",), (), out.stat().st_size, "0" * 16, len(MODELS))

    # --- monitoring over time: five monthly windows with planted changes (tests/fake_monitoring.py) ----------
    def monitoring_windows(self) -> Windows | None:
        return fake_windows(len(self._ids)) if self._monitored else None

    def monitoring(self, scale: str = "own") -> MonitoringReport:
        if not self._monitored:
            raise not_monitored()
        waiting = [f"'{m}'" for m in MODELS if self.explanation(m) is None]
        if waiting:
            raise MonitoringError(f"the explanations of {', '.join(waiting)} are still being computed")
        if self._report is None:
            self._report = self._monitoring_report()
        if scale != COMMON:
            return self._report
        if self._common_running:
            names = ", ".join(f"'{m}'" for m in sorted(self._common_running))
            raise MonitoringError(f"the common-scale (probability) explanations of {names} are still being computed")
        if self._common_report is None:
            explanations = [self.common_explanation(m) for m in MODELS]
            common = self._monitoring_report(explanations, self._sample.positions)
            self._common_report = replace(common, alerts=self._report.alerts)
        return self._common_report

    def _monitoring_report(self, explanations=None, sample=None) -> MonitoringReport:
        churn = (self._cohort_table()["churn"] == "Yes").to_numpy()
        scores = {m: self._positive_scores(m) for m in MODELS}
        explanations = list(self._explanations.values()) if explanations is None else explanations
        return fake_report(explanations, pd.DataFrame(self._data), churn, scores, sample)


def _in_probability(native: Explanation) -> Explanation:
    """A log-odds explanation's probability-scale twin: smaller contributions, marked approximate."""
    values = np.asarray(native.values) * 0.06
    base = np.full(np.shape(native.base_values), 0.27)
    provenance = replace(native.provenance, method="fake-permutation", exact=False)
    return replace(
        native,
        values=values,
        base_values=base,
        outputs=base + values.sum(axis=1),
        output_scale=PROBABILITY,
        provenance=provenance,
    )


def _feature_table(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    tenure = rng.integers(0, 73, size=n)
    monthly = np.round(rng.uniform(18.0, 119.0, size=n), 2)
    table = {"tenure": tenure, "monthly_charges": monthly, "total_charges": np.round(tenure * monthly, 2)}
    table.update({name: rng.choice(np.array(options, dtype=object), size=n) for name, options in CHOICES.items()})
    return {name: table[name] for name in FEATURES}


def _explanation(
    name: str,
    scale: str,
    ids: tuple[str, ...],
    weights: np.ndarray,
    rng: np.random.Generator,
    classes: tuple[str, ...] = (),
) -> Explanation:
    if classes:  # one slice per class, each with its own order of feature importance
        slices = [_explanation(name, scale, ids, rng.permutation(weights), rng) for _ in classes]
        stack = {k: np.stack([getattr(e, k) for e in slices], axis=-1) for k in ("values", "base_values", "outputs")}
        scale = scale if scale == PROBABILITY else LOGIT
        return replace(slices[0], **stack, output_scale=scale, class_names=tuple(classes))
    n = len(ids)
    values = rng.normal(size=(n, len(FEATURES))) * weights * rng.uniform(0.6, 1.4, size=len(FEATURES))
    base = -1.0
    if scale == PROBABILITY:
        values, base = values * 0.06, 0.27
    base_values = np.full(n, base)
    return Explanation(
        name,
        FEATURES,
        np.array(ids),
        values,
        base_values,
        base_values + values.sum(axis=1),
        scale,
        Provenance(f"model-{name}", "data-fake", "fake", exact=True),
    )
