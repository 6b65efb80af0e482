"""Adverse-action reasons rank the pushes toward decline, and the CSV holds exactly them, streamed."""

from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest

from portal.fairness import (
    COLUMNS,
    DecisionRule,
    Reason,
    declined_reason_frames,
    reasons_for_row,
    top_reasons,
    write_reasons_csv,
)
from portal.results import LOG_ODDS, PROBABILITY, Explanation, Provenance

PROVENANCE = Provenance("m", "d", "test", exact=True)
FEATURES = pd.DataFrame(
    {"income": [1200.0, 5400.0, 800.0], "debt": [900.0, 10.0, np.nan], "zip": ["Z1", "Z2", "Z3"], "age": [23, 51, 37]},
    index=["a", "b", "c"],
)


def explanation(values, outputs, name: str = "GB", scale: str = PROBABILITY, ids=("a", "b", "c")) -> Explanation:
    values = np.asarray(values, dtype=np.float64)
    outputs = np.asarray(outputs, dtype=np.float64)
    return Explanation(
        model_name=name,
        feature_names=("income", "debt", "zip", "age"),
        row_ids=np.asarray(ids),
        values=values,
        base_values=outputs - values.sum(axis=1),
        outputs=outputs,
        output_scale=scale,
        provenance=PROVENANCE,
    )


GB = explanation(
    [[-0.20, -0.05, 0.10, -0.30], [0.10, 0.02, 0.00, 0.05], [-0.01, 0.00, -0.02, 0.04]], outputs=[0.2, 0.9, 0.45]
)


def test_a_declined_row_gets_its_negative_contributions_most_negative_first_and_never_a_positive_one() -> None:
    rule = DecisionRule(threshold=0.5)
    reasons = reasons_for_row(GB, FEATURES, "a", rule, top_k=4)
    assert reasons == (
        Reason("a", "GB", 1, "age", 23, -0.30, PROBABILITY),
        Reason("a", "GB", 2, "income", 1200.0, -0.20, PROBABILITY),
        Reason("a", "GB", 3, "debt", 900.0, -0.05, PROBABILITY),
    )
    assert [r.feature for r in reasons_for_row(GB, FEATURES, "a", rule, top_k=2)] == ["age", "income"]
    assert [r.feature for r in reasons_for_row(GB, FEATURES, "c", rule)] == ["zip", "income"]  # debt's 0 is no reason


def test_only_rows_below_the_threshold_are_declined() -> None:
    frames = list(declined_reason_frames(GB, FEATURES, DecisionRule(threshold=0.5)))
    assert pd.concat(frames)["id"].unique().tolist() == ["a", "c"]
    scores = np.array([0.6, 0.9, 0.1])  # e.g. predict_proba, when the explanation is in log-odds
    frames = list(declined_reason_frames(GB, FEATURES, DecisionRule(threshold=0.5), scores=scores))
    assert pd.concat(frames)["id"].unique().tolist() == ["c"]


def test_when_the_score_is_of_the_decline_side_high_scores_decline_and_signs_flip_toward_approval() -> None:
    default = explanation(-GB.values, outputs=[0.8, 0.1, 0.55], name="PD", scale=LOG_ODDS)
    rule = DecisionRule(threshold=0.5, higher_approves=False)
    frame = pd.concat(declined_reason_frames(default, FEATURES, rule))
    assert frame["id"].unique().tolist() == ["a", "c"]
    first = frame[frame["id"] == "a"]
    assert first["feature"].tolist() == ["age", "income", "debt"]
    assert first["contribution"].tolist() == pytest.approx([-0.30, -0.20, -0.05])
    assert DecisionRule(0.5, higher_approves=False).declined(np.array([0.5])).tolist() == [True]
    assert DecisionRule(0.5).declined(np.array([0.5])).tolist() == [False]


def test_the_csv_holds_every_declined_rows_top_reasons_for_every_model() -> None:
    rf = explanation([[0.0, -0.4, 0.0, 0.1], [-0.3, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0]], [0.3, 0.35, 0.7], "RF")
    out = io.StringIO()
    written = write_reasons_csv(out, [GB, rf], FEATURES, DecisionRule(0.5), top_k=2)
    lines = list(csv.reader(io.StringIO(out.getvalue())))
    assert lines == [
        list(COLUMNS),
        ["a", "GB", "1", "age", "23", "-0.3", "probability"],
        ["a", "GB", "2", "income", "1200.0", "-0.2", "probability"],
        ["c", "GB", "1", "zip", "Z3", "-0.02", "probability"],
        ["c", "GB", "2", "income", "800.0", "-0.01", "probability"],
        ["a", "RF", "1", "debt", "900.0", "-0.4", "probability"],
        ["b", "RF", "1", "income", "5400.0", "-0.3", "probability"],
    ]
    assert written.declined == {"GB": 2, "RF": 2} and written.lines == 6


