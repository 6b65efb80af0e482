"""Monitoring (``/monitoring``): what changed in a window against the reference or the window before, per model.

The controls (window, baseline) stay at the top; under them a progress line while the report is built (or the
explanations it needs still run), the summary in words, then the panels: shares over time, what changed most, each
model's mean change split by feature, data drift, error over time and the window's alerts. Each panel is filled by
its own callback (:mod:`callbacks.monitoring`) once the report is ready.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from urllib.parse import urlencode

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.panes import graph
from portal.analyses import COMMON, OWN_SCALE, PREVIOUS, REFERENCE, YEAR_BEFORE, Alert, FeatureChange, p_words

TITLE = "Monitoring over time"
POLL_MS = 1_000
AGAINST_LABELS = {REFERENCE: "the reference", PREVIOUS: "the window before", YEAR_BEFORE: "a year before"}
SCALE_LABELS = {OWN_SCALE: "Each model's own scale (all rows)", COMMON: "Common scale: probability (seeded sample)"}
ENABLE = """[data]
time = "arrival_date"              # a date column

[monitoring]
window = "month"                   # day | week | month | quarter | year
reference = "2016-07..2016-12"     # the windows the models learnt from"""


def monitoring_page(
    windows: Mapping[str, int],
    reference: str,
    window: str,
    against: str,
    note: str,
    scale: tuple[bool, str] = (False, OWN_SCALE),
) -> html.Div:
    """The page for ``window`` against ``against``; ``windows`` maps each choosable window to its rows; ``scale``
    is whether the project offers the common scale (classification) and the scale chosen."""
    return html.Div(
        [
            html.H2(TITLE, className="page-title"),
            _controls(windows, reference, window, against),
            monitoring_scale_toggle(*scale),
            html.Div(note, id=ids.MONITORING_NOTE, className="figure-note mb-2"),
            html.Div(id=ids.MONITORING_STATUS, className="monitoring-status mb-2", role="status"),
            dcc.Store(id=ids.MONITORING_READY, data=False),
            dcc.Interval(id=ids.MONITORING_POLL, interval=POLL_MS),
            _section("What changed", [_spinning(html.Div(id=ids.MONITORING_SUMMARY, className="monitoring-summary"))]),
            _section(None, [graph(None, "monitoring-shares-graph", ids.MONITORING_SHARES)]),
            _section(
                "The mean prediction's change, split by feature",
                [html.Div(id=ids.MONITORING_WATERFALLS)],
                "Exact: the mean of each row's base value plus its contributions, so the bars add up to the change. "
                "Red raised the mean, blue lowered it.",
            ),
            dbc.Row(
                [
                    dbc.Col(_section("What changed most", [html.Div(id=ids.MONITORING_CHANGES)]), xl=7),
                    dbc.Col(_section(None, [graph(None, "monitoring-drift-graph", ids.MONITORING_DRIFT)]), xl=5),
                ],
                className="g-4",
            ),
            dbc.Row(
                [
                    dbc.Col(_section(None, [html.Div(id=ids.MONITORING_ERRORS)]), lg=6, xl=7),
                    dbc.Col(_section("Alerts", [html.Div(id=ids.MONITORING_ALERTS)]), lg=6, xl=5),
                ],
                className="g-4",
            ),
        ],
        className="monitoring-page",
    )


def not_monitored_page(message: str) -> html.Div:
    """What /monitoring shows for a project without a ``[monitoring]`` table: one line and the TOML that enables it."""
    return html.Div(
        [
            html.H2(TITLE, className="page-title"),
            dbc.Alert(
                [
                    html.P(f"{message}:", className="mb-2"),
                    html.Pre(html.Code(ENABLE), className="mb-0 monitoring-enable"),
                ],
                color="secondary",
                className="monitoring-unsupported",
            ),
        ]
    )


def _controls(windows: Mapping[str, int], reference: str, window: str, against: str) -> dbc.Card:
    picker = dcc.Dropdown(
        id=ids.MONITORING_WINDOW,
        options=[{"label": f"{label} ({rows:,} rows)", "value": label} for label, rows in windows.items()],
        value=window,
        clearable=False,
        searchable=False,
    )
    toggle = dbc.RadioItems(
        id=ids.MONITORING_AGAINST,
        options=[
            {"label": f"the reference ({reference})", "value": REFERENCE},
            {"label": "the window before", "value": PREVIOUS},
            {"label": "the same window a year before", "value": YEAR_BEFORE},
        ],
        value=against,
        inline=True,
    )
    row = dbc.Row(
        [
            dbc.Col([dbc.Label("Window", html_for=ids.MONITORING_WINDOW, className="fw-semibold"), picker], lg=4),
            dbc.Col(
                html.Div(
                    [
                        html.Div("Compare against", className="form-label fw-semibold", id="monitoring-against-label"),
                        toggle,
                    ],
                    role="radiogroup",
                    **{"aria-labelledby": "monitoring-against-label"},
                ),
                lg=8,
            ),
        ],
        className="g-3 align-items-end",
    )
    return dbc.Card(dbc.CardBody(row), className="shadow-sm mb-3 fairness-controls")


