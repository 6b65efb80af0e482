"""The row order of a job: every prefix a seeded sample, stratified by class or target quantile."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from portal.data import WRONG_LENGTH, order_beside, read_order, strata_of, stratified_order


def worst_share_gap(strata: np.ndarray, order: np.ndarray) -> float:
    """The largest |count of a stratum in a prefix - its share of that prefix|, over every prefix."""
    labels = np.unique(strata)
    counts = (strata[order][:, None] == labels[None, :]).cumsum(axis=0)
    shares = np.arange(1, len(order) + 1)[:, None] * (strata[:, None] == labels[None, :]).mean(axis=0)
    return float(np.abs(counts - shares).max())


def test_every_prefix_holds_each_class_in_proportion_within_one_row() -> None:
    y = np.repeat([0, 1, 2], [900, 90, 10])
    np.random.default_rng(5).shuffle(y)
    order = stratified_order(strata_of(y, "classification"), seed=0)
    np.testing.assert_array_equal(np.sort(order), np.arange(len(y)))
    assert worst_share_gap(y, order) < 1
    first = np.bincount(y[order[:100]], minlength=3)  # a first chunk of 100 rows
    np.testing.assert_array_equal(first, [90, 9, 1])  # the rare class is in it
    random_first = np.bincount(y[np.random.default_rng(0).permutation(len(y))[:100]], minlength=3)
    assert tuple(random_first) != (90, 9, 1)  # what a plain random order gives instead


def test_many_uneven_strata_stay_within_one_row_in_every_prefix() -> None:
    rng = np.random.default_rng(2)
    for _ in range(20):
        strata = rng.integers(0, rng.integers(2, 11), size=int(rng.integers(50, 600)))
        assert worst_share_gap(strata, stratified_order(strata, seed=1)) < 1


def test_regression_strata_are_equal_count_quantile_bins() -> None:
    y = np.random.default_rng(3).lognormal(size=1_000)
    strata = strata_of(y, "regression")
    np.testing.assert_array_equal(np.bincount(strata), [100] * 10)
    assert y[strata == 9].min() > y[strata == 8].max()  # the bins follow the target
    order = stratified_order(strata, seed=0)
    np.testing.assert_array_equal(np.bincount(strata[order[:50]], minlength=10), [5] * 10)


def test_the_same_seed_gives_the_same_order_and_another_seed_another() -> None:
    strata = strata_of(np.random.default_rng(4).integers(0, 3, 500), "classification")
    np.testing.assert_array_equal(stratified_order(strata, seed=7), stratified_order(strata, seed=7))
    assert not np.array_equal(stratified_order(strata, seed=7), stratified_order(strata, seed=8))


def test_the_order_is_written_once_beside_its_frame_and_must_fit_the_job(tmp_path: Path) -> None:
    y = np.repeat([0, 1], [30, 10])
    path = order_beside(tmp_path / "abc.parquet", y, "classification", seed=0)
    assert path.name == "abc-order-stratified-1-seed-0.npy"
    written = path.stat().st_mtime_ns
    assert order_beside(tmp_path / "abc.parquet", y, "classification", seed=0).stat().st_mtime_ns == written
    np.testing.assert_array_equal(read_order(str(path), 40), stratified_order(y, seed=0))
    with pytest.raises(ValueError, match="has 40 rows but the job has 39"):
        read_order(str(path), 39)
    assert "give the job its own order" in WRONG_LENGTH
