"""Agreement between models' importances, checked by hand and against scipy's own rank correlations."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import kendalltau, spearmanr

from portal.analyses import agreement, biggest_rank_differences, importance_ranks

FEATURES = ("tenure", "contract", "charges", "gender")
RF = np.array([0.5, 0.3, 0.1, 0.05])
GB = np.array([0.4, 0.1, 0.35, 0.0])


def test_rank_correlations_and_overlap_match_hand_worked_values() -> None:
    matrix = agreement({"RF": RF, "GB": GB}, FEATURES, k=2)
    # ranks 1,2,3,4 against 1,3,2,4: rho = 1 - 6 * 2 / (4 * 15); one discordant pair of six: tau = 4 / 6
    assert matrix.spearman[0, 1] == pytest.approx(0.8)
    assert matrix.kendall[0, 1] == pytest.approx(2 / 3)
    assert matrix.top_k_overlap[0, 1] == 0.5  # {tenure, contract} against {tenure, charges}
    assert np.array_equal(np.diag(matrix.spearman), np.ones(2))
    assert matrix.spearman[1, 0] == matrix.spearman[0, 1]


def test_every_pair_equals_scipy_on_random_importances() -> None:
    rng = np.random.default_rng(7)
    importances = {name: rng.random(12) for name in ("A", "B", "C")}
    importances["C"][3] = importances["C"][4]  # a tie, which tau-b must handle
    names = tuple(f"f{i}" for i in range(12))
    matrix = agreement(importances, names, k=4)
    assert len(matrix.pairs()) == 3
    for pair in matrix.pairs():
        a, b = importances[pair.model_a], importances[pair.model_b]
        assert pair.spearman == pytest.approx(spearmanr(a, b).statistic, abs=1e-12)
        assert pair.kendall == pytest.approx(kendalltau(a, b).statistic, abs=1e-12)
        top_a, top_b = set(np.argsort(-a)[:4]), set(np.argsort(-b)[:4])
        assert pair.top_k_overlap == len(top_a & top_b) / 4


def test_identical_and_reversed_rankings_are_the_extremes() -> None:
    matrix = agreement({"A": RF, "B": RF * 10, "C": RF[::-1].copy()}, FEATURES, k=2)
    assert matrix.spearman[0, 1] == pytest.approx(1.0) and matrix.kendall[0, 1] == pytest.approx(1.0)
    assert matrix.top_k_overlap[0, 1] == 1.0  # a different scale, the same ranking
    assert matrix.spearman[0, 2] == pytest.approx(-1.0) and matrix.top_k_overlap[0, 2] == 0.0


def test_a_model_that_ranks_nothing_has_undefined_correlation_and_k_is_clipped() -> None:
    matrix = agreement({"A": RF, "flat": np.zeros(4)}, FEATURES, k=99)
    assert np.isnan(matrix.spearman[0, 1]) and np.isnan(matrix.kendall[0, 1])
    assert matrix.k == 4 and matrix.top_k_overlap[0, 1] == 1.0


def test_a_vector_of_the_wrong_length_names_the_model() -> None:
    with pytest.raises(ValueError, match="importance of 'GB' has shape"):
        agreement({"RF": RF, "GB": GB[:3]}, FEATURES)


def test_ranks_are_one_for_the_most_important_and_stable_on_ties() -> None:
    assert importance_ranks(np.array([0.1, 0.5, 0.1, 0.3])).tolist() == [3, 1, 4, 2]


def test_biggest_rank_differences_come_first_and_ties_go_to_the_more_important() -> None:
    differences = biggest_rank_differences({"RF": RF, "GB": GB}, FEATURES, top=3)
    # RF ranks 1,2,3,4; GB ranks 1,3,2,4: contract and charges each move by one, contract is better ranked
    assert [d.feature for d in differences] == ["contract", "charges", "tenure"]
    assert differences[0].ranks == {"RF": 2, "GB": 3} and differences[0].spread == 1
    assert differences[2].spread == 0
