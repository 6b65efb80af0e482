"""Points coloured by their feature's value, in SHAP's own convention: low blue, high red, missing grey.

A beeswarm exists to show whether high values of a feature push the output up or down, so each point takes
the colour of its row's value of the feature it sits on. The colours are shap's ``shap.plots.colors.red_blue``
(a perceptually even blue-to-red path in Lch space, from ``#008bfb`` to ``#ff0051``) sampled at eleven stops
into a plotly colorscale; missing values are shap's beeswarm grey.

- **numbers** are scaled per feature between their 5th and 95th percentile, as shap does, so one outlier
  cannot wash the rest of a feature out into one colour (values beyond are drawn at the end colour);
- **categories** have no low or high, so each category takes its rank by its mean contribution among the
  points drawn: the category that pushes the output down most is blue, the one pushing it up most red. Colour
  then still answers the beeswarm's question ("which values push up?"), and the hover names the category.
  A legend of one colour per category would need as many colours as categories and say nothing about direction.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

#: ``shap.plots.colors.red_blue`` at 0, 0.1, ..., 1 (tests compare them with shap's when matplotlib is present).
RED_BLUE = (
    "#008bfb",
    "#007df5",
    "#236cea",
    "#625adb",
    "#8443c6",
    "#9c23ad",
    "#bb00a0",
    "#d5008f",
    "#e9007c",
    "#f90067",
    "#ff0051",
)
COLORSCALE = [[i / (len(RED_BLUE) - 1), colour] for i, colour in enumerate(RED_BLUE)]
MISSING = "#777777"  # shap's beeswarm grey for missing values
LOW, HIGH = 5.0, 95.0  # percentiles a feature's numbers are scaled between
#: Lying under the x axis, so a narrow side-by-side pane keeps its width for the points ("low ▬▬▬ high").
COLOUR_BAR = {
    "title": {"text": "feature value", "side": "right", "font": {"size": 11}},
    "orientation": "h",
    "x": 0.4,
    "xanchor": "center",
    "yref": "container",
    "y": 0.0,
    "yanchor": "bottom",
    "ypad": 6,
    "lenmode": "pixels",
    "len": 190,  # with its title beside it: a bar of about 100 px
    "thickness": 8,
    "tickvals": [0, 255],  # the points carry their level as one byte, 0 to 255
    "ticktext": ["low", "high"],
    "ticks": "",
    "outlinewidth": 0,
    "tickfont": {"size": 10},
}
BAR_ROOM = 44  # pixels below the x axis's title for the colour bar


def feature_levels(values: pd.Series, contributions: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each point's place on the colour scale (0 blue .. 1 red; NaN for a missing value) and its value as text.

    ``values`` are the rows' values of one feature, ``contributions`` the same rows' contributions of it (used
    to rank categories)."""
    missing = values.isna().to_numpy()
    if is_categorical(values):
        levels = _category_levels(values.astype(object), np.asarray(contributions, dtype=float), missing)
        text = values.astype(str).to_numpy(dtype=object)
    else:
        numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=float)
        levels = _number_levels(numbers)
        text = np.array([f"{v:.4g}" for v in numbers], dtype=object)
    levels[missing] = np.nan
    text[missing] = "missing"
    return levels, text


def is_categorical(values: pd.Series) -> bool:
    """Categories (text, a pandas Categorical), as opposed to numbers and booleans."""
    return isinstance(values.dtype, pd.CategoricalDtype) or not pd.api.types.is_numeric_dtype(values)


def _number_levels(numbers: np.ndarray) -> np.ndarray:
    """Numbers scaled between their 5th and 95th percentile (else 1st-99th, else min-max), clipped to 0..1."""
    finite = numbers[np.isfinite(numbers)]
    if not finite.size:
        return np.full(len(numbers), np.nan)
    for low, high in ((LOW, HIGH), (1.0, 99.0), (0.0, 100.0)):
        lo, hi = np.percentile(finite, [low, high])
        if hi > lo:
            return np.clip((numbers - lo) / (hi - lo), 0.0, 1.0)
    return np.full(len(numbers), 0.5)  # one value only: the middle of the scale


def _category_levels(values: pd.Series, contributions: np.ndarray, missing: np.ndarray) -> np.ndarray:
    """Each category's rank by its mean contribution (lowest 0, highest 1; 0.5 when only one category)."""
    known = pd.Series(contributions[~missing]).groupby(values[~missing].astype(str).to_numpy()).mean()
    ranked = known.sort_values(kind="stable").index
    place = {category: i / max(len(ranked) - 1, 1) for i, category in enumerate(ranked)}
    if len(ranked) == 1:
        place = {ranked[0]: 0.5}
    return np.array([place.get(str(v), np.nan) for v in values], dtype=float)


def level_colours(levels: np.ndarray) -> list[str]:
    """Each level's colour on :data:`COLORSCALE` (the nearer stop), grey for NaN: for the few points drawn
    outside the main trace, which take explicit colours."""
    last = len(RED_BLUE) - 1
    return [MISSING if not np.isfinite(v) else RED_BLUE[int(round(float(v) * last))] for v in levels]
