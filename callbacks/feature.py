"""Feature page: one feature's dependence in every model, the EBM's shape over it, the choice kept in the URL.
For a cohort, the cohort's points are drawn over everyone's (grey)."""

from __future__ import annotations

from dash import Input, Output, State

from callbacks._ready import of_class, ready_explanations, so_far_note
from callbacks.cohort import NOT_IN_COHORT, applied
from callbacks.global_link import read_view
from layouts import ids
from layouts.feature import feature_page
from portal.figures import dependence_panels, model_colors, placeholder
from portal.web import ANALYST, PortalServices, Registrar, ViewState

WAITING = "Dependence appears here as explanations become ready."
#: When "Colour by" is the feature itself: its colours would only repeat the x axis, so the points are not coloured.
SAME_COLOUR = "Colour by is {feature}, the feature drawn: its colours would only repeat the x axis, so the points "
SAME_COLOUR += "are not coloured. Choose another feature to colour by. "


def page(services: PortalServices, query: dict):
    names = services.feature_names()
    feature = _first(query, "feature")
    colour_by = _first(query, "colour-by")
    feature = feature if feature in names else most_important(services, names)
    colours = (*names, *services.group_colour_names())
    colour_by = colour_by if colour_by in colours else None
    has_shape = services.shape_function(feature) is not None
    linked_class = read_view(services, query).class_name
    return feature_page(names, feature, colour_by, has_shape, services.class_names(), colours, linked_class)


def most_important(services: PortalServices, names: tuple[str, ...]) -> str:
    """The feature with the largest share of mean |SHAP| averaged over the models explained so far (each model's
    shares sum to 1, so no scale outweighs another; classes averaged too); the first column while none is."""
    found = [e for e in map(services.explanation_so_far, services.model_names) if e is not None and e.n_rows]
    if not found:
        return names[0]
    total = dict.fromkeys(names, 0.0)
    for explanation in found:
        shares = explanation.share_of_total()
        shares = shares.mean(axis=1) if shares.ndim > 1 else shares
        for name, share in zip(explanation.feature_names, shares):
            total[name] = total.get(name, 0.0) + float(share)
    return max(names, key=lambda name: total[name])  # ties: the first column


def dependence_figure(
    services: PortalServices,
    feature: str | None,
    colour_by: str | None,
    shape_on: list | None,
    ready: list[str] | None,
    sampled: dict | None = None,
    class_name: str | None = None,
    cohort: str | None = None,
):
    """The side-by-side panels for ``feature`` over every ready model, and a note on what is not shown yet (and
    that colouring by the feature itself colours nothing). For a ``cohort``: its rows' points over everyone's."""
    if not feature:
        return placeholder("Choose a feature."), ""
    explanations = ready_explanations(services, ready, sampled)
    if not explanations:
        return placeholder(WAITING), ""
    note = ""
    if colour_by and colour_by == feature:
        colour_by, note = None, SAME_COLOUR.format(feature=feature)
    if explanations[0].is_multiclass:
        explanations = [of_class(e, class_name) for e in explanations]
        note += f"Class shown: {explanations[0].explained_class}. "
    shape = services.shape_function(feature) if shape_on else None
    colors, rows = model_colors(services.model_names), applied(services, cohort)
    if rows is None:
        panels = services.feature_dependence(feature, colour_by, explanations)
        figure = dependence_panels(panels, colors=colors, shape=shape)
    else:
        cut = [rows.restrict(e) for e in explanations]
        if not all(c.n_rows for c in cut):
            return placeholder(NOT_IN_COHORT), so_far_note(services, explanations)
        panels = services.feature_dependence(feature, colour_by, cut)
        everyone = services.feature_dependence(feature, None, explanations)
        figure = dependence_panels(panels, colors=colors, shape=shape, everyone=everyone, cohort=rows.text)
    if shape is not None and not any(p.output_scale == shape.output_scale for p in panels):
        note += "The EBM's shape function is in another scale than every panel, so it is not drawn. "
    return figure, note + so_far_note(services, explanations)


def feature_query(feature: str | None, colour_by: str | None, search: str | None = None) -> str:
    """The URL's query string for the chosen feature and colouring, so the view can be shared; every other key
    of ``search`` (the cohort) is kept."""
    return ViewState(feature=feature or "", colour_by=colour_by or "").merged_into(search, ("feature", "colour_by"))


def _first(query: dict, key: str) -> str | None:
    values = query.get(key) or []
    return values[0] if values else None


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.DEPENDENCE_GRAPH, "figure"),
        Output(ids.DEPENDENCE_NOTE, "children"),
        Input(ids.FEATURE_PICKER, "value"),
        Input(ids.COLOUR_PICKER, "value"),
        Input(ids.SHAPE_TOGGLE, "value"),
        Input(ids.READY_MODELS, "data"),
        Input(ids.SAMPLED_MODELS, "data"),
        Input(ids.CLASS_PICKER, "value"),
        Input(ids.COHORT, "data"),
    )
    def _dependence(feature, colour_by, shape_on, ready, sampled, class_name, cohort):
        return dependence_figure(services, feature, colour_by, shape_on, ready, sampled, class_name, cohort)

    @app.callback(
        ANALYST,
        Output(ids.URL, "search", allow_duplicate=True),
        Input(ids.FEATURE_PICKER, "value"),
        Input(ids.COLOUR_PICKER, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _share(feature, colour_by, search):
        return feature_query(feature, colour_by, search)
