"""SHAP's own plots, drawn with matplotlib from stored explanations: the static figures of ``python -m portal figures``.

Each function takes a :class:`FigureData` (one model's stored values, a numeric encoding of its rows' feature values
and the words of its caption) and returns a finished matplotlib figure: shap's plot, a title naming the model and the
chart, and a caption under the axes naming the scale, the method and "n of N rows". Nothing is recomputed: the
``shap.Explanation`` handed to shap is built from the stored values, base values and the rows' feature values.

shap colours points by feature value, so ``data`` must be numbers: a categorical column is passed as its category
codes (the categories in their own order when the column is ordered, else A to Z), said in the caption; waterfall and
force plots label the features with the real values (``display_data``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from portal.results import Explanation

CATEGORY_NOTE = "categorical features as category codes (A to Z) for colour"
WRAP = 110  # characters of a caption line


@dataclass(frozen=True, eq=False)
class FigureData:
    """One model's explanation, ready for shap: values and a numeric encoding of the same rows' feature values.

    ``data`` is numeric (categories as codes: ``categories`` names them per column), ``display`` holds the values as
    people read them; ``scale`` is the words for the output scale; ``total_rows`` is N of "n of N rows".
    """

    explanation: Explanation
    data: pd.DataFrame
    display: pd.DataFrame
    categories: dict[str, tuple[str, ...]]
    scale: str
    total_rows: int

    @property
    def model(self) -> str:
        return self.explanation.model_name

    def shap(self, positions: np.ndarray | slice = slice(None)):
        """The shap.Explanation of these rows, from the stored arrays."""
        import shap

        e = self.explanation
        base = np.asarray(e.base_values[positions], dtype=np.float64)
        return shap.Explanation(
            values=np.asarray(e.values[positions], dtype=np.float64),
            base_values=float(base) if base.ndim == 0 else base,
            data=self.data.to_numpy(dtype=np.float64)[positions],
            display_data=self.display.to_numpy(dtype=object)[positions],
            feature_names=list(e.feature_names),
        )

    def caption(self, rows: str, *, coloured: bool = False) -> str:
        """Scale, method and rows; on a chart coloured by feature value, how categories became colours."""
        p = self.explanation.provenance
        method = f"{p.method} ({'exact' if p.exact else 'approximate'})"
        text = f"Scale: {self.scale}  ·  method: {method}  ·  {rows}"
        return text + (f"  ·  {CATEGORY_NOTE}" if coloured and self.categories else "")

    def rows_text(self, n: int) -> str:
        return f"{n:,} of {self.total_rows:,} rows"


def numeric_encoding(frame: pd.DataFrame) -> tuple[pd.DataFrame, dict[str, tuple[str, ...]]]:
    """Numbers for every column (booleans as 0/1, categories as codes, missing as NaN) and each category list."""
    columns, categories = {}, {}
    for name, column in frame.items():
        if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
            columns[name] = pd.to_numeric(column, errors="coerce").astype(np.float64)
            continue
        coded = pd.Categorical(column.astype(object).where(column.notna(), None))
        codes = coded.codes.astype(np.float64)
        codes[codes < 0] = np.nan
        columns[name] = pd.Series(codes, index=frame.index)
        categories[str(name)] = tuple(str(c) for c in coded.categories)
    return pd.DataFrame(columns, index=frame.index), categories


def bar(fd: FigureData):
    import matplotlib.pyplot as plt
    import shap

    plt.figure()
    shap.plots.bar(fd.shap(), max_display=12, show=False)
    return _finish(fd, "mean |SHAP value| per feature", fd.caption(fd.rows_text(fd.explanation.n_rows)))


def beeswarm(fd: FigureData, positions: np.ndarray):
    import matplotlib.pyplot as plt
    import shap

    plt.figure()
    shap.plots.beeswarm(fd.shap(positions), max_display=12, show=False)
    return _finish(fd, "SHAP values coloured by feature value", fd.caption(fd.rows_text(len(positions)), coloured=True))


def waterfall(fd: FigureData, position: int):
    import matplotlib.pyplot as plt
    import shap

    plt.figure()
    shap.plots.waterfall(fd.shap(position), max_display=12, show=False)
    return _finish(fd, f"waterfall of row {fd.explanation.row_ids[position]}", fd.caption(_one_row(fd, position)))


def force(fd: FigureData, position: int):
    import shap

    one = fd.shap(position)
    figure = shap.plots.force(  # returns the figure drawn
        float(one.base_values),
        one.values,
        features=_rounded(one.display_data),
        feature_names=one.feature_names,
        matplotlib=True,
        show=False,
        figsize=(20, 3.5),
        text_rotation=30,
    )
    row = f"force plot of row {fd.explanation.row_ids[position]}"
    return _finish(fd, row, fd.caption(_one_row(fd, position)), figure=figure)


def dependence(fd: FigureData, feature: str, positions: np.ndarray):
    import matplotlib.pyplot as plt
    import shap

    column = fd.explanation.feature_names.index(feature)
    values = fd.shap(positions)
    if np.isnan(values.data[:, column]).all():
        raise ValueError(f"'{feature}' has no values in these rows")
    figure, ax = plt.subplots(figsize=(7.5, 5))
    shap.plots.scatter(values[:, column], color=values, ax=ax, show=False)
    if feature in fd.categories:
        names = fd.categories[feature]
        ax.set_xticks(range(len(names)), names, rotation=30, ha="right")
    caption = fd.caption(fd.rows_text(len(positions)), coloured=True)
    return _finish(fd, f"dependence on {feature}", caption, figure=figure)


def decision(models: list[FigureData], positions: list[int], scale: str):
    """One row, several models in one scale: shap's multi-output decision plot, one line per model.

    Lines start at the models' mean base value (each model's difference from it spread evenly over the features, as
    shap's ``multioutput_decision_plot`` does) and end at each model's own prediction."""
    import matplotlib.pyplot as plt
    import shap

    first, position = models[0], positions[0]
    row_id = first.explanation.row_ids[position]
    plt.figure()
    shap.multioutput_decision_plot(
        [float(m.explanation.base_values[p]) for m, p in zip(models, positions)],
        [np.asarray(m.explanation.values[[p]], dtype=np.float64) for m, p in zip(models, positions)],
        0,
        features=_rounded(first.display.to_numpy(dtype=object)[[position]]),
        feature_names=list(first.explanation.feature_names),
        color_bar=False,
        show=False,
    )
    _one_colour_per_model(plt.gcf().axes[0], [m.model for m in models])
    methods = "; ".join(f"{m.model}: {m.explanation.provenance.method}" for m in models)
    lines = (
        "lines start at the models' mean base value (its difference to each model's spread over the features) and "
        "end at each model's prediction"
        if len(models) > 1
        else "the line runs from the model's base value to its prediction"
    )
    caption = f"Scale: {scale}  ·  methods: {methods}  ·  row {row_id}, 1 of {first.total_rows:,} rows  ·  {lines}"
    names = " and ".join(m.model for m in models)
    return _finish(first, f"{names}: decision plot of row {row_id}", caption, named=False)


def _one_colour_per_model(ax, names: list[str]) -> None:
    """shap colours a decision line by where it ends, so two models ending alike look alike: one colour each."""
    import matplotlib

    palette = matplotlib.colormaps["tab10"].colors
    lines = [line for line in ax.get_lines() if len(line.get_ydata()) > 2][: len(names)]
    for line, colour in zip(lines, palette):
        line.set_color(colour)
        line.set_linewidth(2)
    ax.legend(lines, names, loc="lower right")


def _one_row(fd: FigureData, position: int) -> str:
    return f"row {fd.explanation.row_ids[position]}, 1 of {fd.total_rows:,} rows"


def _rounded(values: np.ndarray) -> np.ndarray:
    """Feature values as labels: floats to 4 significant digits, the rest as they are."""
    shape = values.shape
    flat = [_label(v) for v in values.reshape(-1)]
    return np.array(flat, dtype=object).reshape(shape)


def _label(value: object) -> object:
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return "missing"
    return f"{value:.4g}" if isinstance(value, float) else value


def _finish(fd: FigureData, chart: str, caption: str, *, figure=None, named: bool = True):
    """Title the figure just above everything drawn (model and chart) and caption it just below (scale, method,
    rows): placed from the drawn extent, so neither clips nor overlaps shap's own labels."""
    import textwrap

    import matplotlib.pyplot as plt

    figure = figure or plt.gcf()
    extent = figure.get_tightbbox(figure.canvas.get_renderer())
    width, height = figure.get_size_inches()
    title = f"{fd.model}: {chart}" if named else chart
    figure.suptitle(title, fontsize=13, fontweight="bold", y=extent.y1 / height + 0.1 / height, va="bottom")
    figure.text(
        0.5 * (extent.x0 + extent.x1) / width,
        extent.y0 / height - 0.15 / height,
        textwrap.fill(caption, WRAP),
        ha="center",
        va="top",
        fontsize=8.5,
        color="#333333",
    )
    return figure
