"""What the per-model panes share: which explanations are ready, and what to show until they are."""

from __future__ import annotations

from collections.abc import Sequence

from layouts.panes import failed, waiting
from portal.results import Explanation
from portal.services import PortalServices


def ready_explanation(services: PortalServices, model: str, ready: Sequence[str] | None) -> Explanation | None:
    """The model's explanation once the shell has seen its job finish, else None."""
    return services.explanation(model) if model in (ready or ()) else None


def ready_explanations(services: PortalServices, ready: Sequence[str] | None) -> list[Explanation]:
    """Every ready explanation, in the project's model order."""
    found = (ready_explanation(services, m, ready) for m in services.model_names)
    return [e for e in found if e is not None]


def not_ready(services: PortalServices, model: str):
    """A waiting note, or the job's error if it failed."""
    progress = services.progress(model)
    return failed(progress.error) if progress.state == "failed" else waiting(model)
