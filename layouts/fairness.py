"""Fairness (``/fairness``): group metrics, explanations by group, proxy risk and adverse-action reasons, per model.

The controls (protected attribute, decision threshold) stay at the top of the screen while the reader scrolls, and
every section below follows them. Each section's body is filled by its own callback (:mod:`callbacks.fairness`), so a
slow one (the proxy table's first association, about 1.5 s) spins on its own while the others are already drawn.
"""

from __future__ import annotations

from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import dcc, html

from layouts import ids
from layouts.panes import graph
from layouts.threshold import threshold_control
from portal.fairness import FLAG_AUC, FLAG_SHARE, DecisionWords, ProtectedAttribute

TITLE = "Fairness across protected groups"
NOTE_CLASS = "figure-note mt-1 mb-0"


def fairness_page(
    attributes: Sequence[ProtectedAttribute],
    attribute: str,
    threshold: float,
    positive: str,
    four_fifths: float,
    words: DecisionWords,
    optimizers: Sequence[str] = (),
) -> html.Div:
    """The sticky controls, then the four sections, each waiting for its callback; ``words`` name the decision
    other than ``positive`` (a decline only in a lending project); ``optimizers``, the threshold optimizers, which
    the slider does not move, are named under it."""
    return html.Div(
        [
            html.H2(TITLE, className="page-title"),
            _controls(attributes, attribute, threshold, positive, optimizers),
            _section(
                "Group metrics",
                f"Measured on the held-out rows, which the models never learnt from. A group is selected when a model "
                f"decides '{positive}' for it. The four-fifths rule asks that every group be selected at least "
                f"{four_fifths:g} times as often as the most selected one.",
                [
                    graph(None, "fairness-rates-graph", ids.FAIRNESS_RATES),
                    html.Div(id=ids.FAIRNESS_METRICS, className="mt-3"),
                ],
            ),
            _section(
                "Explanations by group",
                f"Each model's mean SHAP value of its most used features in each group, over every row it has "
                f"explained, in its own scale: red pushes toward '{positive}', blue away from it. Where the protected "
                "attribute is itself an input, its own row answers 'does the model use it?'.",
                [html.Div(id=ids.FAIRNESS_EXPLANATIONS)],
            ),
            _section(
                "Proxy risk",
                "A proxy is a feature that gives the protected group away and that the model leans on. Risk = strength "
                "(2 × AUC − 1 of predicting the group from that feature alone, cross-validated) × the model's share of "
                f"attribution on it. Highlighted: AUC ≥ {FLAG_AUC:g} and a share ≥ {FLAG_SHARE:.0%}.",
                [_spinning(html.Div(id=ids.FAIRNESS_PROXIES, className="proxy-area"))],
            ),
            _section(
                words.section,
                f"Pick {words.a_row} {words.other} by at least one model at the threshold: each model's decision and "
                f"the features that pushed it most {words.toward}, in the model's own scale.",
                [_reasons_controls(words), _spinning(html.Div(id=ids.ADVERSE_REASONS))],
            ),
        ],
        className="fairness-page",
    )


def unsupported_page(reason: str) -> html.Div:
    """What /fairness shows for a project that cannot have group metrics (regression, multi-class, no protected)."""
    return html.Div(
        [
            html.H2(TITLE, className="page-title"),
            dbc.Alert(
                [html.Strong("This project has no fairness view: "), reason, "."],
                color="secondary",
                className="fairness-unsupported",
            ),
        ]
    )


def attribute_label(attribute: ProtectedAttribute) -> str:
    """'age: bands <25, 25-40, 40-60, 60+', 'marital: 5 groups', 'age & marital: intersection, 18 groups'."""
    if len(attribute.columns) > 1:
        return f"{attribute.name}: intersection, {len(attribute.groups)} groups"
    if attribute.quartile_columns:
        return f"{attribute.name}: quartiles {', '.join(attribute.groups)}"
    if attribute.edges:
        return f"{attribute.name}: bands {', '.join(attribute.groups)}"
    return f"{attribute.name}: {len(attribute.groups)} groups"


def optimizer_note(optimizers: Sequence[str]) -> str:
    """The line under the slider naming the models that decide by their own per-group thresholds ('' if none)."""
    if not optimizers:
        return ""
    names = ", ".join(f"'{name}'" for name in optimizers)
    if len(optimizers) == 1:
        return (
            f"{names} is a threshold optimizer: it decides by its own threshold per group, so this slider does not "
            "change its decisions."
        )
    return (
        f"{names} are threshold optimizers: they decide by their own thresholds per group, so this slider does not "
        "change their decisions."
    )


def _controls(
    attributes: Sequence[ProtectedAttribute], attribute: str, threshold: float, positive: str, optimizers: Sequence[str]
) -> dbc.Card:
    chooser = dcc.Dropdown(
        id=ids.FAIRNESS_ATTRIBUTE,
        options=[{"label": attribute_label(a), "value": a.name} for a in attributes],
        value=attribute,
        clearable=False,
        searchable=True,
    )
    slider = threshold_control(
        ids.FAIRNESS_THRESHOLD,
        ids.FAIRNESS_THRESHOLD_BOX,
        ids.FAIRNESS_THRESHOLD_NOTE,
        f"Decision threshold: '{positive}' when the probability is at least",
        threshold,
        updatemode="mouseup",  # a drag asks for one answer, on release; the box beside it takes a typed value
    )
    row = dbc.Row(
        [
            dbc.Col(
                [dbc.Label("Protected attribute", html_for=ids.FAIRNESS_ATTRIBUTE, className="fw-semibold"), chooser],
                lg=4,
            ),
            dbc.Col(
                [slider, html.P(optimizer_note(optimizers), id=ids.FAIRNESS_OPTIMIZER_NOTE, className=NOTE_CLASS)]
                if optimizers
                else slider,
                lg=8,
            ),
        ],
        className="g-3 align-items-end",
    )
    return dbc.Card(dbc.CardBody(row), className="shadow-sm mb-4 fairness-controls")


def _reasons_controls(words: DecisionWords) -> dbc.Row:
    picker = dcc.Dropdown(
        id=ids.DECLINED_PICKER, searchable=True, clearable=False, placeholder="Type part of a row id…"
    )
    download = [
        dbc.Button(
            f"Download reasons for all rows {words.other} (CSV)",
            id=ids.REASONS_DOWNLOAD_BUTTON,
            color="secondary",
            outline=True,
        ),
        dcc.Download(id=ids.REASONS_DOWNLOAD),
        dcc.Loading(html.Div(id=ids.REASONS_DOWNLOAD_NOTE, className="figure-note mt-1"), type="dot"),
    ]
    return dbc.Row(
        [
            dbc.Col(
                [
                    dbc.Label(words.picker, html_for=ids.DECLINED_PICKER, className="fw-semibold"),
                    picker,
                    dbc.FormText(id=ids.DECLINED_NOTE),
                ],
                lg=6,
            ),
            dbc.Col(download, lg=6, className="pt-lg-4"),
        ],
        className="g-3 mb-3",
    )


def _spinning(body: html.Div) -> dcc.Loading:
    """A spinner over ``body`` while its callback runs, shown only if it takes longer than a blink."""
    return dcc.Loading(body, type="default", delay_show=300)


def _section(title: str, intro: str, body: list) -> dbc.Card:
    return dbc.Card(
        dbc.CardBody([html.H3(title, className="section-title"), html.P(intro, className="text-muted"), *body]),
        className="shadow-sm mb-4 fairness-section",
    )
