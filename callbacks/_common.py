"""What /global and /local share about the common scale: the chooser, the explanations in it, the notes.

A classification project opens both pages in the common scale (every model in probability, on a
seeded sample of rows for the global views; any row on demand for the local one); the chooser switches
to each model's own scale (exact, all rows). Regression projects have one scale already: the chooser is
hidden and the pages show each model's own explanation.
"""

from __future__ import annotations

import dash
from dash import html

from callbacks._ready import ready_explanations
from layouts import ids
from layouts.panes import failed, waiting
from layouts.scale_toggle import scale_toggle
from layouts.shell import row_state
from portal.analyses import COMMON, UNAVAILABLE, CohortError, CohortRows, check_length, search_message
from portal.figures import RAW, SHARE
from portal.results import Explanation, JobProgress
from portal.web import PortalServices

COMMON_LABEL = "Common scale: probability"
NATIVE_LABEL = "Each model's own scale"
COMPUTING = "Probability sample still computing (drawn from its rows so far) — {models}."
COMMON_WORDS = "common scale (probability)"
THIN_SAMPLE = 200  # fewer of a cohort's rows than this in the common sample: offer each model's own scale
IN_SAMPLE = "The common scale's sample holds {held:,} of the cohort's {total:,} rows"
TO_OWN_SCALE = "Show each model's own scale (exact, all {total:,} rows)"


def has_common_scale(services: PortalServices) -> bool:
    return services.facts().is_classification


def chooser(services: PortalServices, *, global_views: bool, value: str | None = None) -> html.Div:
    """The scale toggle, its native choice saying whether that is exact (and, for global views, all rows);
    ``value`` is a link's choice."""
    exact = all(p.exact for p in services.methods())
    details = [word for word, shown in (("exact", exact), ("all rows", global_views)) if shown]
    native = f"{NATIVE_LABEL} ({', '.join(details)})" if details else NATIVE_LABEL
    common = f"{COMMON_LABEL} (seeded sample)" if global_views else COMMON_LABEL
    return scale_toggle(has_common_scale(services), common, native, value)


def mode_for(scale: str | None) -> str:
    """The importance chart's default mode in a scale: raw mean |SHAP| on the shared axis of the common
    scale, the scale-free share of total across models' own scales."""
    return RAW if scale == COMMON else SHARE


def common_explanation(services: PortalServices, model: str, levels: dict | None) -> Explanation | None:
    """The model's common-scale explanation once the shell has seen rows of it (``levels``), else None."""
    return services.common_explanation(model) if model in (levels or {}) else None


def explanations_in_scale(
    services: PortalServices, scale: str | None, ready: list[str] | None, sampled: dict | None, levels: dict | None
) -> tuple[bool, list[Explanation]]:
    """Whether the global views draw the common scale, and the explanations they draw from, in model order: each
    model's common-scale rows the shell has seen (``levels``), or its own explanation (ready, or rows so far)."""
    if scale == COMMON and has_common_scale(services):
        found = (common_explanation(services, m, levels) for m in services.model_names)
        return True, [e for e in found if e is not None]
    return False, ready_explanations(services, ready, sampled)


def cohort_sample_note(rows: CohortRows | None, explanations: list[Explanation]):
    """How many of the cohort's rows the common scale's sample holds; when fewer than :data:`THIN_SAMPLE`, a
    thin basis said so, with a button to each model's own scale, which covers every row."""
    if rows is None or not explanations:
        return ""
    held = max(rows.restrict(e).n_rows for e in explanations)
    line = IN_SAMPLE.format(held=held, total=rows.n_rows)
    if held >= THIN_SAMPLE or held >= rows.n_rows:
        return line + "."
    button = html.Button(
        TO_OWN_SCALE.format(total=rows.n_rows), id=ids.TO_OWN_SCALE, className="btn btn-link btn-sm p-0 align-baseline"
    )
    return html.Span([html.Span(f"{line}: a thin basis. "), button])


def computing_note(services: PortalServices, levels: dict | None) -> str:
    """Which models' probability samples are still being computed, with their progress."""
    running = []
    for model in services.model_names:
        progress = services.common_progress(model)
        if progress is not None and progress.state not in ("done", UNAVAILABLE) and model in (levels or {}):
            running.append(f"{model} {progress.done} of {progress.total} chunks")
    return COMPUTING.format(models=", ".join(running)) if running else ""


