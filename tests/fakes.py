"""An in-memory twin of PortalServices: deterministic explanations for UI tests and screenshots.

Three models as a churn project would have them: a random forest answering in probability and a
gradient-boosting model and an EBM answering in log-odds. Contributions are seeded random numbers
with ``base + sum == output`` exactly. Models named in ``running`` report progress but no
explanation until :meth:`FakeServices.finish` is called; models in ``failed`` report an error.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from portal.results import LOG_ODDS, PROBABILITY, Explanation, JobProgress, ModelMetrics, Provenance

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


class FakeServices:
    """Implements :class:`portal.services.PortalServices` without any model or job."""

    title = "Telco customer churn (fake)"

    def __init__(
        self, n_rows: int = 500, *, running: tuple[str, ...] = (), failed: dict[str, str] | None = None, seed: int = 7
    ) -> None:
        rng = np.random.default_rng(seed)
        self._ids = tuple(f"C{i:05d}" for i in range(n_rows))
        self._data = _feature_table(rng, n_rows)
        weights = rng.uniform(0.2, 1.5, size=len(FEATURES)) * np.linspace(1.6, 0.3, len(FEATURES))
        self._explanations = {
            name: _explanation(name, scale, self._ids, weights, rng) for name, scale in MODELS.items()
        }
        self._running = set(running)
        self._failed = dict(failed or {})

    @property
    def model_names(self) -> tuple[str, ...]:
        return tuple(MODELS)

    def finish(self, model_name: str) -> None:
        """Let a 'still running' model's explanation arrive."""
        self._running.discard(model_name)

    def project_summary(self) -> dict[str, object]:
        return {
            "Title": self.title,
            "Source": "fake:churn",
            "Target": "churn",
            "Task": "classification",
            "Positive class": "Yes",
            "Rows": len(self._ids),
            "Held-out rows": 125,
            "Features": len(FEATURES),
            "Data fingerprint": "data-fake",
        }

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

    def row_ids(self) -> tuple[str, ...]:
        return self._ids

    def row_values(self, row_id: str) -> dict[str, object]:
        i = self._ids.index(row_id)
        return {name: column[i : i + 1].tolist()[0] for name, column in self._data.items()}


def _feature_table(rng: np.random.Generator, n: int) -> dict[str, np.ndarray]:
    tenure = rng.integers(0, 73, size=n)
    monthly = np.round(rng.uniform(18.0, 119.0, size=n), 2)
    table = {"tenure": tenure, "monthly_charges": monthly, "total_charges": np.round(tenure * monthly, 2)}
    table.update({name: rng.choice(np.array(options, dtype=object), size=n) for name, options in CHOICES.items()})
    return {name: table[name] for name in FEATURES}


def _explanation(
    name: str, scale: str, ids: tuple[str, ...], weights: np.ndarray, rng: np.random.Generator
) -> Explanation:
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
