"""Fairness figures: each model's selection rate per protected group, and its mean contributions per group.

:func:`selection_rate_figure` draws every model's :class:`~portal.fairness.ModelFairness` on one axis (the rate is
a share of each group's rows, the same scale for every model), with the bootstrap interval as error bars; groups too
small to count in the disparity figures are drawn faded and say so in their label. :func:`group_contribution_heatmap`
draws one model's :class:`~portal.fairness.GroupExplanation`: mean signed SHAP per feature (rows) per group
(columns), in that model's own scale, named on the colour bar.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping, Sequence

import numpy as np
import plotly.graph_objects as go

from portal.fairness import JOIN, MIN_GROUP_ROWS, GroupExplanation, GroupMetrics, ModelFairness
from portal.figures._style import (
    INK,
    PUSH_DOWN,
    PUSH_UP,
    bar_pattern,
    escaped,
    finish,
    in_template,
    model_colors,
    placeholder,
    scale_label,
    styles_for,
)

RATE_AXIS = "selection rate (share of the group decided positive)"
FADED = 0.35
TOP_FEATURES = 8
COUNT = "<span style='font-size:10px'>(n={n:,}{few})</span>"
TRANSPOSE_AT = 6  # more groups than this lie as rows


def selection_rate_figure(results: Sequence[ModelFairness], colors: Mapping[str, str] | None = None) -> go.Figure:
    """Horizontal bars: one row of bars per group (in reading order, top down), one colour per model, each with
    its bootstrap interval. A model's legend entry carries its demographic parity ratio and a breach warning."""
    if not results:
        return placeholder("No model to show.")
    styles = styles_for(colors or model_colors(r.model_name for r in results))
    first = results[0]
    labels = [group_label(g) for g in first.groups]
    fig = go.Figure([_rate_bars(r, labels, styles[r.model_name].color, styles[r.model_name].pattern) for r in results])
    fig.update_layout(
        barmode="group",
        bargap=0.25,
        legend={"orientation": "h", "y": -0.12 - 0.4 / max(len(labels), 2), "x": 0, "title": {"text": ""}},
    )
    fig.update_xaxes(title=RATE_AXIS, range=[0, 1.02], tickformat=".1f", dtick=0.1)
    fig.update_yaxes(autorange="reversed", title=escaped(first.attribute))
    subtitle = (
        f"decided positive when the probability is ≥ {first.threshold:.2f} · {first.n_rows:,} {first.rows} rows · "
        f"error bars: {first.level:.0%} bootstrap intervals ({first.resamples} resamples)"
    )
    if any(not g.in_disparity for g in first.groups):
        subtitle += " · faded: too few rows to count"
    height = 190 + len(labels) * max(22, 9 * len(results) + 8)
    return finish(fig, f"Selection rate by {escaped(first.attribute)}", subtitle, height=height)


def group_label(group: GroupMetrics) -> str:
    """'60+ (n=21)', or '<25 (n=8, excluded)' for a group left out of the disparity figures."""
    words = f"n={group.count:,}" if group.in_disparity else f"n={group.count:,}, excluded"
    return f"{escaped(group.group)} ({words})"


def _rate_bars(result: ModelFairness, labels: list[str], color: str, pattern: str = "") -> go.Bar:
    rates = np.array([g.selection_rate for g in result.groups], dtype=np.float64)
    bounds = np.array([g.intervals["selection_rate"] for g in result.groups], dtype=np.float64)
    low, high = np.nan_to_num(rates - bounds[:, 0]), np.nan_to_num(bounds[:, 1] - rates)
    ratio = result.disparity.demographic_parity_ratio
    model = escaped(result.model_name)  # the user's name: plotly reads markup in the legend
    name = model if np.isnan(ratio) else f"{model}: parity ratio {ratio:.2f}"
    if result.disparity.verdict == "breach":  # the whole interval below the rule; straddling: say so, not a breach
        name += f" ⚠ below {result.disparity.four_fifths:g}"
    elif result.disparity.verdict == "inconclusive" and not np.isnan(ratio):
        name += " (inconclusive)"
    return go.Bar(
        y=labels,
        x=rates,
        orientation="h",
        name=name,
        marker={
            "color": color,
            "opacity": [1.0 if g.in_disparity else FADED for g in result.groups],
            "pattern": bar_pattern(pattern),
        },
        error_x={"type": "data", "array": high, "arrayminus": low, "color": INK, "thickness": 1.2, "width": 3},
        customdata=bounds,
        hovertemplate=(
            f"{in_template(result.model_name)}<br>%{{y}}<br>selection rate %{{x:.2f}}"
            f"<br>{result.level:.0%} interval %{{customdata[0]:.2f}}–%{{customdata[1]:.2f}}<extra></extra>"
        ),
    )


