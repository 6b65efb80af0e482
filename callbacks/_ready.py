"""What the per-model panes share: which explanations are ready, and what to show until they are."""

from __future__ import annotations

from collections.abc import Sequence

from layouts.panes import failed, waiting
from portal.results import Explanation
from portal.web import PortalServices


def ready_explanation(
    services: PortalServices, model: str, ready: Sequence[str] | None, sampled: dict | None = None
) -> Explanation | None:
    """The model's explanation once the shell has seen its job finish, else None.

    With ``sampled`` (the shell's levels of models still computing), a model with rows done gives
    its explanation so far: a random sample of rows, enough for global views.
    """
    if model in (ready or ()):
        return services.explanation(model)
    if model in (sampled or {}):
        return services.explanation_so_far(model)
    return None


def ready_explanations(
    services: PortalServices, ready: Sequence[str] | None, sampled: dict | None = None
) -> list[Explanation]:
    """Every ready (or, with ``sampled``, partly computed) explanation, in the project's model order."""
    found = (ready_explanation(services, m, ready, sampled) for m in services.model_names)
    return [e for e in found if e is not None]


def so_far_note(services: PortalServices, explanations: Sequence[Explanation]) -> str:
    """'EBM: 1,000 of 100,000 rows so far' for every explanation that does not cover all rows yet."""
    total = services.total_rows()
    partial = [f"{e.model_name}: {e.n_rows:,} of {total:,} rows so far" for e in explanations if e.n_rows < total]
    return ("Computed so far (a random sample; updates as it grows) — " + "; ".join(partial)) if partial else ""


def of_class(explanation: Explanation | None, class_name: str | None) -> Explanation | None:
    """The chosen class of a multi-class explanation (the first class if the choice is not one of its);
    any other explanation as it is."""
    if explanation is None or not explanation.is_multiclass:
        return explanation
    return explanation.for_class(class_name if class_name in explanation.class_names else explanation.class_names[0])


def not_ready(services: PortalServices, model: str):
    """A waiting note, or the job's error if it failed."""
    progress = services.progress(model)
    return failed(progress.error) if progress.state == "failed" else waiting(model)
