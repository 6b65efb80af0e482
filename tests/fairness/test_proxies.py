"""Proxy detection finds a planted proxy, and its association measures equal hand-computed values."""

from __future__ import annotations

import json
import math
import re

import numpy as np
import pandas as pd
import pytest
import shap
from sklearn.ensemble import GradientBoostingClassifier, RandomForestClassifier

from portal.fairness import _association as assoc
from portal.fairness._proxies import (
    LENGTHS,
    ONE_GROUP,
    _stratified_sample,
    associate,
    mean_abs_importance,
    proxy_tables,
    rank_proxies,
)


def planted(n: int = 2_000, seed: int = 0) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Loan-like rows: 'zip' encodes the age band (90 % of over-40s live in Z0-Z4), 'income' leans on it a
    little, 'noise' not at all; approval depends on all of them and on age itself."""
    rng = np.random.default_rng(seed)
    age = rng.uniform(20, 70, n)
    over_40 = age >= 40
    zip_old = rng.random(n) < np.where(over_40, 0.9, 0.1)
    zip_code = np.where(zip_old, rng.choice(["Z0", "Z1", "Z2", "Z3", "Z4"], n), rng.choice(["Z5", "Z6", "Z7"], n))
    income = rng.normal(size=n) + 0.5 * over_40
    noise = rng.normal(size=n)
    features = pd.DataFrame({"age": age, "zip": zip_code, "income": income, "noise": noise})
    approved = (2 * zip_old + income + noise + 0.02 * (age - 45) + rng.logistic(size=n) > 1).astype(int)
    return features, np.where(over_40, "40 and over", "under 40"), approved


def shap_importance(model, encoded: pd.DataFrame, y: np.ndarray) -> dict[str, float]:
    model.fit(encoded, y)
    values = shap.TreeExplainer(model).shap_values(encoded.iloc[:300])
    return mean_abs_importance(values[..., 1] if values.ndim == 3 else values, encoded.columns)


@pytest.fixture(scope="module")
def tables():
    features, band, approved = planted()
    association = associate(features, band, attribute="age_band", source="age")
    encoded = features.assign(zip=pd.factorize(features["zip"], sort=True)[0])
    importances = {
        "GB": shap_importance(GradientBoostingClassifier(n_estimators=60, random_state=0), encoded, approved),
        "RF": shap_importance(RandomForestClassifier(n_estimators=30, max_depth=5, random_state=0), encoded, approved),
        "no zip": shap_importance(
            GradientBoostingClassifier(n_estimators=60, random_state=0), encoded.drop(columns="zip"), approved
        ),
    }
    return association, proxy_tables(association, importances)


def test_the_planted_proxy_ranks_first_and_the_independent_feature_last_for_every_model_using_it(tables) -> None:
    _, by_model = tables
    for model in ("GB", "RF"):
        ranked = [row.feature for row in by_model[model].rows]
        assert ranked == ["zip", "income", "noise"], model
        zip_row = by_model[model].rows[0]
        assert zip_row.flagged and zip_row.auc_alone > 0.85 and zip_row.cramers_v > 0.7
        assert zip_row.risk == pytest.approx(zip_row.strength * zip_row.importance_share)
        assert zip_row.reason.startswith("age_band is predicted from 'zip' alone with AUC 0.")
        assert f"{model} gives 'zip' {zip_row.importance_share:.0%} of its attribution" in zip_row.reason
        assert by_model[model].rows[-1].strength < 0.1 and not by_model[model].rows[-1].flagged


def test_a_model_that_does_not_use_the_proxy_is_not_charged_with_it(tables) -> None:
    _, by_model = tables
    zip_row = next(row for row in by_model["no zip"].rows if row.feature == "zip")
    assert zip_row.importance_share == 0 and zip_row.risk == 0 and not zip_row.flagged
    assert zip_row.reason.endswith("but no zip does not use 'zip'")
    assert by_model["no zip"].rows[0].feature == "income"


def test_the_protected_attributes_own_source_is_reported_apart_not_as_a_proxy(tables) -> None:
    association, by_model = tables
    assert "age" not in [a.feature for a in association.features]
    (source,) = association.direct
    assert source.feature == "age" and source.auc_alone > 0.99
    (direct,) = by_model["GB"].direct
    assert direct.flagged and direct.importance_share > 0
    assert direct.reason.startswith("age_band is derived from 'age', which is a model input: GB gives it ")
    assert 0.85 < association.auc_all < 1.0  # all features but age: zip and income together


def test_records_are_json_ready_highest_risk_first_with_the_feature_and_its_scores(tables) -> None:
    _, by_model = tables
    records = by_model["RF"].to_records()
    assert [r["feature"] for r in records] == ["zip", "income", "noise"]
    assert [r["risk"] for r in records] == sorted((r["risk"] for r in records), reverse=True)
    assert records[0]["eta"] is None and records[1]["cramers_v"] is None
    assert set(records[0]) >= {"feature", "kind", "cramers_v", "eta", "mutual_information", "auc_alone", "risk"}
    whole = json.loads(json.dumps(by_model["RF"].to_dict(), allow_nan=False))
    assert (
        [r["feature"] for r in whole["direct"]] == ["age"] and whole["proxies"] == records and whole["n_rows"] == 2_000
    )


def test_cramers_v_equals_the_hand_computed_bias_corrected_value() -> None:
    # 2x2 table [[4, 1], [1, 4]], n = 10: chi2 = 3.6, phi2 = 0.36, corrected (0.36 - 1/9) / (1 - 1/9) = 0.28
    feature = np.array(["a"] * 5 + ["b"] * 5)
    groups = np.array(["g"] * 4 + ["h"] + ["g"] + ["h"] * 4)
    assert assoc.cramers_v(feature, groups) == pytest.approx(math.sqrt(0.28))
    assert assoc.cramers_v(groups, feature) == pytest.approx(math.sqrt(0.28))
    assert assoc.cramers_v(np.array(["a"] * 10), groups) == 0.0


def test_correlation_ratio_equals_the_hand_computed_value() -> None:
    # group means 2 and 8 around 5: between = 3*9 + 3*9 = 54; total = 16+9+4+4+9+16 = 58
    values = np.array([1.0, 2, 3, 7, 8, 9])
    groups = np.array(["g", "g", "g", "h", "h", "h"])
    assert assoc.correlation_ratio(values, groups) == pytest.approx(math.sqrt(54 / 58))
    assert assoc.correlation_ratio(np.ones(6), groups) == 0.0


def test_a_feature_that_is_the_groups_has_full_information_and_auc_one_with_three_groups() -> None:
    groups = np.repeat(["a", "b", "c"], 30)
    assert assoc.normalised_mutual_information(groups, groups, categorical=True, seed=0) == pytest.approx(1.0)
    frame = pd.DataFrame({"g": groups.astype(object)})
    assert assoc.predictive_auc(frame, groups, ["g"], seed=0) == pytest.approx(1.0)
    numeric = pd.DataFrame({"x": np.repeat([1.0, 5.0, 9.0], 30)})
    assert assoc.predictive_auc(numeric, groups, [], seed=0) == pytest.approx(1.0)
    assert assoc.single_feature_auc(groups, groups, categorical=True, seed=0) == pytest.approx(1.0)
    assert assoc.single_feature_auc(numeric["x"].to_numpy(), groups, categorical=False, seed=0) == pytest.approx(1.0)


def test_one_column_auc_sees_a_dependence_no_mean_difference_shows() -> None:
    # the middle group sits at both extremes: equal means (eta near 0), yet the column gives the group away
    rng = np.random.default_rng(1)
    groups = np.repeat(["edge", "middle"], 300)
    values = np.concatenate([rng.choice([-3.0, 3.0], 300) + rng.normal(0, 0.3, 300), rng.normal(0, 0.3, 300)])
    assert assoc.correlation_ratio(values, groups) < 0.1
    assert assoc.single_feature_auc(values, groups, categorical=False, seed=0) > 0.97
    noise = rng.normal(size=600)  # chance, give or take the spread of an out-of-sample AUC on 600 rows
    assert abs(assoc.single_feature_auc(noise, groups, categorical=False, seed=0) - 0.5) < 0.1


def test_rows_are_capped_by_a_seeded_stratified_sample() -> None:
    features, band, _ = planted(n=1_500)
    first = associate(features, band, attribute="age_band", max_rows=400, seed=3)
    again = associate(features, band, attribute="age_band", max_rows=400, seed=3)
    assert first == again
    assert first.sample_of == 1_500 and abs(first.n_rows - 400) <= 2
    assert first.direct == () and [a.feature for a in first.features] == ["age", "zip", "income", "noise"]
    groups = np.array(["a"] * 900 + ["b"] * 95 + ["c"] * 5)
    picked = groups[_stratified_sample(groups, 100, seed=0)]
    assert [(picked == g).sum() for g in "abc"] == [90, 10, 5]  # shares kept, small groups topped up to 10


def test_missing_values_and_groups_too_small_to_cross_validate_are_handled() -> None:
    features, band, _ = planted(n=400)
    features.loc[:40, "zip"] = None
    features.loc[:40, "income"] = np.nan
    labels = pd.Series(band, dtype=object)
    labels[50:60] = None
    labels[60:69] = "unknown"  # 9 rows: too few to score
    labels[70:80] = "other"  # 10 rows: just enough, and the third group makes the AUCs macro one-vs-rest
    association = associate(features, labels, attribute="age_band")
    assert association.sample_of == 381 and association.too_small == ("unknown",)
    assert association.groups == ("40 and over", "other", "under 40")
    assert all(math.isfinite(a.auc_alone) for a in association.features)


def test_every_source_column_of_an_intersection_that_is_an_input_is_direct_and_others_are_ignored() -> None:
    features, band, _ = planted(n=300)
    labels = np.char.add(band.astype(str), np.where(features["zip"] < "Z3", " & near", " & far"))
    association = associate(features, labels, attribute="age & zip", source=("age", "zip", "marital"))
    assert [a.feature for a in association.direct] == ["age", "zip"]  # marital is protected but not an input
    assert [a.feature for a in association.features] == ["income", "noise"]
    assert len(association.groups) == 3 and association.too_small == ("under 40 & near",)  # 7 rows: few young near


def test_user_errors_name_what_and_the_fix() -> None:
    features, band, _ = planted(n=100)
    with pytest.raises(ValueError, match=LENGTHS.format(labels=99, rows=100)):
        associate(features, band[:99], attribute="age_band")
    message = ONE_GROUP.format(attribute="age_band", n=1, least=10, groups=["all"])
    with pytest.raises(ValueError, match=re.escape(message)):
        associate(features, np.array(["all"] * 100), attribute="age_band")


def test_importance_is_made_a_share_and_ties_break_by_strength() -> None:
    features, band, _ = planted(n=600)
    association = associate(features, band, attribute="age_band", source="age")
    table = rank_proxies(association, "M", {"income": 3.0, "age": 1.0})
    assert {r.feature: r.importance_share for r in table.rows} == {"zip": 0.0, "income": 0.75, "noise": 0.0}
    assert [r.feature for r in table.rows] == ["income", "zip", "noise"]  # zip and noise tie at 0: zip is stronger
    (direct,) = table.direct
    assert direct.importance_share == 0.25 and direct.flagged
    assert direct.reason.endswith("M gives it 25% of its attribution")
