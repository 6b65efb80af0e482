"""Rows explained alike: nearest rows in explanation space, each model scaled by its typical row's total."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from sklearn.neighbors import NearestNeighbors

from portal.analyses import similar_rows, typical_total
from portal.results import LOG_ODDS, PROBABILITY, Explanation, Provenance

FEATURES = ("a", "b")


def explanation(name: str, values, scale: str = PROBABILITY, ids=None, base: float = 0.3) -> Explanation:
    values = np.asarray(values, dtype=np.float64)
    n = len(values)
    base_values = np.full(n, base)
    return Explanation(
        name,
        FEATURES,
        np.asarray(ids if ids is not None else [f"r{i}" for i in range(n)]),
        values,
        base_values,
        base_values + values.sum(axis=1),
        scale,
        Provenance(name, "d", "tree_shap", True),
    )


def test_one_model_finds_the_rows_with_the_same_reasons_nearest_first() -> None:
    rf = explanation("RF", [[0.1, 0.0], [0.1, 0.01], [0.3, 0.0], [-0.1, 0.0], [0.1, 0.0]])
    found = similar_rows([rf], "r0", k=3)
    assert typical_total(rf) == pytest.approx(0.142)  # mean of 0.1, 0.11, 0.3, 0.1, 0.1
    assert found.row_ids.tolist() == ["r4", "r1", "r2"]  # identical first, never itself; r2 ties r3: data order
    assert np.allclose(found.distances, np.array([0.0, 0.01, 0.2]) / 0.142)
    assert np.allclose(found.outputs[:, 0], [0.4, 0.41, 0.6]) and found.row_outputs.tolist() == [0.4]
    assert found.rows_searched == 5 and found.output_scales == (PROBABILITY,)


def test_several_models_weigh_alike_whatever_their_scale_and_match_sklearn() -> None:
    rng = np.random.default_rng(0)
    rf = explanation("RF", rng.normal(size=(300, 2)) * 0.05)
    gb = explanation("GB", rng.normal(size=(300, 2)) * 2.0, scale=LOG_ODDS, base=-1.0)
    stacked = np.hstack([rf.values / typical_total(rf), gb.values / typical_total(gb)])
    distances, rows = NearestNeighbors(n_neighbors=6).fit(stacked).kneighbors(stacked[[17]])
    found = similar_rows([rf, gb], "r17", k=5)
    assert found.row_ids.tolist() == [f"r{i}" for i in rows[0, 1:]]
    assert np.allclose(found.distances, distances[0, 1:])
    assert found.output_scales == (PROBABILITY, PROBABILITY)  # log-odds shown as the probabilities they are
    assert np.allclose(found.outputs[:, 1], 1 / (1 + np.exp(-gb.outputs[rows[0, 1:]])))


def test_partly_computed_explanations_compare_the_rows_all_of_them_cover() -> None:
    rf = explanation("RF", [[0.1, 0.0], [0.2, 0.0], [0.12, 0.0], [0.5, 0.0]])
    partial = explanation("GB", [[0.1, 0.0], [0.13, 0.0], [0.4, 0.0]], ids=["r3", "r0", "r2"])
    found = similar_rows([rf, partial], "r0", k=5)
    assert found.rows_searched == 3 and found.row_ids.tolist() == ["r2", "r3"]  # r1: not explained by GB yet
    assert np.allclose(found.outputs[:, 1], [0.7, 0.4])


def test_mixed_scales_without_a_shared_one_keep_each_models_own() -> None:
    rf = explanation("RF", [[0.1, 0.0], [0.2, 0.0]])
    raw = replace(explanation("GB", [[1.0, 0.0], [2.0, 0.0]], base=0.0), output_scale="logit")
    assert similar_rows([rf, raw], "r0").output_scales == (PROBABILITY, "logit")


@pytest.mark.parametrize(
    ("row", "k", "message"),
    [("nope", 3, "row 'nope' is not in the explanations compared"), ("r0", 0, "k must be at least 1")],
)
def test_a_bad_request_is_named(row: str, k: int, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        similar_rows([explanation("RF", [[0.1, 0.0], [0.2, 0.0]])], row, k=k)
