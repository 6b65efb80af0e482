"""/global's view in the URL: the models shown, the class, the scale and the agreement card's k.

Opening ``/global?models=Random+forest%2CEBM&class=b&scale=native&agreement-k=8`` draws that view; changing
any of those controls writes the URL again (keeping ``?cohort=`` and any other key), so the address bar is
always a link to what is on the screen.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from urllib.parse import urlencode

import dash
from dash import ALL, Input, Output, State

from callbacks._common import has_common_scale
from layouts import ids
from layouts.agreement import DEFAULT_K, MAX_K
from portal.analyses import COMMON, NATIVE
from portal.web import ANALYST, VIEWER, PortalServices, Registrar, ViewState

HIDDEN, SHOWN = {"display": "none"}, {}
CLASS_PAGES = ("/global", "/local", "/feature", "/performance")  # read ?class= from their link and write it back
SCALE_PAGES = ("/global", "/local")  # the same for ?scale=


@dataclass(frozen=True)
class GlobalView:
    """What a link asks /global to show; None where it names nothing (or nothing valid): the page's default."""

    shown: tuple[str, ...]
    class_name: str | None
    scale: str | None
    k: int


def read_view(services: PortalServices, query: dict) -> GlobalView:
    """The view a parsed query string (``parse_qs``) describes; unknown models, classes or scales are ignored."""
    state = ViewState.from_query(urlencode(query, doseq=True))
    names = services.model_names
    shown = tuple(m for m in names if m in state.models) or names
    classes = services.class_names()
    scale = state.scale if state.scale in (COMMON, NATIVE) and has_common_scale(services) else None
    return GlobalView(shown, state.class_name if state.class_name in classes else None, scale, _k(state.agreement_k))


def models_query(services: PortalServices, shown: list[str] | None, k, search: str | None) -> str:
    """``search`` with the models shown and the agreement card's k, every other key kept as it was. Every model
    shown and the default k are left out, to keep links short."""
    state = ViewState().with_models(tuple(shown or ()), services.model_names)
    if _k(k) != DEFAULT_K:
        state = replace(state, agreement_k=str(_k(k)))
    return state.merged_into(search, ("models", "agreement_k"))


def class_scale_query(services: PortalServices, class_name: str | None, scale: str | None, search: str | None) -> str:
    """``search`` with the class and the scale (each when given), written whenever the project offers a choice (so
    a link beats the reader's remembered choice), every other key kept as it was."""
    state, owned = ViewState(), []
    if class_name is not None:
        owned.append("class_name")
        if class_name in services.class_names():
            state = replace(state, class_name=class_name)
    if scale is not None:
        owned.append("scale")
        if has_common_scale(services) and scale in (COMMON, NATIVE):
            state = replace(state, scale=scale)
    return state.merged_into(search, tuple(owned))


def beeswarm_columns(services: PortalServices, shown: list[str] | None) -> list[dict]:
    """Each model's beeswarm column: shown when its model is ticked."""
    return [SHOWN if shown is None or m in shown else HIDDEN for m in services.model_names]


def _k(value) -> int:
    try:
        k = int(value)
    except (TypeError, ValueError):
        return DEFAULT_K
    return k if 1 <= k <= MAX_K else DEFAULT_K


def register(app: Registrar, services: PortalServices) -> None:
    """A writer per control that other pages share (the class chooser is on four pages, the scale chooser on two):
    a callback whose inputs are partly missing from a page is an error in the browser."""

    @app.callback(
        VIEWER,
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.MODEL_CHOOSER, "value"),
        Input(ids.AGREEMENT_K, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _share_models(shown, k, search):
        return models_query(services, shown, k, search)

    for control in (ids.CLASS_PICKER, ids.SCALE_TOGGLE):

        @app.callback(
            VIEWER,
            Output(ids.URL, "search", allow_duplicate=True),
            Input(control, "value"),
            State(ids.URL, "search"),
            State(ids.URL, "pathname"),
            prevent_initial_call=True,
        )
        def _share_choice(value, search, pathname, control=control):
            pages = CLASS_PAGES if control == ids.CLASS_PICKER else SCALE_PAGES
            if (pathname or "").rstrip("/") not in pages:
                return dash.no_update  # a page that does not read it from its link
            if control == ids.CLASS_PICKER:
                return class_scale_query(services, value, None, search)
            return class_scale_query(services, None, value, search)

    @app.callback(ANALYST, Output(ids.per_model(ids.BEESWARM_COLUMN, ALL), "style"), Input(ids.MODEL_CHOOSER, "value"))
    def _columns(shown):
        return beeswarm_columns(services, shown)
