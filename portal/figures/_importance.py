"""Global importance of every model on one shared axis.

Models may answer on different output scales (a forest in probability, a booster in log-odds), so
the default view is each feature's **share of the model's total attribution**, which is scale-free.
The raw view (mean |SHAP|) names each model's scale in its legend and warns when the scales differ.
Restricted to a cohort, the bars are the cohort's and each model's importance over everyone is drawn as an
outline in the same slot, so where a bar outgrows its outline the feature matters more in the cohort.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from portal.figures._style import (
    INK,
    PERCENT,
    WARNING,
    bar_pattern,
    class_label,
    escaped,
    finish,
    model_colors,
    placeholder,
    scale_label,
    styles_for,
)
from portal.results import Explanation

SHARE, RAW = "share", "raw"
IMPORTANCE_MODES = (SHARE, RAW)
SHARE_AXIS = "share of the model's total mean |SHAP| (scale-free)"
SHARE_NOTE = "Shares sum to 100% per model, so they compare across models whatever their scale."
SCALES_DIFFER = "⚠ Scales differ ({scales}): raw bars of different models are not comparable."


def importance_bars(
    explanations: Sequence[Explanation],
    *,
    mode: str = SHARE,
    colors: Mapping[str, str] | None = None,
    max_features: int = 15,
    everyone: Sequence[Explanation] = (),
    cohort: str = "",
) -> go.Figure:
    """Grouped horizontal bars, one colour per model, most important feature on top.

    With ``cohort`` (its text) the ``explanations`` are the cohort's and ``everyone`` the same models over all
    rows: each model's everyone bar is an outline over its cohort bar."""
    if mode not in IMPORTANCE_MODES:
        raise ValueError(f"mode must be one of {IMPORTANCE_MODES}, not {mode!r}")
    if not explanations:
        return placeholder("No model's explanation is ready yet.")
    styles = styles_for(colors or model_colors(e.model_name for e in explanations))
    features = _ranked_features(explanations)
    shown = features[:max_features][::-1]  # plotly draws the first category at the bottom
    outlines = {e.model_name: e for e in everyone} if cohort else {}
    traces = []
    for e in explanations[::-1]:
        style = styles[e.model_name]
        traces.append(_bar(e, shown, mode, style.color, "cohort: " if outlines else "", style.pattern))
        if e.model_name in outlines:
            traces.append(_outline(outlines[e.model_name], shown, mode, first=len(traces) == 1))
    fig = go.Figure(traces)
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        showlegend=True,
        legend={"traceorder": "reversed", "title": {"text": "model"}, "x": 1.01, "y": 1},
    )
    fig.update_xaxes(title=_axis_title(explanations, mode), tickformat=".0%" if mode == SHARE else None)
    cut = f"cohort <b>{escaped(cohort)}</b> (bars) against everyone (outlines) · " if outlines else ""
    cut += _coverage(explanations)
    cut += f"top {len(shown)} of {len(features)} features · " if len(shown) < len(features) else ""
    cut += _exactness(explanations) + " · "
    height = 140 + len(shown) * (12 * len(explanations) + 14)
    return finish(fig, _title(explanations), cut + _note(explanations, mode), height)


def _title(explanations: Sequence[Explanation]) -> str:
    """The title names the class shown when every explanation is of the same one class."""
    classes = {e.explained_class for e in explanations}
    label = escaped(class_label(classes.pop())) if len(classes) == 1 else ""  # the user's class name
    return f"Global feature importance · {label}" if label else "Global feature importance"


def _coverage(explanations: Sequence[Explanation]) -> str:
    """'500 of 7,043 rows (seeded sample) · ' when the bars come from a sample of the data, else nothing."""
    sampled = [e for e in explanations if e.sample_of]
    if not sampled:
        return ""
    sizes = sorted({e.n_rows for e in sampled})
    counted = f"{sizes[0]:,}" if len(sizes) == 1 else f"{sizes[0]:,}–{sizes[-1]:,}"
    return f"{counted} of {max(e.sample_of for e in sampled):,} rows (seeded sample) · "


def _exactness(explanations: Sequence[Explanation]) -> str:
    """'exact for every model', or which models are approximate (a sampled estimate)."""
    approximate = [escaped(e.model_name) for e in explanations if not e.provenance.exact]
    if not approximate:
        return "exact for every model shown"
    return f"<span style='color:{WARNING}'>approximate for {', '.join(approximate)}</span>"


def _values(explanation: Explanation, mode: str) -> np.ndarray:
    return explanation.share_of_total() if mode == SHARE else explanation.mean_abs()


def _ranked_features(explanations: Sequence[Explanation]) -> list[str]:
    """Features by mean share across models: the same order in both modes, so toggling keeps rows."""
    totals: dict[str, float] = {}
    for e in explanations:
        for name, share in zip(e.feature_names, e.share_of_total()):
            totals[name] = totals.get(name, 0.0) + float(share) / len(explanations)
    return sorted(totals, key=lambda name: -totals[name])


def _bar(
    explanation: Explanation, features: list[str], mode: str, color: str, who: str = "", pattern: str = ""
) -> go.Bar:
    by_name = dict(zip(explanation.feature_names, _values(explanation, mode)))
    unit = scale_label(explanation.output_scale)
    model = escaped(explanation.model_name)  # names and features are the user's: plotly would read their markup
    name = model if mode == SHARE else f"{model} ({unit})"
    value_format = "%{x:.1%}" if mode == SHARE else "%{x:.4g} " + unit
    return go.Bar(
        y=[escaped(f) for f in features],
        x=[by_name.get(f) for f in features],
        orientation="h",
        name=name,
        marker={"color": color, "pattern": bar_pattern(pattern)},
        offsetgroup=model,
        hovertemplate=f"{model.replace('%', PERCENT)}<br>{who}%{{y}}: {value_format}<extra></extra>",
    )


def _outline(explanation: Explanation, features: list[str], mode: str, *, first: bool) -> go.Bar:
    """Everyone's bar as an outline in the model's slot (same ``offsetgroup``), over the cohort's bar."""
    bar = _bar(explanation, features, mode, "rgba(0,0,0,0)", "everyone: ")
    return bar.update(
        name="everyone (outline)",
        legendgroup="everyone",
        legendrank=1,  # last in the (reversed) legend, under the models
        showlegend=first,
        marker_line={"color": INK, "width": 1.5},
    )


def _scales(explanations: Sequence[Explanation]) -> list[str]:
    return sorted({scale_label(e.output_scale) for e in explanations})


def _axis_title(explanations: Sequence[Explanation], mode: str) -> str:
    if mode == SHARE:
        return SHARE_AXIS
    scales = _scales(explanations)
    return f"mean |SHAP| ({scales[0]})" if len(scales) == 1 else "mean |SHAP| (each model's own scale, see legend)"


def _note(explanations: Sequence[Explanation], mode: str) -> str:
    scales = _scales(explanations)
    if mode == SHARE or len(scales) == 1:
        every = f"All models in {scales[0]}." if len(scales) == 1 else ""
        return f"{SHARE_NOTE} {every}".strip() if mode == SHARE else every
    return f"<span style='color:{WARNING}'>{SCALES_DIFFER.format(scales=' vs '.join(scales))}</span>"
