"""What the Dash layer may ask of a running project: the one seam between pages and the core.

Pages and callbacks receive an object with this shape and nothing else; tests give them a small fake.
Everything returned is a value (results, dataclasses, plain dicts): no models, no raw arrays in stores.
"""

from __future__ import annotations

from typing import Protocol

from portal.results import Explanation, JobProgress, ModelMetrics, Provenance


class PortalServices(Protocol):
    title: str

    @property
    def model_names(self) -> tuple[str, ...]:
        """Models in the order the project lists them; colours follow this order everywhere."""

    def project_summary(self) -> dict[str, object]:
        """Plain facts for the overview: source, target, task, positive class, rows, features, ..."""

    def methods(self) -> tuple[Provenance, ...]:
        """How each model is explained (method, exact or not), in model order; known before any result."""

    def output_scales(self) -> tuple[str, ...]:
        """The output scale of each model's explanation, in model order."""

    def metrics(self) -> tuple[ModelMetrics, ...]:
        """Held-out metrics per model, in model order."""

    def progress(self, model_name: str) -> JobProgress:
        """How far the model's explanation job has got."""

    def explanation(self, model_name: str) -> Explanation | None:
        """The model's full explanation, or None while it is still being computed."""

    def explanation_so_far(self, model_name: str) -> Explanation | None:
        """The rows explained so far (a seeded random sample that grows), the full one when done, or None."""

    def cancel(self, model_name: str) -> None:
        """Stop the model's job after the chunks in progress; computed chunks are kept."""

    def resume(self, model_name: str) -> None:
        """Start a cancelled (or failed) job again from its computed chunks."""

    def total_rows(self) -> int:
        """How many rows the data has (explanations so far may cover fewer)."""

    def row_ids(self) -> tuple[str, ...]:
        """Every row's id, as strings, in data order."""

    def row_values(self, row_id: str) -> dict[str, object]:
        """The original feature values of one row (for labels such as 'tenure = 2')."""
