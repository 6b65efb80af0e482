"""The contribution heatmap by group stays readable from 2 to 30 groups and fades groups too small to trust."""

from __future__ import annotations

import numpy as np

from portal.fairness import JOIN, MIN_GROUP_ROWS, GroupExplanation
from portal.figures import group_contribution_heatmap
from portal.figures._fairness import FADED, TRANSPOSE_AT


def grouped(counts: list[int], features: int = 5) -> GroupExplanation:
    """A made-up explanation by group: group g's mean contribution of feature f is (g + 1) * (f - 2) / 100."""
    groups = tuple(f"age {g // 3}{JOIN}marital {g % 3}" for g in range(len(counts)))
    mean = np.outer(np.arange(1, len(counts) + 1), np.arange(features) - 2) / 100
    return GroupExplanation(
        model_name="m",
        attribute="age & marital",
        groups=groups,
        counts=np.asarray(counts),
        feature_names=tuple(f"f{i}" for i in range(features)),
        mean=mean,
        mean_abs=np.tile(np.arange(features)[::-1] + 1.0, (len(counts), 1)),  # f0 most used, f4 least
        mean_output=np.zeros(len(counts)),
        base_value=0.0,
        output_scale="log_odds",
        n_rows=int(sum(counts)),
    )


def test_eighteen_groups_lie_as_rows_one_line_each_and_the_figure_grows_with_them() -> None:
    counts = [100] * 16 + [2, 1]
    figure = group_contribution_heatmap(grouped(counts))
    big, faded = figure.data
    assert TRANSPOSE_AT < 18
    assert list(big.y) == list(faded.y) and len(big.y) == 18  # groups down the side
    assert all("<br>" not in label for label in big.y)  # one line per group: nothing to overprint
    assert big.y[0].startswith("age 0 &amp; marital 0 ") and "(n=100)" in big.y[0]
    assert list(big.x) == ["f0", "f1", "f2", "f3", "f4"]
    assert figure.layout.height >= 18 * 26
    assert np.asarray(big.z).shape == (18, 5)
    assert np.asarray(big.z)[3, 4] == (4 * 2) / 100  # group 3, feature 4: values follow their labels
    few = grouped([100] * 4)
    assert group_contribution_heatmap(few).layout.height < figure.layout.height


def test_groups_under_the_minimum_are_faded_blank_elsewhere_and_say_so() -> None:
    counts = [100] * 16 + [2, MIN_GROUP_ROWS - 1]
    figure = group_contribution_heatmap(grouped(counts))
    big, faded = figure.data
    assert big.opacity == 1.0 and faded.opacity == FADED
    big_z, faded_z = np.asarray(big.z, dtype=float), np.asarray(faded.z, dtype=float)
    assert np.isnan(big_z[16:]).all() and np.isfinite(big_z[:16]).all()
    assert np.isnan(faded_z[:16]).all() and np.isfinite(faded_z[16:]).all()
    assert "(n=2, few)" in big.y[16] and ", few" not in big.y[15]
    assert (np.asarray(faded.text)[:16] == "").all()  # blank cells carry no text
    assert f"faded: under {MIN_GROUP_ROWS} rows" in figure.layout.title.text


def test_a_few_groups_stay_columns_with_their_parts_on_lines_of_their_own() -> None:
    figure = group_contribution_heatmap(grouped([100, 50, 30]))
    (cells,) = figure.data  # no small group: one trace
    assert list(cells.y) == ["f0", "f1", "f2", "f3", "f4"]
    assert cells.x[0] == "age 0<br>marital 0<br><span style='font-size:10px'>(n=100)</span>"
    assert np.asarray(cells.z).shape == (5, 3)
    assert "faded" not in figure.layout.title.text