def common_state(services: PortalServices, model: str) -> str:
    """Why a model is not drawn in the common scale yet, in a few words."""
    progress = services.common_progress(model) or services.progress(model)
    if progress.state == UNAVAILABLE:
        return "no probability scale"
    return "failed" if progress.state == "failed" else "still computing"


def common_not_ready(services: PortalServices, model: str):
    """A pane's waiting note in the common scale, or why the model has none there."""
    progress = services.common_progress(model) or services.progress(model)
    if progress.state == UNAVAILABLE:
        return html.P(progress.error, className="pane-waiting text-muted mb-0")
    return failed(progress.error) if progress.state == "failed" else waiting(model)


# --- the shell: progress of the common-scale jobs ---------------------------------------------
SAMPLE_WORDS = "probability sample, {text}"


def follow(services: PortalServices, own: JobProgress) -> tuple[JobProgress, dict]:
    """What a model's progress row follows: its own job until that is done, then its common-scale job
    (with words saying so, to merge into :func:`layouts.shell.row_state`)."""
    common = services.common_progress(own.model_name)
    if own.state != "done" or common is None or common.state in ("done", UNAVAILABLE):
        return own, {}
    return common, {"text": SAMPLE_WORDS.format(text=row_state(common)["text"]), "style": {}}


def common_finished(services: PortalServices, finished: tuple[str, ...]) -> bool:
    """Whether every common-scale job has ended (or the model needs none)."""
    found = (services.common_progress(m) for m in services.model_names)
    return all(p is None or p.state in (*finished, UNAVAILABLE) for p in found)


def common_levels(services: PortalServices, levels_before: dict | None):
    """For each model with common-scale rows: which quarter of its sample is done (4: all of it).

    Pages redraw the common-scale views when this changes. Models without a job of their own count as
    done once their own explanation is (their common view is cut from it).
    """
    levels = {}
    for model in services.model_names:
        common = services.common_progress(model)
        if common is None:
            if services.progress(model).state == "done":
                levels[model] = 4
        elif common.state != UNAVAILABLE and common.done > 0:
            levels[model] = int(4 * common.fraction)
    return dash.no_update if levels == (levels_before or {}) else levels


DRAWN_PREFIX = "drawn-"


def drawn_class(class_name: str | None, scale: str | None) -> str:
    """``class_name`` marked with the scale its component was last drawn in (``drawn-common``).

    A redrawing callback outputs this beside its content and reads it back as State, so
    :func:`needless_redraw` can tell a pane already drawn in the scale from one never drawn at all.
    """
    kept = [c for c in (class_name or "").split() if not c.startswith(DRAWN_PREFIX)]
    return " ".join([*kept, f"{DRAWN_PREFIX}{scale}"])


def needless_redraw(triggers: object, scale: str | None, class_name: str | None) -> bool:
    """Only stores of the other scale changed (``triggers``: the ids of ``dash.ctx.triggered_prop_ids``)
    and the component is already drawn in ``scale`` (``class_name`` carries :func:`drawn_class`'s marker):
    nothing the page shows changed, so no redraw and no flicker.

    The marker matters because Dash's renderer drops a component's initial call when another call of the
    same callback is requested with it (e.g. a poll that changed ``READY_MODELS`` while the page was being
    laid out): the surviving call is triggered by a store alone, and skipping it would leave the pane
    waiting for ever.
    """
    if f"{DRAWN_PREFIX}{scale}" not in (class_name or "").split():
        return False
    other = (ids.READY_MODELS, ids.SAMPLED_MODELS) if scale == COMMON else (ids.COMMON_LEVELS,)
    found = list(triggers or ())
    return bool(found) and all(t in other for t in found)


def too_long(text: object, what: str) -> str:
    """One line naming the cap when ``text`` (a row id from the URL or the picker, a typed search) holds more than
    ``MAX_TEXT`` characters, else "": a request need not come from the page, so the server checks."""
    try:
        check_length(None if text is None else str(text), what)
    except CohortError as error:
        return search_message(error)
    return ""
