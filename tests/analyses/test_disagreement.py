"""Rows where models disagree: spread of predictions, differing top reasons, sign conflicts."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from portal.analyses import disagreement_rows
from portal.results import LOG_ODDS, PROBABILITY, RAW, Explanation, Provenance

FEATURES = ("tenure", "contract", "charges", "gender")


def explanation(name: str, values, ids=("a", "b", "c"), scale: str = PROBABILITY, base: float = 0.3) -> Explanation:
    values = np.asarray(values, dtype=np.float64)
    base_values = np.full(len(values), base)
    return Explanation(
        model_name=name,
        feature_names=FEATURES,
        row_ids=np.asarray(ids),
        values=values,
        base_values=base_values,
        outputs=base_values + values.sum(axis=1),
        output_scale=scale,
        provenance=Provenance("m", "d", "tree_shap", True),
    )


RF = explanation("RF", [[0.2, 0.1, 0.0, 0.0], [0.1, 0.0, 0.0, 0.0], [-0.1, 0.05, 0.0, 0.0]])
GB = explanation("GB", [[0.2, 0.1, 0.0, 0.01], [0.0, 0.3, 0.0, 0.0], [0.1, -0.05, 0.0, 0.0]])


def test_rows_rank_by_prediction_spread_with_each_models_output_and_top_reason() -> None:
    table = disagreement_rows([RF, GB], by="prediction")
    # outputs: a 0.6 / 0.61, b 0.4 / 0.6, c 0.25 / 0.35
    assert table.row_ids.tolist() == ["b", "c", "a"]
    assert table.prediction_spread == pytest.approx([0.2, 0.1, 0.01])
    assert table.outputs[0] == pytest.approx([0.4, 0.6])
    assert table.top_features[0].tolist() == ["tenure", "contract"]
    assert table.top_reasons_differ.tolist() == [True, False, False]
    assert table.sign_conflicts.tolist() == [0, 2, 0]  # row c: tenure and contract flip sign
    assert table.rows_compared == 3
    assert table.records()[0] == {
        "row": "b",
        "spread": pytest.approx(0.2),
        "RF: output": pytest.approx(0.4),
        "RF: top reason": "tenure",
        "GB: output": pytest.approx(0.6),
        "GB: top reason": "contract",
        "top reasons differ": True,
        "sign conflicts": 0,
    }


def test_by_reasons_puts_differing_top_reasons_then_sign_conflicts_first() -> None:
    table = disagreement_rows([RF, GB], by="reasons", top=2)
    assert table.row_ids.tolist() == ["b", "c"]


def test_only_rows_every_model_explained_are_compared_in_the_first_models_order() -> None:
    partial = explanation("GB", [[0.0, 0.3, 0.0, 0.0], [0.2, 0.1, 0.0, 0.01]], ids=("b", "a"))
    table = disagreement_rows([RF, partial])
    assert table.rows_compared == 2 and sorted(table.row_ids.tolist()) == ["a", "b"]
    assert table.outputs[table.row_ids.tolist().index("b")] == pytest.approx([0.4, 0.6])


def test_log_odds_outputs_are_compared_as_the_probabilities_they_are() -> None:
    log_odds = explanation("GB", GB.values, scale=LOG_ODDS, base=0.0)  # outputs 0.31, 0.3, 0.05 in log-odds
    table = disagreement_rows([RF, log_odds])
    assert table.output_scale == PROBABILITY
    sigmoid = 1 / (1 + np.exp(-np.array([0.31, 0.3, 0.05])))
    outputs = dict(zip(table.row_ids, table.outputs[:, 1]))
    assert [outputs[r] for r in "abc"] == pytest.approx(sigmoid)


def test_mixed_scales_multiclass_and_single_models_are_refused_with_the_reason() -> None:
    units = explanation("GB", GB.values, scale=RAW)
    with pytest.raises(ValueError, match="'RF' is in probability and 'GB' in raw: compare them in the common"):
        disagreement_rows([RF, units])
    with pytest.raises(ValueError, match="at least two models"):
        disagreement_rows([RF])
    with pytest.raises(ValueError, match="by must be one of"):
        disagreement_rows([RF, GB], by="vibes")


def _reference_conflicts(values: np.ndarray) -> list[int]:
    """Row by row, as read: the union of each model's three biggest |contributions| (np.argsort's order for ties),
    counting those whose sign differs between two models. ``values`` is (n, m, f)."""
    counts = []
    for row in values:
        top = {int(j) for model in row for j in np.argsort(-np.abs(model))[:3]}
        counts.append(sum(1 for j in top if row[:, j].max() > 0 and row[:, j].min() < 0))
    return counts


def test_sign_conflicts_and_reasons_match_a_row_by_row_reading_with_ties_and_both_orderings() -> None:
    rng = np.random.default_rng(6)
    values = np.round(rng.normal(size=(400, 3, 8)), 0) * (rng.random((400, 3, 8)) < 0.6)  # many ties, many zeros
    ids, names = tuple(f"r{i}" for i in range(400)), tuple(f"x{j}" for j in range(8))
    models = [replace(explanation(f"M{m}", values[:, m], ids=ids), feature_names=names) for m in range(3)]
    by_reasons = disagreement_rows(models, by="reasons", top=400)
    at = [int(r[1:]) for r in by_reasons.row_ids]
    assert by_reasons.sign_conflicts.tolist() == [_reference_conflicts(values)[i] for i in at]
    biggest = np.abs(values).argmax(axis=2)
    assert by_reasons.top_features.tolist() == [[names[j] for j in biggest[i]] for i in at]
    by_prediction = disagreement_rows(models, by="prediction", top=25)  # reasons of the shown rows only
    reasons = {r: (c, d) for r, c, d in zip(at, by_reasons.sign_conflicts, by_reasons.top_reasons_differ)}
    shown = [int(r[1:]) for r in by_prediction.row_ids]
    assert list(zip(by_prediction.sign_conflicts, by_prediction.top_reasons_differ)) == [reasons[i] for i in shown]
    assert by_prediction.prediction_spread.tolist() == sorted(by_reasons.prediction_spread, reverse=True)[:25]
