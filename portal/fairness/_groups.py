"""Protected groups: one group label per data row for every protected attribute of a project.

How a protected column becomes groups:

- a text or boolean column: its values are the groups;
- a numeric column with ``[fairness] bands``: bands closed on the left, so edges ``[25, 40, 60]`` give "<25",
  "25-40" (25 <= age < 40), "40-60" and "60+";
- a numeric column without bands: with at most :data:`MAX_LEVELS` distinct values (a 0/1 flag, a grade) its
  values are the groups; otherwise it is banded at its quartiles (the 25th, 50th and 75th percentiles of the
  whole column, rounded to 3 significant digits so the labels read well), and ``quartile_columns`` says so;
- an intersection (``[fairness] intersections``) joins its columns' groups: "age=25-40 & marital=married".

A missing value is a group of its own, :data:`MISSING`, listed last: who is missing is itself worth a look,
and dropping them would hide them from every disparity figure.
"""

from __future__ import annotations

import itertools
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
import pandas as pd

from portal.config import ConfigError, FairnessConfig

MISSING = "missing"
MAX_LEVELS = 10
JOIN = " & "
NOT_NUMERIC = "column '{column}' is not numeric, so it cannot be banded"
GROUP_PREFIX = "group: "  # /feature's colour-by for a protected attribute's groups ("group: age" is the age bands)


class FairnessError(ValueError):
    """A fairness question the project cannot answer, in one line with the fix."""


@dataclass(frozen=True, eq=False)
class ProtectedAttribute:
    """One protected attribute (a column, or an intersection of columns) and every data row's group in it."""

    name: str  # the column, or the columns joined by " & " for an intersection
    columns: tuple[str, ...]
    labels: np.ndarray  # (n_rows,) the group of each data row, as text
    groups: tuple[str, ...]  # the groups present, in reading order: bands in order, categories sorted, missing last
    edges: Mapping[str, tuple[float, ...]] = field(default_factory=dict)  # the band edges used, per banded column
    quartile_columns: tuple[str, ...] = ()  # banded at their quartiles because the config gives no bands

    def counts(self, positions: np.ndarray | None = None) -> dict[str, int]:
        """Rows per group (among the data rows at ``positions`` when given), in the order of ``groups``."""
        labels = self.labels if positions is None else self.labels[positions]
        found = dict(zip(*np.unique(labels.astype(str), return_counts=True)))
        return {group: int(found[group]) for group in self.groups if group in found}


def protected_attributes(
    frame: pd.DataFrame, protected: Sequence[str], fairness: FairnessConfig
) -> tuple[ProtectedAttribute, ...]:
    """Every protected column of ``frame`` (one row per data row), then every configured intersection."""
    single = {column: column_attribute(frame[column], column, fairness.bands.get(column)) for column in protected}
    joined = tuple(intersect([single[c] for c in columns]) for columns in fairness.intersections)
    return tuple(single.values()) + joined


def column_attribute(values: pd.Series, column: str, edges: Sequence[float] | None = None) -> ProtectedAttribute:
    """One column's groups: banded at ``edges`` (numeric only), its own values, or its quartiles (see above)."""
    numeric = pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_bool_dtype(values)
    if edges is not None and not numeric:
        raise ConfigError(f"[fairness] bands.{column}", NOT_NUMERIC.format(column=column), "remove its bands")
    quartiles = edges is None and numeric and values.nunique(dropna=True) > MAX_LEVELS
    if quartiles:
        edges = quartile_edges(values)
    if edges is not None:
        labels, groups = band(values, edges), band_labels(edges)
        used = {column: tuple(float(e) for e in edges)}
    else:
        labels, groups, used = _levels(values, numeric), (), {}
    return _attribute(column, (column,), labels, groups, used, (column,) if quartiles else ())


def band(values: pd.Series, edges: Sequence[float]) -> np.ndarray:
    """Each value's band label (intervals closed on the left), :data:`MISSING` for missing values."""
    numbers = pd.to_numeric(values, errors="coerce").to_numpy(dtype=np.float64)
    names = np.asarray(band_labels(edges) + (MISSING,), dtype=object)
    index = np.searchsorted(np.asarray(edges, dtype=np.float64), numbers, side="right")
    return names[np.where(np.isnan(numbers), len(edges) + 1, index)]


def band_labels(edges: Sequence[float]) -> tuple[str, ...]:
    """``[25, 40, 60]`` -> ``("<25", "25-40", "40-60", "60+")``."""
    text = [f"{float(e):g}" for e in edges]
    return (f"<{text[0]}", *(f"{a}-{b}" for a, b in zip(text, text[1:])), f"{text[-1]}+")


def quartile_edges(values: pd.Series) -> tuple[float, ...]:
    """The column's quartiles rounded to 3 significant digits, each once (a skewed column may have fewer)."""
    quartiles = np.nanpercentile(pd.to_numeric(values).to_numpy(dtype=np.float64), [25, 50, 75])
    return tuple(sorted({float(f"{q:.3g}") for q in quartiles}))


def intersect(attributes: Sequence[ProtectedAttribute]) -> ProtectedAttribute:
    """The joint groups of several attributes: "age=25-40 & marital=married" (a missing part reads "=missing")."""
    parts = [pd.Series(a.labels, dtype=object).radd(f"{a.name}=") for a in attributes]
    labels = parts[0].str.cat(parts[1:], sep=JOIN).to_numpy(dtype=object)
    order = tuple(JOIN.join(f"{a.name}={g}" for a, g in zip(attributes, combo)) for combo in _products(attributes))
    edges = {column: e for a in attributes for column, e in a.edges.items()}
    quartile_columns = tuple(c for a in attributes for c in a.quartile_columns)
    name = JOIN.join(a.name for a in attributes)
    columns = tuple(c for a in attributes for c in a.columns)
    return _attribute(name, columns, labels, order, edges, quartile_columns)


def _products(attributes: Sequence[ProtectedAttribute]):
    return itertools.product(*(a.groups for a in attributes))


def _levels(values: pd.Series, numeric: bool) -> np.ndarray:
    known = values.notna().to_numpy()
    text = values.map(lambda v: f"{v:g}", na_action="ignore") if numeric else values.astype(str)
    return np.where(known, text.astype(object).to_numpy(), MISSING).astype(object)


def _attribute(name, columns, labels, order, edges, quartile_columns) -> ProtectedAttribute:
    """The attribute with ``groups``: those of ``order`` present, then any others sorted (numbers by value), then
    missing."""
    present = set(pd.unique(labels).tolist())
    groups = [g for g in order if g in present]
    groups += sorted((g for g in present - set(groups) if g != MISSING), key=_sort_key)
    if MISSING in present and MISSING not in groups:
        groups.append(MISSING)
    return ProtectedAttribute(name, columns, labels, tuple(groups), edges, quartile_columns)


def _sort_key(label: str) -> tuple[int, float, str]:
    try:
        return (0, float(label), label)
    except ValueError:
        return (1, 0.0, label)
