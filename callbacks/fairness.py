"""Fairness page: every model's group metrics at the threshold, its explanations by group and its proxy risk.

The attribute and the threshold are the page's two controls; each section has its own callback, so the proxy table's
first association (about 1.5 s per attribute, then kept on the server) spins alone while the rest is drawn. The two
controls travel in the URL (``/fairness?attribute=age&threshold=0.6``), every other key kept. The adverse-action
section is :mod:`callbacks.adverse_reasons`.
"""

from __future__ import annotations

import math

import dash_bootstrap_components as dbc
from dash import Input, Output, State

from callbacks.threshold import register_pair
from layouts import ids
from layouts.fairness import fairness_page, unsupported_page
from layouts.fairness_panels import explanation_pane, metrics_pane, model_columns
from layouts.fairness_reasons import proxy_pane
from layouts.panes import failed, model_card
from portal.fairness import DecisionWords, FairnessError, ProtectedAttribute, decision_words
from portal.figures import escaped, model_colors, placeholder, selection_rate_figure
from portal.web import VIEWER, PortalServices, Registrar, merge_query

WIDE = 6  # more groups than this: one model's card per row, so the table and heatmap stay readable


def page(services: PortalServices, query: dict):
    reason = services.fairness_support()
    if reason:
        return unsupported_page(reason)
    attribute = chosen_attribute(services, _first(query, "attribute"))
    threshold = chosen_threshold(services, _first(query, "threshold"))
    four_fifths, words = services.fairness_config().four_fifths, other_decision(services)
    attributes = services.protected_attributes()
    optimizers = services.threshold_optimizers()
    return fairness_page(attributes, attribute.name, threshold, positive(services), four_fifths, words, optimizers)


def chosen_attribute(services: PortalServices, name: str | None) -> ProtectedAttribute:
    """The protected attribute named ``name``, or the first (a link naming none, or one the project lacks)."""
    attributes = services.protected_attributes()
    return next((a for a in attributes if a.name == name), attributes[0])


def chosen_threshold(services: PortalServices, value: object) -> float:
    """``value`` as a threshold from 0 to 1 (rounded to 4 decimals, so a slider's float noise hits the cache), or
    the project's default when it is missing or not one."""
    try:
        threshold = float(value)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        threshold = math.nan
    return round(threshold, 4) if 0 <= threshold <= 1 else services.fairness_config().threshold


def positive(services: PortalServices) -> str:
    """The positive class's name ('good' in the loan demo): what 'selected' means in words."""
    return services.facts().positive or "positive"


def other_decision(services: PortalServices) -> DecisionWords:
    """What the page calls a decision other than the positive class: a decline only when ``[fairness]
    outcome_words = "lending"``, else "not decided 'Yes'" from the positive class's name."""
    return decision_words(services.fairness_config().outcome_words, positive(services))


def group_metrics(services: PortalServices, attribute: str | None, threshold: object):
    """The selection-rate chart of every model and, per model, its disparity verdict and group table."""
    found = chosen_attribute(services, attribute)
    try:
        results = services.group_metrics(found.name, chosen_threshold(services, threshold))
    except FairnessError as error:
        return placeholder(escaped(str(error))), dbc.Alert(str(error), color="warning")  # it may name a column
    colors, words = model_colors(services.model_names), positive(services)
    cards = [
        model_card(r.model_name, colors[r.model_name], None, "fairness-metrics", metrics_pane(r, words))
        for r in results
    ]
    return selection_rate_figure(results, colors), model_columns(cards, len(found.groups) > WIDE)


def explanations(services: PortalServices, attribute: str | None):
    """Per model, its mean contributions per group (rows explained so far), or its waiting or failed state."""
    found, colors = chosen_attribute(services, attribute), model_colors(services.model_names)
    features = services.feature_names()
    cards = []
    for model in services.model_names:
        grouped = services.group_explanations(found.name, model)
        ready = grouped is not None
        body = explanation_pane(grouped, found.columns, features) if ready else _not_ready(services, model)
        cards.append(model_card(model, colors[model], None, "group-explanation", body))
    return model_columns(cards, len(found.groups) > WIDE)


def proxies(services: PortalServices, attribute: str | None):
    """Per model, its ranked proxy risk table for the attribute (models with no rows explained yet wait)."""
    found, colors = chosen_attribute(services, attribute), model_colors(services.model_names)
    try:
        tables = {t.model_name: t for t in services.proxy_tables(found.name)}
    except ValueError as error:  # e.g. fewer than two groups large enough to cross-validate
        return dbc.Alert(f"No proxy table for {found.name}: {error}.", color="secondary")
    cards = [
        model_card(m, colors[m], None, "proxy", proxy_pane(tables[m]) if m in tables else _not_ready(services, m))
        for m in services.model_names
    ]
    return model_columns(cards, False)


def fairness_query(attribute: str | None, threshold: object, search: str | None) -> str:
    """``search`` with the attribute and the threshold, every other key kept as it was."""
    wanted = {"attribute": attribute or ""}
    if isinstance(threshold, int | float) and not isinstance(threshold, bool):
        wanted["threshold"] = f"{round(float(threshold), 4):g}"
    return merge_query(search, wanted)


def _not_ready(services: PortalServices, model: str):
    """None (the card's own waiting note) while the model's explanation is coming; its error if it failed."""
    progress = services.progress(model)
    return failed(progress.error) if progress.state == "failed" else None


def _first(query: dict, key: str) -> str | None:
    values = query.get(key) or []
    return values[-1] if values else None


def register(app: Registrar, services: PortalServices) -> None:
    register_pair(app, ids.FAIRNESS_THRESHOLD, ids.FAIRNESS_THRESHOLD_BOX, ids.FAIRNESS_THRESHOLD_NOTE)

    @app.callback(
        VIEWER,
        Output(ids.FAIRNESS_RATES, "figure"),
        Output(ids.FAIRNESS_METRICS, "children"),
        Input(ids.FAIRNESS_ATTRIBUTE, "value"),
        Input(ids.FAIRNESS_THRESHOLD, "value"),
    )
    def _metrics(attribute, threshold):
        return group_metrics(services, attribute, threshold)

    @app.callback(
        VIEWER,
        Output(ids.FAIRNESS_EXPLANATIONS, "children"),
        Input(ids.FAIRNESS_ATTRIBUTE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
    )
    def _explanations(attribute, _ready, _sampled):
        return explanations(services, attribute)

    @app.callback(
        VIEWER,
        Output(ids.FAIRNESS_PROXIES, "children"),
        Input(ids.FAIRNESS_ATTRIBUTE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
    )
    def _proxies(attribute, _ready, _sampled):
        return proxies(services, attribute)

    @app.callback(
        VIEWER,
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.FAIRNESS_ATTRIBUTE, "value"),
        Input(ids.FAIRNESS_THRESHOLD, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _share(attribute, threshold, search):
        return fairness_query(attribute, threshold, search)
