"""The look every figure shares: model colours, scale names, one clean template."""

from __future__ import annotations

import textwrap
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import plotly.graph_objects as go
import plotly.io as pio

from portal.results import LOG_ODDS, LOGIT, PROBABILITY, RAW, AverageMember, Provenance

#: Okabe-Ito colours (safe for colour-blind readers) for marks: bars, lines, points, dots. A model's colour is
#: the one at its place in the project's canonical order of model names (see :func:`model_colors`).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#7F7F7F", "#000000")
#: The same hues darkened to at least 4.5:1 contrast with white (WCAG 2.1 AA), one for each colour of
#: :data:`PALETTE`: for a model's name written in its colour, and behind white text (table headers, badges).
TEXT_PALETTE = ("#0072B2", "#9C6C00", "#008460", "#BB4D8A", "#177AB2", "#BE5400", "#757575", "#000000")
#: The second encoding, so models sharing a chart are told apart without colour (WCAG 1.4.1): a line dash, a
#: marker symbol and a bar pattern per model, one for each colour of :data:`PALETTE` (the same length), chosen by
#: the same place in the names' canonical order. "dot" is left out of the dashes: a cohort's curves draw everyone's
#: dotted. The first model is plain (solid line, circle, solid bar).
DASHES = ("solid", "dash", "dashdot", "longdash", "longdashdot", "10px,3px,2px,3px,2px,3px", "2px,6px", "14px,6px")
SYMBOLS = ("circle", "square", "diamond", "triangle-up", "x", "cross", "star", "triangle-down")
PATTERNS = ("", "/", ".", "x", "\\", "-", "|", "+")
#: SHAP's own convention for pushes up (towards the positive class) and down.
PUSH_UP, PUSH_DOWN = "#E8114F", "#1E88E5"
CHAR_PX = 6.6  # a caption character's mean width at 13 px, measured on the report's cut-off subtitles
CAPTION_LINE_PX = 17  # a caption line's height
FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'Helvetica Neue', Arial, sans-serif"
INK, MUTED, WARNING = "#212529", "#6C757D", "#B02A37"
PERCENT = "&#37;"  # '%' in a hovertemplate that must not start a placeholder ('%{y}' in a user's name)

_SCALE_NAMES = {PROBABILITY: "probability", LOG_ODDS: "log-odds", LOGIT: "logit", RAW: "model output units"}
#: Plain words for the engine's method names (portal.explain); unknown names are shown as they are.
_METHOD_NAMES = {
    "tree_shap_path_dependent": "TreeSHAP (path-dependent)",
    "tree_shap_path_dependent_fast": "TreeSHAP (path-dependent, fast kernel)",
    "tree_shap_interventional": "TreeSHAP (interventional)",
    "tree_shap_path_dependent_xgboost": "XGBoost's own TreeSHAP",
    "tree_shap_path_dependent_lightgbm": "LightGBM's own TreeSHAP",
    "ebm_additive_shapley": "Shapley values of the EBM's own terms",
    "shapley_exact_enumeration": "every coalition evaluated",
    "shapley_permutation_approximate": "sampled permutations",
}


def model_colors(model_names: Iterable[str]) -> dict[str, str]:
    """One mark colour per model of :data:`PALETTE`, by the model's place in the canonical order of the names.

    The canonical order is the names sorted alphabetically (ignoring case), not the order a project lists them
    in, so the same model names get the same colours in every project however its file orders them (the churn
    and the loan demo list their models differently). Pass every model name of the project, so a page showing
    some of them still colours each as the others do. The palette repeats past 8 models. Keys keep the order
    given.
    """
    return _by_canonical_order(model_names, PALETTE)


@dataclass(frozen=True)
class ModelStyle:
    """How one model is drawn wherever several models share a chart: its mark colour, and the dash, marker symbol
    and bar pattern that tell it apart from the others without colour."""

    color: str
    dash: str
    symbol: str
    pattern: str


def model_styles(model_names: Iterable[str]) -> dict[str, ModelStyle]:
    """Each model's :class:`ModelStyle`, by its place in the canonical (alphabetical) order of the names, like
    :func:`model_colors`: so a model keeps its colour, dash, symbol and pattern in every project and every chart.
    Pass every model name of the project (a chart's ``colors`` mapping holds them all). Keys keep the order given."""
    names = list(dict.fromkeys(model_names))
    place = _canonical_places(names)
    return {name: _style_at(place[name]) for name in names}


def model_style(name: str, model_names: Iterable[str]) -> ModelStyle:
    """One model's :class:`ModelStyle` among ``model_names`` (it is added to them when missing)."""
    return model_styles([*model_names, name])[name]


def styles_for(colors: Mapping[str, str]) -> dict[str, ModelStyle]:
    """The styles of a chart given its ``colors`` (model name -> mark colour, from :func:`model_colors` over every
    model of the project): the dash, symbol and pattern by the names' order, the colour as given."""
    return {name: _with_color(style, colors[name]) for name, style in model_styles(colors).items()}


