"""Monitoring page: the window and the baseline from the URL, the report built once in a thread, then the panels.

The report (every model over every window) takes seconds to build the first time and is then kept by the project,
so it is built in a thread of the server, never while a request waits: the page polls :func:`report_state`, which
gives a progress line (or, while explanations still run, how far each has got) until the report is ready. Each
panel then draws from it in its own callback. The window and the baseline travel in the URL
(``/monitoring?window=2017-07&against=reference``), every other key kept.
"""

from __future__ import annotations

import threading

import dash
from dash import Input, Output, State, html

from layouts import ids
from layouts.monitoring import alerts_list, changes_table, model_panes, monitoring_page, not_monitored_page, summary
from layouts.panes import graph, model_card
from portal.analyses import (
    AGAINST,
    REFERENCE,
    MonitoringError,
    MonitoringReport,
    Windows,
    feature_changes,
    monitoring_summary,
    outcome_words,
    reference_span,
    window_alerts,
    window_change,
)
from portal.config import ConfigError
from portal.figures import (
    drift_figure,
    error_over_time,
    mean_change_figure,
    model_colors,
    model_text_colors,
    placeholder,
    share_over_time,
    shared_change_range,
)
from portal.web import PortalServices, merge_query

NOT_MONITORED = "This project has no [monitoring] table, so it is not monitored over time. Add one to its project file"
ALL_REFERENCE = "Every window of this project is in its reference, so there is nothing to compare with it yet"
BUILDING = "Building the monitoring report from every model's stored explanations (seconds, the first time only)…"
WAITING = "Monitoring needs every row explained by every model; still computing: {models}."
FAILED = "The monitoring report could not be built: {error}"
NO_WINDOW = "There is no window '{asked}' after the reference; showing {shown}, the latest."
NO_AGAINST = "'{asked}' is not a baseline (reference or previous); comparing against the reference."
NOT_READY = "Drawn once the monitoring report is ready."
NO_LABELS = "No error panel: no model has labels to measure it with."
TOP_CHANGES = 12


def page(services: PortalServices, query: dict):
    windows = services.monitoring_windows()
    if windows is None:
        return not_monitored_page(NOT_MONITORED)
    choosable = choosable_windows(windows)
    if not choosable:
        return not_monitored_page(ALL_REFERENCE)
    window, against, note = chosen(choosable, _first(query, "window"), _first(query, "against"))
    return monitoring_page(choosable, reference_words(windows), window, against, note)


def choosable_windows(windows: Windows) -> dict[str, int]:
    """The windows after (or outside) the reference, oldest first, with their rows."""
    counts = windows.counts()
    return {w: counts[w] for w, ref in zip(windows.labels, windows.reference) if not ref}


def reference_words(windows: Windows) -> str:
    chosen_labels = [w for w, ref in zip(windows.labels, windows.reference) if ref]
    return chosen_labels[0] if len(chosen_labels) == 1 else f"{chosen_labels[0]}..{chosen_labels[-1]}"


def chosen(choosable: dict[str, int], window: str | None, against: str | None) -> tuple[str, str, str]:
    """The link's window and baseline, or the latest window and the reference, with a one-line note for a value
    that was not one."""
    notes, latest = [], list(choosable)[-1]
    if window not in choosable:
        if window:
            notes.append(NO_WINDOW.format(asked=window, shown=latest))
        window = latest
    if against not in AGAINST:
        if against:
            notes.append(NO_AGAINST.format(asked=against))
        against = REFERENCE
    return window, against, " ".join(notes)


# --- the report, built once in a thread --------------------------------------------------------------------------
class _Build:
    """One build of a project's report in a daemon thread of its own (the project keeps the report once built)."""

    def __init__(self, services: PortalServices) -> None:
        self.done, self.error = threading.Event(), None
        threading.Thread(target=self._run, args=(services,), name="monitoring-report", daemon=True).start()

    def _run(self, services: PortalServices) -> None:
        try:
            services.monitoring()
        except Exception as error:  # kept for report_state to say in one line
            self.error = error
        finally:
            self.done.set()


_BUILDS: dict[int, _Build] = {}
_LOCK = threading.Lock()


def report_state(services: PortalServices, wait: float = 0.2) -> tuple[str, bool]:
    """(the progress line, whether the report is ready): starts its build when none runs, waits up to ``wait``
    seconds for it (a report the project has already built answers at once), and after a failed build starts again
    at the next call (explanations still running raise MonitoringError until they are done)."""
    with _LOCK:
        build = _BUILDS.get(id(services))
        if build is None:
            build = _BUILDS[id(services)] = _Build(services)
    if not build.done.wait(wait):
        return BUILDING, False
    if build.error is None:
        return "", True
    with _LOCK:
        if _BUILDS.get(id(services)) is build:
            del _BUILDS[id(services)]
    if isinstance(build.error, MonitoringError):
        return WAITING.format(models=_still_computing(services)), False
    return FAILED.format(error=(str(build.error).splitlines() or [type(build.error).__name__])[0]), False


