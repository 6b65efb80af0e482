"""The stacked force plot of /global, read back from its traces: every column's pushes sum to its prediction minus
its base value, red below the line and blue above it, the orders it offers, and a payload under 1 MB at 1,000 rows."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from plotly.io.json import to_json_plotly

from portal import figures
from portal.analyses import BY_PREDICTION, BY_SIMILARITY, similarity_order
from portal.figures._stacked_force import DOWN, LINE, UP
from tests.fakes import FakeServices


@pytest.fixture(scope="module")
def services() -> FakeServices:
    return FakeServices(n_rows=2_500)


@pytest.fixture(scope="module")
def explanation(services):
    return services.explanation(services.model_names[0])


def _drawn(explanation, services, by=BY_SIMILARITY, **kwargs):
    rows = figures.stacked_order(explanation, by, features=services.feature_values())
    return rows, figures.stacked_force(explanation, rows, by=by, features=services.feature_values(), **kwargs)


def _pushes(fig) -> dict[str, np.ndarray]:
    """Each side's pushes per column (rows x layers), read as each layer's edge less the edge below it."""
    edges = [t for t in fig.data if t.meta and t.meta["side"] != LINE]
    found = {UP: [], DOWN: []}
    for below, layer in zip(edges, edges[1:]):
        found[layer.meta["side"]].append(np.asarray(layer.y) - np.asarray(below.y))
    return {side: np.column_stack(p) for side, p in found.items()}


def _line(fig):
    return next(t for t in fig.data if t.meta and t.meta["side"] == LINE)


def test_every_column_pushes_sum_to_prediction_minus_base_value(services, explanation) -> None:
    rows, fig = _drawn(explanation, services, max_features=5)
    pushes = _pushes(fig)
    expected = explanation.outputs[rows] - explanation.base_values[rows]
    np.testing.assert_allclose(pushes[UP].sum(axis=1) - pushes[DOWN].sum(axis=1), expected, rtol=0, atol=1e-9)
    assert (pushes[UP] >= -1e-12).all() and (pushes[DOWN] >= -1e-12).all()  # each side pushes one way
    red_top = next(t for t in reversed(fig.data) if t.meta and t.meta["side"] == UP)
    np.testing.assert_allclose(red_top.y, _line(fig).y, atol=1e-12)  # the red stack ends at the prediction
    np.testing.assert_allclose(_line(fig).y, explanation.outputs[rows], atol=0)


def test_at_most_the_top_features_and_other_per_side(services, explanation) -> None:
    _, fig = _drawn(explanation, services, max_features=3)
    layers = [t for t in fig.data if t.meta and t.meta["side"] in (UP, DOWN)]
    assert len(layers) == 2 * (3 + 1)
    top = [explanation.feature_names[i] for i in np.argsort(-np.abs(explanation.values).mean(axis=0))[:3]]
    assert [t.meta["feature"] for t in layers if t.meta["side"] == DOWN][:3] == top  # most important by the line


def test_ordered_by_prediction_is_monotone(services, explanation) -> None:
    rows, fig = _drawn(explanation, services, BY_PREDICTION)
    assert (np.diff(np.asarray(_line(fig).y)) >= 0).all()
    assert "by prediction" in fig.layout.xaxis.title.text


def test_ordered_by_a_feature_follows_its_values(services, explanation) -> None:
    rows, fig = _drawn(explanation, services, "tenure")
    values = services.feature_values()["tenure"].reindex(fig.layout.meta["rows"]).to_numpy(dtype=float)
    assert (np.diff(values) >= 0).all()


def test_similarity_order_is_a_permutation_of_the_sample(services, explanation) -> None:
    rows, fig = _drawn(explanation, services)
    assert len(rows) == figures.STACKED_SAMPLE < explanation.n_rows
    assert sorted(rows) == sorted(set(rows))
    ids = list(_line(fig).customdata[:, 0])
    assert ids == list(explanation.row_ids[rows].astype(str)) and len(set(ids)) == len(ids)
    order = similarity_order(explanation.values[np.sort(rows)])
    assert sorted(order.tolist()) == list(range(len(rows)))


def test_similar_rows_sit_closer_than_in_data_order(explanation) -> None:
    values = explanation.values[:400]
    order = similarity_order(values)
    step = lambda v: np.linalg.norm(np.diff(v, axis=0), axis=1).mean()  # noqa: E731
    assert step(values[order]) < 0.8 * step(values)


def test_hover_names_the_row_and_its_top_reasons(services, explanation) -> None:
    rows, fig = _drawn(explanation, services)
    row, _, reasons, shown = _line(fig).customdata[0]
    assert row == shown == str(explanation.row_ids[rows[0]])  # a click reads [0]; the hover shows [3], escaped
    biggest = explanation.feature_names[int(np.argmax(np.abs(explanation.values[rows[0]])))]
    assert reasons.split("<br>")[0].split(" ", 1)[1].startswith(biggest)
    assert len(reasons.split("<br>")) == 3 and "row %{customdata[3]}" in _line(fig).hovertemplate


def test_payload_under_a_megabyte_at_a_thousand_rows(services, explanation) -> None:
    _, fig = _drawn(explanation, services)
    assert len(_line(fig).y) == 1_000
    assert len(to_json_plotly(fig)) < 1_000_000


def test_says_n_of_N_and_marks_a_constant_base_value(services, explanation) -> None:
    _, fig = _drawn(explanation, services, titled=False)
    assert f"1,000 of {explanation.n_rows:,} rows (seeded sample)" in fig.layout.title.text
    assert any("base value" in a.text for a in fig.layout.annotations)


def test_a_second_model_follows_the_first_models_rows(services, explanation) -> None:
    other = services.explanation(services.model_names[1])
    rows = figures.stacked_order(explanation, BY_SIMILARITY)
    fig = figures.stacked_force(other, rows, ordered_by=explanation.model_name)
    assert list(_line(fig).customdata[:, 0]) == list(explanation.row_ids[rows].astype(str))
    assert f"(as {explanation.model_name})" in fig.layout.xaxis.title.text


def test_few_rows_and_no_rows_draw(services, explanation) -> None:
    two = replace(explanation, values=explanation.values[:2], base_values=explanation.base_values[:2])
    two = replace(two, outputs=explanation.outputs[:2], row_ids=explanation.row_ids[:2])
    rows = figures.stacked_order(two)
    assert sorted(rows.tolist()) == [0, 1]
    assert figures.stacked_force(two, rows[:0]).data