def _with_color(style: ModelStyle, color: str) -> ModelStyle:
    return ModelStyle(color, style.dash, style.symbol, style.pattern)


def _style_at(place: int) -> ModelStyle:
    i = place % len(PALETTE)
    return ModelStyle(PALETTE[i], DASHES[i], SYMBOLS[i], PATTERNS[i])


def pattern_of(color: str) -> str:
    """The bar pattern that goes with a :data:`PALETTE` colour (for a chart given one model's colour only);
    none for any other colour."""
    upper = color.upper()
    return PATTERNS[PALETTE.index(upper)] if upper in PALETTE else ""


def bar_pattern(pattern: str) -> dict:
    """A bar's ``marker.pattern``: the shape drawn in white over the model's colour, so the bar keeps its colour."""
    return {"shape": pattern, "fillmode": "overlay", "fgcolor": "white", "fgopacity": 0.9, "size": 7, "solidity": 0.3}


def model_text_colors(model_names: Iterable[str]) -> dict[str, str]:
    """Each model's colour for text (its name written in colour) and behind white text: the darker variant in
    :data:`TEXT_PALETTE` of its :func:`model_colors` colour, at least 4.5:1 against white (WCAG 2.1 AA)."""
    return _by_canonical_order(model_names, TEXT_PALETTE)


def text_color(mark_color: str) -> str:
    """The text variant of a :data:`PALETTE` colour; any other colour is returned as it is."""
    upper = mark_color.upper()
    return TEXT_PALETTE[PALETTE.index(upper)] if upper in PALETTE else mark_color


def _by_canonical_order(model_names: Iterable[str], palette: Sequence[str]) -> dict[str, str]:
    names = list(dict.fromkeys(model_names))
    place = _canonical_places(names)
    return {name: palette[place[name] % len(palette)] for name in names}


def _canonical_places(names: Sequence[str]) -> dict[str, int]:
    """Each name's place in the names sorted alphabetically, ignoring case (the one order colours and styles use)."""
    return {name: i for i, name in enumerate(sorted(names, key=lambda n: (n.casefold(), n)))}


def scale_label(output_scale: str) -> str:
    """The words an axis uses for an output scale ("probability", "log-odds", ...)."""
    return _SCALE_NAMES.get(output_scale, output_scale)


def class_label(explained_class: str) -> str:
    """'class: setosa' for one class of a multi-class explanation; empty when no class is named."""
    return f"class: {explained_class}" if explained_class else ""


def scale_and_class(output_scale: str, explained_class: str) -> str:
    """An axis's unit words with the class they are about: 'probability, class: setosa'."""
    return ", ".join(part for part in (scale_label(output_scale), class_label(explained_class)) if part)


def method_label(provenance: Provenance) -> str:
    """'exact: TreeSHAP (path-dependent)', 'approximate: sampled permutations', or for an average
    'exact: weighted average of Random forest (0.5) and Gradient boosting (0.5), each exact'."""
    name = provenance.method
    words = _METHOD_NAMES.get(name, name)
    if provenance.members:
        words = _average_words(provenance.members)
    elif name.startswith("weighted_average"):
        words = "weighted average of its members' values"
    return f"{'exact' if provenance.exact else 'approximate'}: {words}"


def _average_words(members: Sequence[AverageMember]) -> str:
    """Which models an average takes, with their weights, and which of them are approximate."""
    words = "weighted average of " + _listing([f"{m.name} ({m.weight:.2g})" for m in members])
    approximate = [m.name for m in members if not m.exact]
    if not approximate:
        return f"{words}, each exact"
    if len(approximate) == len(members):
        return f"{words}, each approximate"
    return f"{words}; {_listing(approximate)} approximate"


def _listing(items: Sequence[str]) -> str:
    """'a', 'a and b', 'a, b and c'."""
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


