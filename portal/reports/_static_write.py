"""Which static figures to write, and writing them: every file drawn, or skipped with one line saying why.

:func:`choose_rows` picks the rows of the per-row charts (the three the models disagree on most, then the three
with the highest prediction); :func:`write_static_figures` draws, per model, the bar, the beeswarm, a waterfall
and a force plot per row and the dependence on the top five features, and per row one decision plot comparing the
models that share a scale; it names each file ``<model-slug>-<chart>[-<row or feature>].<ext>``.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from portal.reports import _static_figures as draw
from portal.results import LOG_ODDS, PROBABILITY, Explanation, RowIndex

FORMATS = ("png", "svg", "pdf")
DPI = 300
BEESWARM_POINTS = 5_000  # a seeded sample beyond this; the caption says "n of N rows"
DEPENDENCE_POINTS = 5_000
TOP_FEATURES = 5
ROWS_EACH = 3
COMPARE = "compare"  # the file prefix of the decision plots, which compare models
SKIPPED = "skipped {file}: {reason}"
EDITABLE_TEXT = {"svg.fonttype": "none", "pdf.fonttype": 42}  # text stays text: a journal's editor can change it


@dataclass
class FiguresWritten:
    """Files written per model (the decision plots under ``COMPARE``) and the skipped ones' lines."""

    out: Path
    files: dict[str, list[Path]] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)

    @property
    def total(self) -> int:
        return sum(len(paths) for paths in self.files.values())


def slug(text: str) -> str:
    """A file-name part: lower case, runs of anything but letters, digits, dots and dashes as one dash."""
    return re.sub(r"[^a-z0-9.]+", "-", str(text).lower()).strip("-.") or "x"


def choose_rows(explanations: Sequence[Explanation], each: int = ROWS_EACH) -> tuple[tuple[str, ...], str]:
    """The ``each`` rows the models disagree on most, then the ``each`` other rows with the highest mean prediction
    (log-odds read as probabilities beside a probability model); with one model (or scales that do not compare),
    the first model's ``2 * each`` highest predictions. Returns the row ids and how they were chosen, in words."""
    from portal.analyses import disagreement_rows

    try:
        table = disagreement_rows(explanations, by="prediction", top=max(e.n_rows for e in explanations))
        ids, outputs = [str(i) for i in table.row_ids], table.outputs.mean(axis=1)
        chosen, how = ids[:each], f"the {each} the models disagree on most, then the {each} with the highest prediction"
    except ValueError:  # one model, or scales that do not compare: the first model's highest predictions
        ids, outputs, chosen = [str(i) for i in explanations[0].row_ids], np.asarray(explanations[0].outputs), []
        how = f"the {2 * each} highest predictions of '{explanations[0].model_name}'"
    for position in np.argsort(-outputs, kind="stable"):
        if len(chosen) >= 2 * each or len(chosen) >= len(ids):
            break
        if ids[position] not in chosen:
            chosen.append(ids[position])
    return tuple(chosen), how


def figure_data(explanation: Explanation, features: pd.DataFrame, *, scale: str) -> draw.FigureData:
    """The model's rows' feature values (``features`` is indexed by row id), numeric and as read."""
    display = features.loc[np.asarray(explanation.row_ids).astype(str), list(explanation.feature_names)]
    data, categories = draw.numeric_encoding(display)
    total = explanation.sample_of or explanation.n_rows
    return draw.FigureData(explanation, data, display, categories, scale, total)


def write_static_figures(
    models: Sequence[draw.FigureData],
    out: Path,
    *,
    rows: Sequence[str],
    fmt: str = "png",
    compare: bool = True,
    say: Callable[[str], None] = print,
) -> FiguresWritten:
    """Draw every model's figures and, with ``compare``, the decision plots; ``say`` gets each skipped file's line."""
    import matplotlib

    matplotlib.use("Agg")  # files only, never a window
    written = FiguresWritten(out)
    with matplotlib.rc_context(EDITABLE_TEXT):
        for fd in models:
            written.files[fd.model] = _write_all(_model_charts(fd, rows), out, fmt, written, say)
        if compare:
            written.files[COMPARE] = _write_all(_decision_charts(models, rows), out, fmt, written, say)
    return written


