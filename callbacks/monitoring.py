"""Monitoring page: the window and the baseline from the URL, the report built once in a thread, then the panels.

The report (every model over every window) takes seconds to build the first time and is then kept by the project,
so it is built in a thread of the server, never while a request waits: the page polls :func:`report_state`, which
gives a progress line (or, while explanations still run, how far each has got) until the report is ready. Each
panel then draws from it in its own callback. The window and the baseline travel in the URL
(``/monitoring?window=2017-07&against=reference``), every other key kept.

A classification project's models answer in different scales (log-odds, probability), so the page offers the
common scale too (``&scale=common``): every model in probability on the seeded sample, each panel labelled so,
with "n of N rows of the window", and the mean-change panes on one x axis. Each model's own scale, over every row,
stays the default; the alerts are always the own scale's.
"""

from __future__ import annotations

from dash import Input, Output, State, html

from callbacks.monitoring_report import ready_report, report_state
from layouts import ids
from layouts.monitoring import (
    alerts_list,
    changes_table,
    model_panes,
    monitoring_page,
    not_monitored_page,
    scale_line,
    summary,
    window_links,
)
from layouts.panes import graph, model_card
from portal.analyses import (
    AGAINST,
    COMMON,
    OWN_SCALE,
    REFERENCE,
    MonitoringReport,
    Windows,
    feature_changes,
    monitoring_summary,
    outcome_words,
    reference_span,
    window_alerts,
    window_change,
)
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
from portal.web import VIEWER, PortalServices, Registrar, merge_query

NOT_MONITORED = "This project has no [monitoring] table, so it is not monitored over time. Add one to its project file"
ALL_REFERENCE = "Every window of this project is in its reference, so there is nothing to compare with it yet"
NO_WINDOW = "There is no window '{asked}' after the reference; showing {shown}, the latest."
NO_AGAINST = "'{asked}' is not a baseline (reference, previous or year-before); comparing against the reference."
NOT_READY = "Drawn once the monitoring report is ready."
NO_LABELS = "No error panel: no model has labels to measure it with."
COMMON_LINE = "probability (common scale) · {rows:,} of {of:,} rows of the window (seeded sample)"
NONE_SAMPLED = (
    "The seeded sample holds none of {window}'s {of:,} rows, so the common scale has nothing to show there; "
    "switch to each model's own scale (every row)."
)
OWN_PANES = "Each model in its own scale, every row."
COMMON_ALERTS = "Alerts are raised in each model's own scale, on every row."
TOP_CHANGES = 12


def page(services: PortalServices, query: dict):
    windows = services.monitoring_windows()
    if windows is None:
        return not_monitored_page(NOT_MONITORED)
    choosable = choosable_windows(windows)
    if not choosable:
        return not_monitored_page(ALL_REFERENCE)
    window, against, note = chosen(choosable, _first(query, "window"), _first(query, "against"))
    shown = services.facts().is_classification
    scale = (shown, _first(query, "scale") or OWN_SCALE)
    return monitoring_page(choosable, reference_words(windows), window, against, note, scale)


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


def common_line(report: MonitoringReport, window: str) -> str:
    """The common scale's label for ``window``'s panels ("" in the own scale)."""
    if not report.windows.is_sample:
        return ""
    return COMMON_LINE.format(rows=report.windows.counts()[window], of=report.windows.whole_counts()[window])


def _none_sampled(report: MonitoringReport, window: str) -> str:
    """In the common scale, the line for a window the sample holds no row of ("" otherwise)."""
    if not report.windows.is_sample or report.windows.counts()[window]:
        return ""
    return NONE_SAMPLED.format(window=window, of=report.windows.whole_counts()[window])