def escaped(text: str) -> str:
    """User text (a cohort: 'tenure < 12') safe inside plotly's HTML-like titles."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def in_template(text: str) -> str:
    """User text written into a hovertemplate: :func:`escaped`, and its '%' as an HTML entity, so a name holding
    '%{y}' shows as written instead of being filled in (plotly has no escape for '%{' but reads '&#37;' as '%')."""
    return escaped(text).replace("%", PERCENT)


def house_template(fig: go.Figure) -> None:
    """Give ``fig`` plotly's "plotly_white" template as plotly gives a new figure its default one: without
    validating the registered (already valid) template again. ``update_layout(template="plotly_white")`` did, and
    took 7.6 ms of the 16 ms every finished figure cost; this takes about 1 ms, and the figure is the same."""
    layout = fig.layout
    layout._validate = False  # plotly's own road in BaseFigure._initialize_layout_template
    try:
        layout.template = pio.templates["plotly_white"]
    finally:
        layout._validate = fig._validate


def finish(fig: go.Figure, title: str, subtitle: str = "", height: int | None = None) -> go.Figure:
    """Apply the house template, a left-aligned title and subtitle, and margins that fit the labels.

    Without a title the subtitle becomes a small caption line (for figures inside a pane whose header
    already names the model); without either the figure has no title band at all.
    """
    house_template(fig)
    fig.update_layout(finished_layout(title, subtitle, height))
    fig.update_xaxes(automargin=True, title_standoff=8)
    fig.update_yaxes(automargin=True)
    return fig


def house_figure(
    traces: Sequence[Mapping], layout: Mapping, title: str, subtitle: str = "", height: int | None = None
) -> go.Figure:
    """A finished figure (as :func:`finish` leaves one, on one x and one y axis) built in one step: the traces and
    the figure's own layout as plain dicts, merged over the house look (the figure's own settings win), validated
    once by plotly.

    Why: a figure built piece by piece (``go.Bar``, then ``update_layout``, ``update_xaxes`` and :func:`finish`)
    is validated again at every piece. The /local page draws a what-if pane, a waterfall and a decision line per
    model on every visit; built that way they took 10.6, 14 and 10 ms each (the largest share of a visit's CPU
    under load, ``benchmarks/load.py``), built this way about 2 ms, the same figure to the last key.
    """
    house = finished_layout(title, subtitle, height)
    house["xaxis"] = {"automargin": True, "title": {"standoff": 8}}
    house["yaxis"] = {"automargin": True}
    fig = go.Figure({"data": list(traces), "layout": merged(house, layout)})
    house_template(fig)
    return fig


def finished_layout(title: str, subtitle: str = "", height: int | None = None) -> dict:
    """The layout :func:`finish` gives: the house font, the title band and the margins (a new dict each call)."""
    if title:
        head = {"text": f"<b>{title}</b>", "subtitle": {"text": subtitle, "font": {"color": MUTED}}}
    else:
        head = {"text": subtitle, "font": {"color": MUTED, "size": 13}}
    top = 80 if title and subtitle else 45 if title or subtitle else 15
    return {
        "font": {"family": FONT, "size": 13, "color": INK},
        "title": {**head, "x": 0.01, "xref": "container", "xanchor": "left"}
        | {"y": 0.98, "yanchor": "top", "yref": "container"},
        "margin": {"l": 10, "r": 20, "t": top, "b": 10},
        "height": height,
        "hoverlabel": {"font": {"family": FONT}},
    }


def merged(base: Mapping, over: Mapping) -> dict:
    """``base`` with ``over`` laid on it, nested dicts merged key by key (``over`` wins), as update_layout merges."""
    out = dict(base)
    for key, value in over.items():
        both = isinstance(value, Mapping) and isinstance(out.get(key), Mapping)
        out[key] = merged(out[key], value) if both else value
    return out


def caption_lines(text: str, width: int) -> list[str]:
    """A caption broken into lines of at most ``width`` characters, between its ' · ' phrases first, so '150 of
    500' stays on one line; a phrase alone too long breaks between words. Plotly never wraps a title: a long
    caption ran past the figure's edge, cut off."""
    lines: list[str] = []
    for part in text.split(" · "):
        if lines and len(lines[-1]) + 3 + len(part) <= width:
            lines[-1] += f" · {part}"
        else:
            lines += textwrap.wrap(part, width=width, break_long_words=False) or [part]
    return lines


def fit_caption(fig: go.Figure, width_px: int, line_px: int = CAPTION_LINE_PX) -> go.Figure:
    """``fig`` drawn ``width_px`` wide with its subtitle (or a pane's caption) wrapped to fit, the top margin and the
    height grown by the added lines: for static files, where no toolbar or browser reflows anything."""
    title = fig.layout.title
    titled = bool(title.subtitle.text)  # finish() puts a titled figure's caption in the subtitle, else in the title
    caption = title.subtitle.text if titled else title.text
    if not caption or caption.startswith("<b>"):
        return fig
    lines = [line for part in caption.split("<br>") for line in caption_lines(part, int((width_px - 40) / CHAR_PX))]
    added = len(lines) - (caption.count("<br>") + 1)
    if added <= 0:
        return fig
    wrapped = "<br>".join(lines)
    fig.update_layout({"title_subtitle_text" if titled else "title_text": wrapped})
    height = (fig.layout.height or 450) + line_px * added
    return fig.update_layout(margin_t=(fig.layout.margin.t or 80) + line_px * added, height=height)


def placeholder(message: str, height: int = 260) -> go.Figure:
    """An empty figure that says why it is empty, instead of a blank axis."""
    fig = go.Figure()
    fig.add_annotation(
        text=message, showarrow=False, x=0.5, y=0.5, xref="paper", yref="paper", font={"color": MUTED, "size": 15}
    )
    fig.update_xaxes(visible=False)
    fig.update_yaxes(visible=False)
    return finish(fig, "", height=height)
