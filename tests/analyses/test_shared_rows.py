"""Rows that several explanations share: the identity for explanations of the same rows, lookups for partial ones."""

from __future__ import annotations

import numpy as np
import pytest

from portal.results import PROBABILITY, Explanation, Provenance, RowIndex, same_row_ids, shared_rows


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
    assert shared_rows([partial, full])[0].tolist() == ["d", "b", "a"]
    found, positions = shared_rows([explanation(["c", "a", "b"]), explanation(["b", "c"])])
    assert found.tolist() == ["c", "b"] and [p.tolist() for p in positions] == [[0, 2], [1, 0]]


def test_a_row_index_skips_the_lookup_for_its_own_ids_and_looks_up_the_rest() -> None:
    index = RowIndex(explanation(np.array(["a", "b", "c"], dtype=object)).row_ids)
    assert index.positions(np.array(["a", "b", "c"])).tolist() == [0, 1, 2]
    assert index.positions(np.array(["c", "a"])).tolist() == [2, 0]
    assert index.find(["b", "z"]).tolist() == [1, -1]
    assert (index.position("c"), index.position("z"), index.position(3)) == (2, None, None)
    assert RowIndex([1, 2, 3]).position(2) == 1  # ids are text: 2 and "2" name the same row
    with pytest.raises(KeyError, match="z"):
        index.positions(np.array(["c", "z"]))


def test_ids_compare_as_strings_and_in_order() -> None:
    assert same_row_ids(np.array([1, 2], dtype=object), np.array(["1", "2"]))
    assert not same_row_ids(np.array(["a", "b"]), np.array(["b", "a"]))
    assert not same_row_ids(np.array(["a", "b"]), np.array(["a"]))
    with pytest.raises(ValueError, match="no explanations"):
        shared_rows([])