def _labelled(figure, line: str):
    """``figure`` with ``line`` (the common scale's label) on a line of its own above its subtitle (or its caption):
    joined to it, the two ran past the edge of a half-width pane."""
    if not line:
        return figure
    title = figure.layout.title
    if title.subtitle and title.subtitle.text:
        figure.update_layout(title_subtitle_text=f"{line}<br>{title.subtitle.text}")
    else:
        figure.update_layout(title_text=f"{title.text}<br>{line}" if title.text else line)
    top = figure.layout.margin.t or 80
    return figure.update_layout(margin_t=top + 16)


# --- the panels --------------------------------------------------------------------------------------------------
def summary_panel(services: PortalServices, ready: bool, window: str, against: str, scale: str = OWN_SCALE):
    """The summary in words and what rows it is about (in the common scale: n of N rows of the sample)."""
    report = ready_report(services, ready, scale)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    if empty := _none_sampled(report, window):
        return html.P(empty, className="mb-0")
    facts = services.facts()
    sentences = monitoring_summary(report, window, against, outcome=outcome_words(facts.target, facts.positive))
    links = window_links(facts.time, window) if facts.time else None
    return summary(sentences, rows_words(report, window), links)


def rows_words(report: MonitoringReport, window: str) -> str:
    counts, whole = report.windows.counts(), report.windows.whole_counts()
    reference_rows = len(report.windows.reference_rows)
    if report.windows.is_sample:
        reference_of = sum(n for n, ref in zip(whole.values(), report.windows.reference) if ref)
        return (
            f"In probability (common scale), on a seeded sample: {window}: {counts[window]:,} of {whole[window]:,} "
            f"rows of the window; the reference ({reference_span(report)}): {reference_rows:,} of {reference_of:,} "
            "rows."
        )
    return (
        f"{window}: {counts[window]:,} of {sum(counts.values()):,} rows; the reference ({reference_span(report)}): "
        f"{reference_rows:,} rows."
    )


def shares_panel(services: PortalServices, ready: bool, window: str, against: str = REFERENCE, scale=OWN_SCALE):
    report = ready_report(services, ready, scale)
    if report is None:
        return placeholder(NOT_READY)
    figure = share_over_time(report, model_colors(services.model_names), window, against)
    return _labelled(figure, common_line(report, window))


def waterfalls_panel(services: PortalServices, ready: bool, window: str, against: str, scale: str = OWN_SCALE):
    """Each model's mean change split by feature, side by side; one x axis when every model has the same scale
    (always in the common scale), with what the numbers are in above the panes."""
    report = ready_report(services, ready, scale)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    if empty := _none_sampled(report, window):
        return html.P(empty, className="mb-0")
    changes = [window_change(m, window, against) for m in report.models]
    shared = len({m.scale for m in report.models}) == 1
    x_range = shared_change_range(changes) if shared else None
    colors, cards = model_colors(services.model_names), []
    for model, change in zip(report.models, changes):
        figure = mean_change_figure(change, model.scale, x_range)
        cards.append(
            model_card(
                model.model,
                colors[model.model],
                None,
                "monitoring-change",
                graph(figure, "monitoring-change-graph", model=model.model),
            )
        )
    line = common_line(report, window)
    return html.Div([scale_line(f"{line} · one x axis" if line else OWN_PANES), model_panes(cards)])


def changes_panel(services: PortalServices, ready: bool, window: str, against: str, scale: str = OWN_SCALE):
    report = ready_report(services, ready, scale)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    if empty := _none_sampled(report, window):
        return html.P(empty, className="mb-0")
    changes = feature_changes(report, window, against)
    table = changes_table(changes[:TOP_CHANGES], model_text_colors(services.model_names), len(changes), against)
    line = common_line(report, window)
    return html.Div([scale_line(line), table]) if line else table


def drift_panel(services: PortalServices, ready: bool, window: str, scale: str = OWN_SCALE):
    report = ready_report(services, ready, scale)
    if report is None:
        return placeholder(NOT_READY)
    if empty := _none_sampled(report, window):
        return placeholder(empty)
    return _labelled(drift_figure(report, window), common_line(report, window))


