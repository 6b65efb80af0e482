"""Interactions page: Compute runs as a Dash background callback, with progress and a cancel button.

The callback runs through the app's background-callback manager (a process of its own on one machine, a
Celery worker with Redis: :mod:`portal.web`). It asks the services for the model's
interaction values, which come from the result store or are computed and stored there, and returns only
the drawn heatmap and table: the arrays never leave the server.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from dash import Input, Output, State

from layouts import ids
from layouts.interactions import HIDDEN, SHOWN, START_HINT, failed, hint, interaction_result, interactions_page
from portal.figures import interaction_caption, interaction_heatmap, top_interaction_pairs
from portal.jobs import end_with_parent
from portal.project import sample_sizes
from portal.web import ANALYST, PortalServices, Registrar

DEFAULT_ROWS = 100
TOP_PAIRS = 10
POLL_MS = 500  # how often the page asks the manager for progress and the result
UNKNOWN = "it is not a model of this project"


def page(services: PortalServices, _query: dict):
    sizes = sample_sizes(services.total_rows())
    size = DEFAULT_ROWS if DEFAULT_ROWS in sizes else sizes[-1]
    return interactions_page(services.interaction_support(), sizes, size, services.class_names())


def compute(
    services: PortalServices,
    report: Callable[[tuple[float, str]], None],
    model: str | None,
    n_rows: int | None,
    class_name: str | None = None,
):
    """The result for ``model`` on ``n_rows`` sampled rows, or an alert saying why there is none.

    ``report`` gets ``(percent done, words)`` as chunks finish: Dash's ``set_progress``.
    """
    if not model or not n_rows:
        return hint(START_HINT)
    why = services.interaction_support().get(model, UNKNOWN)
    if why:
        return failed(model, why)
    started = time.monotonic()

    def progress(done: int, total: int) -> None:
        report(progress_words(done, total, started))

    try:
        result = services.interactions(model, int(n_rows), progress)
    except ValueError as error:  # the engine refused the model (e.g. shap cannot read its trees), or a cap
        return failed(model, str(error).splitlines()[0])
    except Exception as error:  # anything else still ends as one line on the page, not a silent stop
        return failed(model, f"{type(error).__name__}: {(str(error).splitlines() or [''])[0]}")
    chosen = class_name if class_name in result.values.class_names else None
    pairs = top_interaction_pairs(result, TOP_PAIRS, chosen)
    return interaction_result(
        interaction_heatmap(result, class_name=chosen), pairs, interaction_caption(result, chosen), model
    )


def progress_words(done: int, total: int, started: float) -> tuple[float, str]:
    """``(percent, '40 of 200 rows · about 1 min left')`` from the rows done since ``started``."""
    words = f"{done:,} of {total:,} rows"
    if 0 < done < total:
        left = (time.monotonic() - started) / done * (total - done)
        words += f" · about {_duration(left)} left"
    return 100.0 * done / total if total else 0.0, words


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{max(1, round(seconds))} s"
    return f"{round(seconds / 60)} min"


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.INTERACTION_RESULT, "children"),
        Input(ids.INTERACTION_COMPUTE, "n_clicks"),
        State(ids.INTERACTION_MODEL, "value"),
        State(ids.INTERACTION_ROWS, "value"),
        State(ids.INTERACTION_CLASS, "value"),
        background=True,
        interval=POLL_MS,
        progress=[Output(ids.INTERACTION_BAR, "value"), Output(ids.INTERACTION_STATUS, "children")],
        progress_default=[0, ""],
        running=[
            (Output(ids.INTERACTION_COMPUTE, "disabled"), True, False),
            (Output(ids.INTERACTION_CANCEL, "disabled"), False, True),
            (Output(ids.INTERACTION_RUNNING, "style"), SHOWN, HIDDEN),
            (Output(ids.INTERACTION_RESULT, "style"), HIDDEN, SHOWN),  # the last result, back if cancelled
        ],
        cancel=[Input(ids.INTERACTION_CANCEL, "n_clicks")],
        prevent_initial_call=True,
    )
    def _compute(set_progress, _clicks, model, n_rows, class_name):
        end_with_parent()  # a process of its own: it must not outlive the server (or the Celery worker)
        return compute(services, set_progress, model, n_rows, class_name)