def _still_computing(services: PortalServices) -> str:
    found = []
    for model in services.model_names:
        p = services.progress(model)
        if p.state != "done":
            found.append(f"{model} ({p.done} of {p.total} chunks{', ' + p.state if p.state != 'running' else ''})")
    return ", ".join(found) or "none (starting)"


def _report(services: PortalServices, ready: bool) -> MonitoringReport | None:
    if not ready:
        return None
    try:
        return services.monitoring()
    except (MonitoringError, ConfigError):
        return None


# --- the panels --------------------------------------------------------------------------------------------------
def summary_panel(services: PortalServices, ready: bool, window: str, against: str):
    """The summary in words and what rows it is about."""
    report = _report(services, ready)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    facts = services.facts()
    sentences = monitoring_summary(report, window, against, outcome=outcome_words(facts.target, facts.positive))
    counts, total = report.windows.counts(), sum(report.windows.counts().values())
    reference_rows = len(report.windows.reference_rows)
    rows = (
        f"{window}: {counts[window]:,} of {total:,} rows; the reference ({reference_span(report)}): "
        f"{reference_rows:,} rows."
    )
    return summary(sentences, rows)


def shares_panel(services: PortalServices, ready: bool, window: str, against: str = REFERENCE):
    report = _report(services, ready)
    if report is None:
        return placeholder(NOT_READY)
    return share_over_time(report, model_colors(services.model_names), window, against)


def waterfalls_panel(services: PortalServices, ready: bool, window: str, against: str):
    """Each model's mean change split by feature, side by side; one x axis when every model has the same scale."""
    report = _report(services, ready)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    changes = [window_change(m, window, against) for m in report.models]
    shared = len({m.scale for m in report.models}) == 1
    x_range = shared_change_range(changes) if shared else None
    colors, cards = model_colors(services.model_names), []
    for model, change in zip(report.models, changes):
        figure = mean_change_figure(change, model.scale, x_range)
        cards.append(
            model_card(
                model.model, colors[model.model], None, "monitoring-change", graph(figure, "monitoring-change-graph")
            )
        )
    return model_panes(cards)


def changes_panel(services: PortalServices, ready: bool, window: str, against: str):
    report = _report(services, ready)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    changes = feature_changes(report, window, against)
    return changes_table(changes[:TOP_CHANGES], model_text_colors(services.model_names), len(changes), against)


def drift_panel(services: PortalServices, ready: bool, window: str):
    report = _report(services, ready)
    return placeholder(NOT_READY) if report is None else drift_figure(report, window)


def errors_panel(services: PortalServices, ready: bool, window: str):
    report = _report(services, ready)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    figure = error_over_time(report, model_colors(services.model_names), window)
    return html.P(NO_LABELS, className="mb-0") if figure is None else graph(figure, "monitoring-errors-graph")


def alerts_panel(services: PortalServices, ready: bool, window: str):
    report = _report(services, ready)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    return alerts_list(window_alerts(report, window), window)


def monitoring_query(window: str | None, against: str | None, search: str | None) -> str:
    """``search`` with the window and the baseline, every other key kept as it was."""
    return merge_query(search, {"window": window or "", "against": against or ""})


def _first(query: dict, key: str) -> str | None:
    values = query.get(key) or []
    return values[-1] if values else None


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.MONITORING_STATUS, "children"),
        Output(ids.MONITORING_READY, "data"),
        Output(ids.MONITORING_POLL, "disabled"),
        Input(ids.MONITORING_POLL, "n_intervals"),
    )
    def _state(_n):
        line, ready = report_state(services)
        return line, ready, ready

    controls = (Input(ids.MONITORING_READY, "data"), Input(ids.MONITORING_WINDOW, "value"))
    against = Input(ids.MONITORING_AGAINST, "value")

    @app.callback(Output(ids.MONITORING_SUMMARY, "children"), *controls, against)
    def _summary(ready, window, chosen_against):
        return summary_panel(services, ready, window, chosen_against)

    @app.callback(Output(ids.MONITORING_SHARES, "figure"), *controls, against)
    def _shares(ready, window, chosen_against):
        return shares_panel(services, ready, window, chosen_against)

    @app.callback(Output(ids.MONITORING_WATERFALLS, "children"), *controls, against)
    def _waterfalls(ready, window, chosen_against):
        return waterfalls_panel(services, ready, window, chosen_against)

    @app.callback(Output(ids.MONITORING_CHANGES, "children"), *controls, against)
    def _changes(ready, window, chosen_against):
        return changes_panel(services, ready, window, chosen_against)

    @app.callback(
        Output(ids.MONITORING_DRIFT, "figure"),
        Output(ids.MONITORING_ERRORS, "children"),
        Output(ids.MONITORING_ALERTS, "children"),
        *controls,
    )
    def _window_panels(ready, window):
        return (
            drift_panel(services, ready, window),
            errors_panel(services, ready, window),
            alerts_panel(services, ready, window),
        )

    @app.callback(
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.MONITORING_NOTE, "children"),
        Input(ids.MONITORING_WINDOW, "value"),
        Input(ids.MONITORING_AGAINST, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _share(window, chosen_against, search):
        return monitoring_query(window, chosen_against, search), ""