def group_contribution_heatmap(
    explanation: GroupExplanation, *, protected: Collection[str] = (), top: int = TOP_FEATURES
) -> go.Figure:
    """Mean signed contribution per feature (the ``top`` most used over all rows, then any ``protected`` input)
    per group, centred on zero: red pushes toward the positive class, blue away, as in SHAP's own plots.

    Up to :data:`TRANSPOSE_AT` groups stand as columns; more (an intersection of 18) lie as rows, one line each,
    the figure growing with them, so that no label overprints its neighbour. Groups under
    :data:`~portal.fairness.MIN_GROUP_ROWS` rows are drawn faded and say so, as the metrics tables mark them.
    """
    if not explanation.n_rows:
        return placeholder("No rows explained yet.")
    features = shown_features(explanation, protected, top)
    columns = [explanation.feature_names.index(f) for f in features]
    z = explanation.mean[:, columns]  # (groups, features)
    small = np.asarray(explanation.counts) < MIN_GROUP_ROWS
    transposed = len(explanation.groups) > TRANSPOSE_AT
    groups = _group_ticks(explanation, small, "<br>" if not transposed else None)
    mark = "" if transposed else " (protected)"  # features side by side: bold alone, the subtitle says what it means
    names = [f"<b>{escaped(f)}</b>{mark}" if f in protected else escaped(f) for f in features]
    reach = float(np.nanmax(np.abs(z))) if z.size and np.isfinite(z).any() else 1.0
    scale = scale_label(explanation.output_scale)
    fig = go.Figure(
        [
            _heat_cells(z, keep, groups, names, reach, transposed, scale).update(opacity=opacity, textfont=font)
            for keep, opacity, font in ((~small, 1.0, {}), (small, FADED, {"color": INK}))  # ink stays readable
            if keep.any()
        ]
    )
    fig.update_yaxes(autorange="reversed", type="category")
    fig.update_xaxes(side="bottom", tickangle=0, tickfont={"size": 11}, type="category")
    if transposed:  # keep every group's row, even the faded ones, in the explanation's order
        fig.update_yaxes(categoryorder="array", categoryarray=groups)
        fig.update_xaxes(categoryorder="array", categoryarray=names)
    else:
        fig.update_xaxes(categoryorder="array", categoryarray=groups)
        fig.update_yaxes(categoryorder="array", categoryarray=names)
    sample = f" of {explanation.sample_of:,}" if explanation.sample_of else ""
    subtitle = f"mean SHAP per group ({scale}) · {explanation.n_rows:,}{sample} rows"
    if transposed and set(features) & set(protected):
        subtitle += " · bold: protected input"
    if small.any():
        subtitle += f" · faded: under {MIN_GROUP_ROWS} rows"
    if transposed:
        height = 190 + 26 * len(explanation.groups)
    else:
        height = 150 + 30 * len(features) + 12 * _lines(explanation.groups)
    return finish(fig, "", subtitle, height=height)


def _group_ticks(explanation: GroupExplanation, small: np.ndarray, join: str | None) -> list[str]:
    """Each group's tick: its name (an intersection's parts on lines of their own when ``join`` is given) and its
    rows, with 'few' for a small group."""
    ticks = []
    for group, count, few in zip(explanation.groups, explanation.counts, small):
        name = escaped(group) if join is None else join.join(escaped(part) for part in group.split(JOIN))
        rows = COUNT.format(n=int(count), few=", few" if few else "")
        ticks.append(f"{name}{'<br>' if join is not None else ' '}{rows}")
    return ticks


def _heat_cells(
    z: np.ndarray,
    keep: np.ndarray,
    groups: list[str],
    names: list[str],
    reach: float,
    transposed: bool,
    scale: str,
) -> go.Heatmap:
    """One heatmap trace of the groups in ``keep`` (the others left blank), each cell written with its value."""
    cells = np.where(keep[:, None], z, np.nan)
    digits = decimals(reach)
    text = np.where(np.isfinite(cells), np.vectorize(lambda v: f"{v:+.{digits}f}")(np.nan_to_num(cells)), "")
    if not transposed:
        cells, text = cells.T, text.T
    x, y = (names, groups) if transposed else (groups, names)
    return go.Heatmap(
        z=cells,
        x=x,
        y=y,
        zmin=-reach,
        zmax=reach,
        colorscale=[[0.0, PUSH_DOWN], [0.5, "#FFFFFF"], [1.0, PUSH_UP]],
        text=text,
        texttemplate="%{text}",
        hovertemplate=(
            ("%{x} in %{y}" if transposed else "%{y} in %{x}") + "<br>mean SHAP %{z:+.3g} " + scale + "<extra></extra>"
        ),
        hoverongaps=False,
        showscale=False,  # every cell is written; the subtitle names the scale
        xgap=1,
        ygap=1,
    )


def shown_features(explanation: GroupExplanation, protected: Collection[str] = (), top: int = TOP_FEATURES) -> list:
    """The ``top`` features by mean |SHAP| over all rows (groups weighted by their size), then the protected
    inputs not among them: the heatmap's rows, most used first."""
    overall = explanation.counts @ explanation.mean_abs / max(int(explanation.counts.sum()), 1)
    ranked = [explanation.feature_names[i] for i in np.argsort(-overall, kind="stable")]
    shown = ranked[:top]
    return shown + [f for f in ranked[top:] if f in protected]


def decimals(reach: float) -> int:
    """Decimals that show contributions of this size: 2, or 3 when the largest is under 0.1 (a probability)."""
    return 3 if reach < 0.1 else 2


def _lines(groups: Sequence[str]) -> int:
    return max((g.count(JOIN) + 1 for g in groups), default=1)