def errors_panel(services: PortalServices, ready: bool, window: str, scale: str = OWN_SCALE):
    report = ready_report(services, ready, scale)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    figure = error_over_time(report, model_colors(services.model_names), window)
    if figure is None:
        return html.P(NO_LABELS, className="mb-0")
    return graph(_labelled(figure, common_line(report, window)), "monitoring-errors-graph")


def alerts_panel(services: PortalServices, ready: bool, window: str, scale: str = OWN_SCALE):
    """The window's alerts, always the own scale's (raised on every row); the common scale says so."""
    report = ready_report(services, ready, scale)
    if report is None:
        return html.P(NOT_READY, className="text-muted mb-0")
    listed = alerts_list(window_alerts(report, window), window)
    return html.Div([scale_line(COMMON_ALERTS), listed]) if report.windows.is_sample else listed


def monitoring_query(window: str | None, against: str | None, search: str | None, scale: str | None = None) -> str:
    """``search`` with the window, the baseline and the scale (``scale=common``; the own scale, the default, is no
    key), every other key kept as it was."""
    return merge_query(
        search, {"window": window or "", "against": against or "", "scale": COMMON if scale == COMMON else ""}
    )


def _first(query: dict, key: str) -> str | None:
    values = query.get(key) or []
    return values[-1] if values else None


def register(app: Registrar, services: PortalServices) -> None:
    scale = Input(ids.MONITORING_SCALE, "value")

    @app.callback(
        VIEWER,
        Output(ids.MONITORING_STATUS, "children"),
        Output(ids.MONITORING_READY, "data"),
        Output(ids.MONITORING_POLL, "disabled"),
        Input(ids.MONITORING_POLL, "n_intervals"),
        scale,
    )
    def _state(_n, chosen_scale):
        line, ready = report_state(services, scale=chosen_scale)
        return line, ready, ready

    controls = (Input(ids.MONITORING_READY, "data"), Input(ids.MONITORING_WINDOW, "value"))
    against = Input(ids.MONITORING_AGAINST, "value")

    @app.callback(VIEWER, Output(ids.MONITORING_SUMMARY, "children"), *controls, against, scale)
    def _summary(ready, window, chosen_against, chosen_scale):
        return summary_panel(services, ready, window, chosen_against, chosen_scale)

    @app.callback(VIEWER, Output(ids.MONITORING_SHARES, "figure"), *controls, against, scale)
    def _shares(ready, window, chosen_against, chosen_scale):
        return shares_panel(services, ready, window, chosen_against, chosen_scale)

    @app.callback(VIEWER, Output(ids.MONITORING_WATERFALLS, "children"), *controls, against, scale)
    def _waterfalls(ready, window, chosen_against, chosen_scale):
        return waterfalls_panel(services, ready, window, chosen_against, chosen_scale)

    @app.callback(VIEWER, Output(ids.MONITORING_CHANGES, "children"), *controls, against, scale)
    def _changes(ready, window, chosen_against, chosen_scale):
        return changes_panel(services, ready, window, chosen_against, chosen_scale)

    @app.callback(
        VIEWER,
        Output(ids.MONITORING_DRIFT, "figure"),
        Output(ids.MONITORING_ERRORS, "children"),
        Output(ids.MONITORING_ALERTS, "children"),
        *controls,
        scale,
    )
    def _window_panels(ready, window, chosen_scale):
        return (
            drift_panel(services, ready, window, chosen_scale),
            errors_panel(services, ready, window, chosen_scale),
            alerts_panel(services, ready, window, chosen_scale),
        )

    _register_share(app, scale)


def _register_share(app: Registrar, scale: Input) -> None:
    @app.callback(
        VIEWER,
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.MONITORING_NOTE, "children"),
        Input(ids.MONITORING_WINDOW, "value"),
        Input(ids.MONITORING_AGAINST, "value"),
        scale,
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _share(window, chosen_against, chosen_scale, search):
        return monitoring_query(window, chosen_against, search, chosen_scale), ""
