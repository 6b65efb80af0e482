"""Interaction values of tree models, multi-class results, and preparations beyond one ColumnTransformer."""

from __future__ import annotations

import numpy as np
import pytest
from sklearn.compose import ColumnTransformer
from sklearn.decomposition import PCA
from sklearn.ensemble import RandomForestRegressor
from sklearn.impute import SimpleImputer
from sklearn.pipeline import Pipeline

from portal.explain import UnsupportedModelError, explainer_for, interaction_values
from portal.results import Explanation, Provenance
from tests.explain.test_explain_matrix import (  # noqa: F401 (one_thread is an autouse fixture)
    BACKGROUND,
    FRAME,
    ROWS,
    TARGETS,
    fitted,
    one_thread,
    preparation,
    shap,
    summed_by_name,
    task_of,
)

TREES = ("random_forest", "gradient_boosting", "hist_gradient_boosting", "xgboost", "lightgbm")


@pytest.mark.parametrize("task", ["binary", "multiclass", "regression"])
@pytest.mark.parametrize("family", TREES)
def test_interaction_values_add_up_to_the_shap_values_in_original_columns(family: str, task: str) -> None:
    model, rows = fitted(family, task, "pipeline"), ROWS["pipeline"]
    result = interaction_values(model, rows, task=task_of(task))
    native = explainer_for(model, task=task_of(task), background=BACKGROUND["pipeline"])
    batch = native.explain(rows)
    k = (3,) if task == "multiclass" else ()
    assert result.values.shape == (len(rows), 5, 5, *k) and result.feature_names == tuple(rows.columns)
    assert (result.output_scale, result.method, result.class_names) == (
        native.output_scale,
        native.method,
        native.class_names,
    )
    atol = 1e-6 * (max(1.0, np.abs(batch.outputs).max()) if family == "xgboost" else 1.0)
    np.testing.assert_allclose(result.shap_values(), batch.values, atol=atol, rtol=0)
    np.testing.assert_allclose(result.values, np.swapaxes(result.values, 1, 2), atol=atol, rtol=0)
    np.testing.assert_allclose(result.base_values + result.values.sum(axis=(1, 2)), result.outputs, atol=atol, rtol=0)
    if not (family == "gradient_boosting" and task == "multiclass"):  # shap refuses that one
        matrix = model[:-1].transform(rows)
        raw = np.asarray(shap.TreeExplainer(model[-1]).shap_interaction_values(matrix))
        raw = raw[..., 1] if raw.ndim == 4 and task == "binary" else raw
        by_row = summed_by_name(model, raw, list(rows.columns))  # first feature axis
        expected = np.swapaxes(summed_by_name(model, np.swapaxes(by_row, 1, 2), list(rows.columns)), 1, 2)
        np.testing.assert_allclose(result.values, expected, atol=atol, rtol=0)


def test_interaction_values_are_capped_and_only_for_trees() -> None:
    rows = ROWS["pipeline"]
    with pytest.raises(ValueError, match=r"interaction values for 7 rows are over the cap of 5; .*max_rows=\.\.\."):
        interaction_values(fitted("random_forest", "binary", "pipeline"), rows, task="classification", max_rows=5)
    with pytest.raises(UnsupportedModelError, match="need a tree model"):
        interaction_values(fitted("ebm", "binary", "pipeline"), rows, task="classification")


def multiclass_explanation() -> Explanation:
    model = fitted("random_forest", "multiclass", "numeric")
    batch = explainer_for(model, task="classification", background=BACKGROUND["numeric"]).explain(ROWS["numeric"])
    ids = np.array([str(i) for i in range(len(ROWS["numeric"]))])
    return Explanation(
        "forest", tuple(ROWS["numeric"].columns), ids, batch.values, batch.base_values, batch.outputs, "probability",
        Provenance("m", "d", "tree_shap_path_dependent", exact=True), class_names=batch.class_names,
    )  # fmt: skip


def test_a_multiclass_explanation_gives_one_class_at_a_time() -> None:
    explanation = multiclass_explanation()
    assert explanation.is_multiclass and explanation.class_names == ("0", "1", "2")
    assert explanation.mean_abs().shape == (5, 3)
    np.testing.assert_allclose(explanation.share_of_total().sum(axis=0), 1.0)
    one = explanation.for_class("2")
    assert not one.is_multiclass and one.explained_class == "2" and one.values.shape == (6, 5)
    np.testing.assert_array_equal(one.outputs, explanation.outputs[:, 2])
    assert one.row(0).output == pytest.approx(one.base_values[0] + one.values[0].sum())
    with pytest.raises(ValueError, match=r"is multi-class: pick one of \['0', '1', '2'\] with for_class\(\) first"):
        explanation.row(0)
    with pytest.raises(ValueError, match="no class 'nine'"):
        explanation.for_class("nine")


def test_a_pipeline_with_steps_after_the_column_transformer_is_summed_back_through_them() -> None:
    model, rows = fitted("gradient_boosting", "binary", "pipeline"), ROWS["pipeline"]
    assert [name for name, _ in model.steps] == ["prepare", "scale", "model"]
    values = explainer_for(model, task="classification", background=BACKGROUND["pipeline"]).explain(rows).values
    raw = shap.TreeExplainer(model[-1]).shap_values(model[:-1].transform(rows))
    np.testing.assert_allclose(values, summed_by_name(model, raw, list(rows.columns)), atol=1e-9, rtol=0)


def test_an_imputer_alone_before_the_model_is_a_preparation_too() -> None:
    numbers = FRAME["pipeline"][["height", "weight", "visits"]]
    model = Pipeline([("impute", SimpleImputer()), ("model", RandomForestRegressor(n_estimators=5, random_state=0))])
    model.fit(numbers, TARGETS["pipeline"]["regression"])
    batch = explainer_for(model, task="regression", background=numbers.iloc[:30]).explain(numbers.iloc[:20])
    raw = shap.TreeExplainer(model[-1]).shap_values(model[:-1].transform(numbers.iloc[:20]))
    np.testing.assert_allclose(batch.values, raw, atol=1e-9, rtol=0)


def test_a_step_mixing_columns_after_the_column_transformer_is_refused() -> None:
    prepare = preparation()[0][1]
    model = Pipeline(
        [("prepare", prepare), ("mix", PCA(n_components=3)), ("model", RandomForestRegressor(n_estimators=3))]
    )
    model.fit(FRAME["pipeline"], TARGETS["pipeline"]["regression"])
    with pytest.raises(UnsupportedModelError, match="step 'mix'.*mixes columns"):
        explainer_for(model, task="regression", background=BACKGROUND["pipeline"])


def test_mixing_columns_is_refused_whichever_transformer_does_it() -> None:
    prepare = ColumnTransformer([("pca", PCA(n_components=2), ["a", "b", "c"])], remainder="passthrough")
    model = Pipeline([("prepare", prepare), ("model", RandomForestRegressor(n_estimators=3))])
    model.fit(FRAME["numeric"], TARGETS["numeric"]["regression"])
    with pytest.raises(ValueError, match="mixes columns"):
        explainer_for(model, task="regression", background=BACKGROUND["numeric"])
