"""Rows that several explanations share: the identity for explanations of the same rows, lookups for partial ones."""

from __future__ import annotations

import numpy as np
import pytest

from portal.results import PROBABILITY, Explanation, Provenance, row_positions, rows_in_all, same_row_ids, shared_rows


def explanation(ids) -> Explanation:
    values = np.arange(len(ids) * 2, dtype=np.float64).reshape(-1, 2)
    return Explanation(
        model_name="m",
        feature_names=("x", "y"),
        row_ids=np.asarray(ids),
        values=values,
        base_values=np.zeros(len(ids)),
        outputs=values.sum(axis=1),
        output_scale=PROBABILITY,
        provenance=Provenance("m", "d", "fake", True),
    )


def test_explanations_of_the_same_rows_share_them_in_order_by_identity() -> None:
    ids = np.array(["b", "a", "c"], dtype=object)
    found, positions = shared_rows([explanation(ids), explanation(ids.astype(str)), explanation(ids.copy())])
    assert found.tolist() == ["b", "a", "c"] and found.dtype.kind == "U"
    assert [p.tolist() for p in positions] == [[0, 1, 2]] * 3


def test_partial_explanations_share_the_rows_all_of_them_cover_in_the_first_ones_order() -> None:
    full, partial = explanation(["a", "b", "c", "d"]), explanation(["d", "b", "a"])
    found, positions = shared_rows([full, partial])
    assert found.tolist() == ["a", "b", "d"]
    assert [p.tolist() for p in positions] == [[0, 1, 3], [2, 1, 0]]
    assert rows_in_all([partial, full]).tolist() == ["d", "b", "a"]


def test_row_positions_skip_the_lookup_for_the_explanations_own_ids_and_look_up_the_rest() -> None:
    e = explanation(np.array(["a", "b", "c"], dtype=object))
    assert row_positions(e, np.array(["a", "b", "c"])).tolist() == [0, 1, 2]
    assert row_positions(e, np.array(["c", "a"])).tolist() == [2, 0]
    with pytest.raises(KeyError):
        row_positions(e, np.array(["z"]))


def test_ids_compare_as_strings_and_in_order() -> None:
    assert same_row_ids(np.array([1, 2], dtype=object), np.array(["1", "2"]))
    assert not same_row_ids(np.array(["a", "b"]), np.array(["b", "a"]))
    assert not same_row_ids(np.array(["a", "b"]), np.array(["a"]))
    with pytest.raises(ValueError, match="no explanations"):
        shared_rows([])