def test_missing_values_are_written_empty_and_paths_work(tmp_path) -> None:
    values = [[0.0, 0.0, 0.0, 0.0], [0.0, 0.0, 0.0, 0.0], [0.0, -0.5, 0.0, 0.0]]
    model = explanation(values, [0.9, 0.9, 0.1])
    path = tmp_path / "reasons.csv"
    write_reasons_csv(path, [model], FEATURES, DecisionRule(0.5))
    assert path.read_text().splitlines()[1] == "c,GB,1,debt,,-0.5,probability"


def test_100k_rows_stream_in_chunks_with_every_reason_accounted_for(tmp_path) -> None:
    rng = np.random.default_rng(0)
    n, k = 100_000, 12
    names = tuple(f"x{i}" for i in range(k))
    values = rng.normal(size=(n, k))
    outputs = rng.random(n)
    model = Explanation(
        "GB", names, np.arange(n).astype(str), values, outputs - values.sum(1), outputs, PROBABILITY, PROVENANCE
    )
    features = pd.DataFrame(rng.normal(size=(n, k)), columns=list(names))  # indexed 0..n-1, matched as text
    declined = outputs < 0.3
    frames = declined_reason_frames(model, features, DecisionRule(0.3), top_k=4, chunk_rows=25_000)
    with_reasons = [f["id"].nunique() for f in frames]  # a declined row with no negative contribution has no line
    assert len(with_reasons) == 2 and sum(with_reasons) == ((values[declined] < 0).any(axis=1)).sum()
    written = write_reasons_csv(tmp_path / "all.csv", [model], features, DecisionRule(0.3), top_k=4)
    expected = np.minimum((values[declined] < 0).sum(axis=1), 4).sum()
    assert written.declined == {"GB": int(declined.sum())} and written.lines == expected
    table = pd.read_csv(tmp_path / "all.csv")
    first = int(np.flatnonzero(declined)[0])
    mine = table[table["id"] == first]
    order = np.argsort(values[first])[: len(mine)]
    assert mine["feature"].tolist() == [names[j] for j in order]
    assert mine["value"].tolist() == pytest.approx(features.iloc[first, order].tolist())


def test_ties_keep_feature_order_and_top_reasons_masks_non_negatives() -> None:
    order, is_reason = top_reasons(np.array([[-1.0, 0.5, -1.0, 0.0]]), 3)
    assert order.tolist() == [[0, 2, 3]] and is_reason.tolist() == [[True, True, False]]


def test_user_errors_name_what_and_the_fix() -> None:
    with pytest.raises(ValueError, match="row\\(s\\) of 'GB' \\(first: 'c'\\) are not in the features' index"):
        list(declined_reason_frames(GB, FEATURES.iloc[:2], DecisionRule(0.5)))
    with pytest.raises(ValueError, match="lack the column\\(s\\) \\['zip'\\]"):
        list(declined_reason_frames(GB, FEATURES.drop(columns="zip"), DecisionRule(0.5)))
    with pytest.raises(ValueError, match="'GB' has 3 explained rows but 2 scores"):
        list(declined_reason_frames(GB, FEATURES, DecisionRule(0.5), scores=np.array([0.1, 0.2])))
    with pytest.raises(ValueError, match="no row 'z' in the explanation of 'GB'"):
        reasons_for_row(GB, FEATURES, "z", DecisionRule(0.5))


def test_formula_like_ids_models_features_and_values_are_written_as_text() -> None:
    link = '=HYPERLINK("http://x","y")'
    features = pd.DataFrame({"=cmd": [link, "ok"], "@age": [-1.5, 3.0]}, index=["=1+1", "b"])
    model = Explanation(
        model_name="+GB",
        feature_names=("=cmd", "@age"),
        row_ids=np.asarray(["=1+1", "b"]),
        values=np.asarray([[-0.2, -0.3], [0.1, 0.1]]),
        base_values=np.asarray([0.6, 0.6]),
        outputs=np.asarray([0.1, 0.8]),
        output_scale=PROBABILITY,
        provenance=PROVENANCE,
    )
    out = io.StringIO()
    write_reasons_csv(out, [model], features, DecisionRule(0.5))
    assert list(csv.reader(io.StringIO(out.getvalue())))[1:] == [
        ["'=1+1", "'+GB", "1", "'@age", "-1.5", "-0.3", "probability"],
        ["'=1+1", "'+GB", "2", "'=cmd", "'" + link, "-0.2", "probability"],
    ]
