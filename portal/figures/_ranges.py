"""Robust axis ranges, so one extreme point cannot squeeze a chart into a sliver.

An EBM can give one row a contribution of -6 while every other row sits within +-0.5: an axis fitted to
every point then spends nine tenths of its width on empty space. The axis here spans the 1st to 99th
percentile (with a little padding); the few points beyond it are drawn clamped at the edge with their own
marker, and their hover gives the real value. Several panes in one scale share the union of their ranges,
so equal contributions are equally long across panes.

    lo, hi = robust_range(values)                 # in the values' own scale
    shown, beyond = clamp(values, (lo, hi))       # x to draw, and which points were moved to the edge
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np

LOW, HIGH = 1.0, 99.0  # percentiles, in percent
PAD = 0.05  # of the range's width, on each side


def robust_range(values: np.ndarray, low: float = LOW, high: float = HIGH, pad: float = PAD) -> tuple[float, float]:
    """The ``low``-th to ``high``-th percentile of the finite ``values``, widened by ``pad`` of its width on
    each side; always includes 0 (the "no push" line readers look for). (-1, 1) when nothing is finite."""
    finite = np.asarray(values, dtype=float).ravel()
    finite = finite[np.isfinite(finite)]
    if not finite.size:
        return (-1.0, 1.0)
    lo, hi = np.percentile(finite, [low, high])
    lo, hi = min(float(lo), 0.0), max(float(hi), 0.0)
    width = hi - lo or max(abs(hi), 1.0)
    return (lo - pad * width, hi + pad * width)


def union(ranges: Iterable[tuple[float, float]]) -> tuple[float, float]:
    """The smallest range holding every one of ``ranges`` (several panes on one shared axis)."""
    ranges = list(ranges)
    return (min(r[0] for r in ranges), max(r[1] for r in ranges))


def clamp(values: np.ndarray, bounds: tuple[float, float]) -> tuple[np.ndarray, np.ndarray]:
    """``values`` with those beyond ``bounds`` moved onto the nearer edge, and a mask of the moved ones."""
    values = np.asarray(values, dtype=float)
    beyond = (values < bounds[0]) | (values > bounds[1])
    return np.clip(values, bounds[0], bounds[1]), beyond


def beyond_note(count: int) -> str:
    """The line under a chart with clamped points ('' when none)."""
    if not count:
        return ""
    plural = "s" if count != 1 else ""
    return f"{count:,} point{plural} beyond the axis, marked ▸ / ◂ at its edge (hover for the value)."