Chart = tuple[str, Callable[[], object] | str]  # a file stem and its drawing, or the reason it cannot be drawn


def _model_charts(fd: draw.FigureData, rows: Sequence[str]) -> list[Chart]:
    name, e = slug(fd.model), fd.explanation
    sample = _sample(e.n_rows, BEESWARM_POINTS)
    charts: list[Chart] = [
        (f"{name}-bar", lambda: draw.bar(fd)),
        (f"{name}-beeswarm", lambda: draw.beeswarm(fd, sample)),
    ]
    positions = RowIndex(e.row_ids).find(list(rows))
    for kind, drawing in (("waterfall", draw.waterfall), ("force", draw.force)):
        if not len(rows):
            charts.append((f"{name}-{kind}", "no rows chosen (pass --rows ID,...)"))
        for row_id, p in zip(rows, positions):
            stem = f"{name}-{kind}-{slug(row_id)}"
            reason = f"row {row_id} is not among the rows '{fd.model}' explained"
            charts.append((stem, reason if p < 0 else (lambda d=drawing, p=int(p): d(fd, p))))
    top = np.argsort(-np.abs(np.asarray(e.values)).mean(axis=0), kind="stable")[:TOP_FEATURES]
    dependence_rows = _sample(e.n_rows, DEPENDENCE_POINTS)
    for f in top:
        feature = e.feature_names[f]
        charts.append((f"{name}-dependence-{slug(feature)}", lambda x=feature: draw.dependence(fd, x, dependence_rows)))
    return charts


def _decision_charts(models: Sequence[draw.FigureData], rows: Sequence[str]) -> list[Chart]:
    """Per row, one decision plot per scale the models answer in (models in different scales are never mixed)."""
    charts: list[Chart] = []
    groups: dict[str, list[draw.FigureData]] = {}
    for fd in models:
        groups.setdefault(fd.explanation.output_scale, []).append(fd)
    for scale, group in groups.items():
        for row_id in rows:
            stem = f"{COMPARE}-{slug(scale)}-decision-{slug(row_id)}"
            positions = [int(RowIndex(fd.explanation.row_ids).find([row_id])[0]) for fd in group]
            if min(positions) < 0:
                charts.append((stem, f"row {row_id} is not among every model's explained rows"))
                continue
            charts.append((stem, lambda g=group, p=positions, s=group[0].scale: draw.decision(g, p, s)))
    return charts


def _write_all(charts: list[Chart], out: Path, fmt: str, written: FiguresWritten, say) -> list[Path]:
    import matplotlib.pyplot as plt

    paths = []
    for stem, drawing in charts:
        path = out / f"{stem}.{fmt}"
        if isinstance(drawing, str):
            reason = drawing
        else:
            try:
                with warnings.catch_warnings():  # shap's and matplotlib's noise (an all-NaN column, a font)
                    warnings.simplefilter("ignore")
                    figure = drawing()
                    figure.savefig(path, dpi=DPI, bbox_inches="tight", format=fmt)
                paths.append(path)
                continue
            except Exception as error:  # one file that cannot be drawn must not stop the others
                reason = f"cannot be drawn ({type(error).__name__}: {error})"
            finally:
                plt.close("all")
        line = SKIPPED.format(file=path.name, reason=reason)
        written.skipped.append(line)
        say(line)
    return paths


def _sample(n_rows: int, size: int, seed: int = 0) -> np.ndarray:
    """All positions, or a seeded sample of ``size`` in their order."""
    if n_rows <= size:
        return np.arange(n_rows)
    return np.sort(np.random.default_rng(seed).choice(n_rows, size, replace=False))


def scale_words(explanation: Explanation, positive: str) -> str:
    """The scale as a caption says it: "probability of 'Yes'", "log-odds of 'Yes'", "raw"."""
    scale = explanation.output_scale
    named = explanation.explained_class or positive
    if scale in (PROBABILITY, LOG_ODDS) and named:
        return f"{scale} of '{named}'"
    if explanation.explained_class:
        return f"{scale}, class '{named}'"
    return scale