def monitoring_scale_toggle(shown: bool, value: str) -> html.Div:
    """Own scale (the default) or the common scale, drawn like /global's chooser; hidden (own) unless ``shown``."""
    toggle = dbc.RadioItems(
        id=ids.MONITORING_SCALE,
        value=value if shown and value in SCALE_LABELS else OWN_SCALE,
        inline=True,
        options=[{"label": label, "value": key} for key, label in SCALE_LABELS.items()],
        className="btn-group",
        inputClassName="btn-check",
        labelClassName="btn btn-outline-primary btn-sm",
        labelCheckedClassName="active",
    )
    return html.Div(
        [html.Span("Scale", className="fw-semibold", id=f"{ids.MONITORING_SCALE}-label"), toggle],
        className="scale-toggle",
        role="radiogroup",
        **{"aria-labelledby": f"{ids.MONITORING_SCALE}-label"},
        style={} if shown else {"display": "none"},
    )


def scale_line(line: str) -> html.P:
    """What a panel's numbers are in, above it (the common scale's: probability, n of N rows of the window)."""
    return html.P(line, className="figure-note monitoring-scale-line mb-1")


def summary(sentences: Sequence[str], rows_line: str, links: html.P | None = None) -> html.Div:
    """The summary in words: the sentences as one paragraph, then what rows they are about, then ``links``."""
    parts = [html.P(" ".join(sentences), className="lead mb-1"), html.P(rows_line, className="figure-note mb-0")]
    return html.Div(parts + ([links] if links is not None else []))


#: The pages a window's rows open on, as a cohort on the time column.
WINDOW_PAGES = (("Global", "/global"), ("Local", "/local"), ("Feature", "/feature"), ("Performance", "/performance"))


def window_links(time: str, window: str) -> html.P:
    """'Open 2017-08's rows on: Global · Local · Feature · Performance': each page with the window as its cohort
    (``arrival_date = 2017-08``), so the reader goes from what changed to why, row by row."""
    query = urlencode({"cohort": f"{time} = {window}"})
    links: list = []
    for name, path in WINDOW_PAGES:
        links += [" · "] if links else []
        links.append(html.A(name, href=f"{path}?{query}", className="window-link"))
    return html.P([f"Open {window}'s rows on: ", *links], className="small mt-1 mb-0 window-links")


def changes_table(changes: Sequence[FeatureChange], text_colors: Mapping[str, str], total: int, against: str):
    """The ranked table of what changed most: feature, model, share before → after, KS p, PSI."""
    before = {REFERENCE: "reference", YEAR_BEFORE: "a year before"}.get(against, "before")
    head = html.Thead(
        html.Tr([html.Th(h) for h in ("feature", "model", f"share {before} → now", "move", "KS p*", "PSI")])
    )
    body = html.Tbody(
        [
            html.Tr(
                [
                    html.Td(c.feature),
                    html.Td(c.model, style={"color": text_colors[c.model]}, className="fw-semibold"),
                    html.Td(f"{c.before:.0%} → {c.after:.0%}"),
                    html.Td(f"{c.move * 100:+.1f} pts"),
                    html.Td(p_words(c.p_value).removeprefix("p ").removeprefix("= ")),
                    html.Td(f"{c.psi:.2f}"),
                ]
            )
            for c in changes
        ]
    )
    caption = html.Caption(
        f"Top {len(changes)} of {total} (model, feature) pairs, largest move of share first. Shares are of each "
        "model's total mean |SHAP| (scale-free). *KS: Kolmogorov-Smirnov test of the feature's SHAP values against "
        "the reference, Holm-corrected; PSI: its values against the reference's."
    )
    return dbc.Table([caption, head, body], size="sm", hover=True, className="monitoring-table mb-0")


def alerts_list(alerts: Sequence[Alert], window: str) -> html.Div:
    """The window's alerts with their reasons (a feature's data drift once), or that there are none."""
    if not alerts:
        return html.P(f"No alert in {window}.", className="mb-0")
    items = [
        html.Li([dbc.Badge(a.kind.replace("_", " "), color="secondary", className="me-2"), a.reason]) for a in alerts
    ]
    return html.Div(
        [
            html.P(f"{len(alerts)} alert{'s' if len(alerts) > 1 else ''} in {window}:", className="mb-1"),
            html.Ul(items, className="monitoring-alerts mb-0"),
        ]
    )


def model_panes(cards: list) -> dbc.Row:
    """Each model's mean-change card: two side by side from 992 px (wide enough for the features' names)."""
    return dbc.Row([dbc.Col(card, xs=12, lg=6) for card in cards], className="g-3")


def _section(title: str | None, body: list, intro: str = "") -> dbc.Card:
    head = [html.H3(title, className="section-title")] if title else []
    if intro:
        head.append(html.P(intro, className="text-muted mb-2"))
    return dbc.Card(dbc.CardBody([*head, *body]), className="shadow-sm mb-4")


def _spinning(body: html.Div) -> dcc.Loading:
    return dcc.Loading(body, type="default", delay_show=300)
