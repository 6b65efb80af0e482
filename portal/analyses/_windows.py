"""Time windows: which rows fall in which day, week, month, quarter or year, and which windows are the reference.

Monitoring compares explanations window by window against a baseline, the **reference**: the windows the
models learnt from (``reference = "2016-07..2016-12"``). Windows are calendar periods (pandas ``Period``), so a
month is a month whatever day the data start on, and their labels are the ones a person writes in a URL or a
config: ``2017-07-14`` (day), ``2017-W28`` (ISO week), ``2017-07`` (month), ``2017Q3`` (quarter), ``2017`` (year).
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

#: The window kinds a project may choose, and the pandas period frequency of each.
WINDOW_KINDS = {"day": "D", "week": "W-SUN", "month": "M", "quarter": "Q", "year": "Y"}


class MonitoringError(ValueError):
    """A monitoring setting or input that cannot work: one line naming what is wrong and the fix."""


@dataclass(frozen=True, eq=False)
class Windows:
    """Every row's window, the windows in time order and which of them form the reference.

    ``row_window[i]`` is the index in ``labels`` of row ``i``'s window (-1 for a row without a time).
    ``sampled_from`` is empty for every row of the data; for a sample of them (:meth:`restricted`), the rows of
    each whole window, so a view says "n of N rows of the window".
    """

    kind: str
    labels: tuple[str, ...]  # oldest first
    row_window: np.ndarray  # (n_rows,) int
    reference: tuple[bool, ...]  # per label
    sampled_from: tuple[int, ...] = ()  # per label, the whole window's rows when these rows are a sample of them

    @property
    def is_sample(self) -> bool:
        return bool(self.sampled_from)

    def restricted(self, positions: np.ndarray) -> Windows:
        """The same windows (labels, reference) over the rows at ``positions`` only, in that order: a window the
        positions miss keeps its label with 0 rows. Restricting a sample again still counts the whole windows."""
        whole = self.sampled_from or tuple(self.counts().values())
        return replace(self, row_window=self.row_window[np.asarray(positions, dtype=np.int64)], sampled_from=whole)

    def year_before(self, label: str) -> str | None:
        """The label of the same window a year before ``label`` (2016-07 for 2017-07, 2016Q3 for 2017Q3, 2016-W28
        for 2017-W28), or None when the data has no such window: the seasonal baseline."""
        earlier = _year_before(label, self.kind)
        return earlier if earlier in self.labels else None

    def whole_counts(self) -> dict[str, int]:
        """Rows per whole window, oldest first: :meth:`counts` unless these rows are a sample."""
        return dict(zip(self.labels, self.sampled_from)) if self.sampled_from else self.counts()

    @property
    def reference_rows(self) -> np.ndarray:
        """Positions of the rows in the reference windows."""
        chosen = np.flatnonzero(np.asarray(self.reference))
        return np.flatnonzero(np.isin(self.row_window, chosen))

    def rows_of(self, label: str) -> np.ndarray:
        """Positions of the rows in the window named ``label``."""
        return np.flatnonzero(self.row_window == self.index(label))

    def index(self, label: str) -> int:
        try:
            return self.labels.index(label)
        except ValueError:
            raise MonitoringError(
                f"there is no window '{label}': the {self.kind}s run from {self.labels[0]} to {self.labels[-1]}"
            ) from None

    def counts(self) -> dict[str, int]:
        """Rows per window, oldest first."""
        found = np.bincount(self.row_window[self.row_window >= 0], minlength=len(self.labels))
        return {label: int(n) for label, n in zip(self.labels, found)}


def _year_before(label: str, kind: str) -> str | None:
    if kind == "week":
        year, _, week = label.partition("-W")
        return f"{int(year) - 1}-W{week}" if year.isdigit() and week.isdigit() else None
    try:
        period = pd.Period(label, freq=WINDOW_KINDS[kind])
    except (ValueError, KeyError):
        return None
    steps = {"day": 0, "month": 12, "quarter": 4, "year": 1}[kind]
    if kind == "day":  # the same date a year before (29 February: the 28th)
        earlier = period.start_time - pd.DateOffset(years=1)
        return label_of(pd.Period(earlier, freq="D"), kind)
    return label_of(period - steps, kind)


def label_of(period: pd.Period, kind: str) -> str:
    """The label a person writes for a window: ISO weeks as ``2017-W28``, other kinds as pandas prints them."""
    if kind == "week":
        year, week, _ = period.start_time.isocalendar()
        return f"{year}-W{week:02d}"
    return str(period)


def windows_of(times: pd.Series, kind: str, reference: str, minimum_rows: int = 1) -> Windows:
    """Split rows into ``kind`` windows and mark the ``reference`` range (``"2016-07..2016-12"`` or one window).

    Raises :class:`MonitoringError` for an unknown kind, a time column that does not parse, a reference
    outside the data or holding no rows, and a window with fewer than ``minimum_rows`` rows.
    """
    if kind not in WINDOW_KINDS:
        raise MonitoringError(f"window = '{kind}' is not a window; use one of {', '.join(WINDOW_KINDS)}")
    stamps = _parse_times(times)
    periods = stamps.dt.to_period(WINDOW_KINDS[kind])
    present = periods.dropna()
    if present.empty:
        raise MonitoringError(f"the time column '{times.name}' has no values; fill it or choose another column")
    ordered = sorted(set(present))
    labels = tuple(label_of(p, kind) for p in ordered)
    position = {p: i for i, p in enumerate(ordered)}
    row_window = np.array([-1 if pd.isna(p) else position[p] for p in periods], dtype=np.int64)
    first, last = _reference_range(reference, labels)
    chosen = tuple(first <= i <= last for i in range(len(labels)))
    windows = Windows(kind, labels, row_window, chosen)
    small = {label: n for label, n in windows.counts().items() if n < minimum_rows}
    if small:
        named = ", ".join(f"{label} ({n})" for label, n in list(small.items())[:3])
        raise MonitoringError(
            f"{len(small)} window(s) hold fewer than {minimum_rows} rows: {named}; choose a longer window "
            "or lower [monitoring] minimum_rows"
        )
    return windows


def _parse_times(times: pd.Series) -> pd.Series:
    if isinstance(times.dtype, pd.PeriodDtype):
        return times.dt.to_timestamp()
    if pd.api.types.is_datetime64_any_dtype(times):
        return times.dt.tz_localize(None) if getattr(times.dt, "tz", None) is not None else times
    parsed = pd.to_datetime(times, errors="coerce", format="mixed")
    unreadable = parsed.isna() & times.notna()
    if unreadable.any():
        example = str(times[unreadable].iloc[0])[:40]
        raise MonitoringError(
            f"the time column '{times.name}' has {int(unreadable.sum()):,} values that are not dates "
            f"(for example '{example}'); write them as ISO dates like 2017-07-14"
        )
    return parsed


def _reference_range(reference: str, labels: tuple[str, ...]) -> tuple[int, int]:
    """The first and last window index of ``reference`` ('a..b' or one label)."""
    ends = [part.strip() for part in reference.split("..")] if reference else []
    if len(ends) == 1:
        ends = ends * 2
    if len(ends) != 2 or not all(ends):
        raise MonitoringError(
            f"reference = '{reference}' is not a range of windows; write it like '{labels[0]}..{labels[-1]}'"
        )
    missing = [end for end in ends if end not in labels]
    if missing:
        raise MonitoringError(
            f"reference window '{missing[0]}' holds no rows; the windows run from {labels[0]} to {labels[-1]}"
        )
    first, last = labels.index(ends[0]), labels.index(ends[1])
    if first > last:
        raise MonitoringError(f"reference = '{reference}' ends before it starts; write the earlier window first")
    return first, last
