"""Interaction values on demand: figures from known values, the project's cached service, the page's callback."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import numpy as np
import pytest
from diskcache.core import MODE_PICKLE

from callbacks import interactions as page
from layouts import ids
from portal.config import load_config
from portal.explain import MAX_INTERACTION_ROWS, interaction_values
from portal.figures import interaction_caption, interaction_heatmap, interaction_strength, top_interaction_pairs
from portal.jobs import JobRunner, ResultStore, cache_info
from portal.project import SAMPLE_SIZES, Project, sample_positions, sample_sizes
from portal.results import LOG_ODDS, InteractionValues, ModelInteractions, Provenance
from tests.fakes import FakeServices
from tests.projects import two_models
from tests.reports.test_export import synthetic_table
from tests.web.test_callbacks import of_class, walk

# Two rows, three features. Pair (a, b): |0.1+0.1| and |-0.3-0.3| -> mean 0.4; (a, c): |0.05+0.05|, |0.05+0.05|
# -> 0.1; (b, c): 0 and |0.2+0.2| -> 0.2. The diagonal holds main effects, which the views leave out.
KNOWN = np.array(
    [
        [[1.0, 0.1, 0.05], [0.1, -2.0, 0.0], [0.05, 0.0, 0.5]],
        [[0.3, -0.3, 0.05], [-0.3, 0.7, 0.2], [0.05, 0.2, -0.1]],
    ]
)


def known(values: np.ndarray = KNOWN, classes: tuple[str, ...] = ()) -> ModelInteractions:
    base = np.zeros(values.shape[:1] + values.shape[3:])
    result = InteractionValues(("a", "b", "c"), values, base, base + values.sum(axis=(1, 2)), LOG_ODDS, "m", classes)
    provenance = Provenance("model", "data", "m", True)
    return ModelInteractions("Booster", np.array(["r1", "r2"]), 7_043, result, provenance)


def test_strength_is_the_mean_absolute_pair_interaction_with_a_blank_diagonal() -> None:
    strength = interaction_strength(known())
    expected = np.array([[np.nan, 0.4, 0.1], [0.4, np.nan, 0.2], [0.1, 0.2, np.nan]])
    np.testing.assert_allclose(strength, expected, rtol=0, atol=1e-12)
    pairs = top_interaction_pairs(known(), k=2)
    assert [(p.first, p.second) for p in pairs] == [("a", "b"), ("b", "c")]
    assert pairs[0].mean_abs == pytest.approx(0.4) and pairs[1].share == pytest.approx(0.2 / 0.7)


def test_the_heatmap_ranks_features_by_interaction_and_names_scale_method_and_rows() -> None:
    figure = interaction_heatmap(known())
    heatmap = figure.data[0]
    assert list(heatmap.x) == ["b", "a", "c"]  # row sums of interaction: b 0.6, a 0.5, c 0.3
    assert heatmap.z[0][1] == pytest.approx(0.4) and np.isnan(heatmap.z[0][0])
    assert (heatmap.zmin, heatmap.zmax) == (0, pytest.approx(0.4))
    subtitle = figure.layout.title.subtitle.text
    assert subtitle == interaction_caption(known())
    assert subtitle.startswith("log-odds · exact: SHAP interaction values (path-dependent TreeSHAP) · ")
    assert figure.data[0].colorbar.title.text == "mean |interaction|<br>(log-odds)"
    assert "2 of 7,043 rows (seeded sample)" in subtitle and "Booster" in figure.layout.title.text


def test_multiclass_views_take_one_class_or_the_average_over_classes() -> None:
    both = known(np.stack([KNOWN, 2 * KNOWN], axis=-1), classes=("low", "high"))
    np.testing.assert_allclose(interaction_strength(both, "high")[0, 1], 0.8)
    np.testing.assert_allclose(interaction_strength(both)[0, 1], 0.6)
    assert "averaged over 2 classes" in interaction_caption(both)
    assert "class: high" in interaction_caption(both, "high")
    with pytest.raises(ValueError, match="no class 'mid'"):
        interaction_strength(both, "mid")


def test_no_interaction_at_all_says_so() -> None:
    diagonal = np.zeros_like(KNOWN)
    diagonal[:, 0, 0] = 1.0
    assert "No two features interact" in interaction_heatmap(known(diagonal)).layout.annotations[0].text


def test_samples_are_seeded_and_a_smaller_one_is_part_of_a_bigger_one() -> None:
    small, big = sample_positions(1_000, 50, seed=3), sample_positions(1_000, 200, seed=3)
    assert np.array_equal(small, big[:50]) and np.unique(big).size == 200
    assert not np.array_equal(small, sample_positions(1_000, 50, seed=4))
    assert sample_sizes(300) == (50, 100, 200, 300) and sample_sizes(7_043) == (50, 100, 200, 500, 1_000)
    assert SAMPLE_SIZES[-1] == MAX_INTERACTION_ROWS  # the page never offers what the engine refuses


# --- the project's service -------------------------------------------------------------------------
def small_project(folder: Path) -> Project:
    """300 rows (a number with gaps, a text category), a small forest and a bounded EBM; not yet explained.

    Its file is ``folder/project.toml``; its cache ``folder/cache``."""
    synthetic_table().to_csv(folder / "table.csv", index=False)
    text = f'[data]\nsource = "table.csv"\ntarget = "bought"\nid = "customer"\n{two_models()}'
    (folder / "project.toml").write_text(f'{text}[cache]\ndir = "{folder / "cache"}"\n')
    config = load_config(folder / "project.toml")
    return Project(config, runner=JobRunner(ResultStore(config.cache_dir)), log=lambda _: None)


@pytest.fixture(scope="module")
def project(tmp_path_factory: pytest.TempPathFactory) -> Project:
    return small_project(tmp_path_factory.mktemp("interactions"))


def test_only_tree_models_offer_interactions_and_others_say_why(project: Project) -> None:
    support = project.interaction_support()
    assert support["Forest"] == ""
    assert support["Glass box"].startswith("interaction values need a tree model")
    assert support["Glass box"].endswith("not ExplainableBoostingClassifier")


def test_the_service_computes_in_chunks_what_one_call_gives_then_serves_it_from_the_store(project: Project) -> None:
    reports: list[tuple[int, int]] = []
    result = project.interactions("Forest", 60, progress=lambda done, total: reports.append((done, total)))
    positions = sample_positions(project.dataset.n_rows, 60, project.config.data.seed)
    rows = project.dataset.features.iloc[positions]
    direct = interaction_values(project.models.entries["Forest"].fitted.estimator, rows, task="classification")
    np.testing.assert_allclose(result.values.values, direct.values, rtol=0, atol=1e-12)
    np.testing.assert_allclose(result.values.outputs, direct.outputs, rtol=0, atol=1e-12)
    assert list(result.row_ids) == list(project.dataset.ids[positions]) and result.total_rows == 300
    assert reports == [(d, 60) for d in range(10, 61, 10)]  # chunks of at least 10 rows
    again = project.interactions("Forest", 60, progress=lambda *_: pytest.fail("computed twice"))
    assert isinstance(again.values.values, np.memmap)  # read back from the store, not recomputed
    np.testing.assert_array_equal(again.values.values, result.values.values)
    assert again.values.feature_names == result.values.feature_names and again.values.method == direct.method


def test_a_restarted_project_finds_the_result_and_the_cache_lists_it_without_pickles(project: Project) -> None:
    project.interactions("Forest", 50)
    reopened = Project(project.config, runner=JobRunner(ResultStore(project.config.cache_dir)), log=lambda _: None)
    found = reopened.interactions("Forest", 50, progress=lambda *_: pytest.fail("computed again after a restart"))
    assert found.n_rows == 50
    listed = [e for e in cache_info(reopened.store).explanations if e.n_rows == 50]
    assert [(e.model_name, e.state) for e in listed] == [("Forest (interaction values)", "done")]
    with sqlite3.connect(reopened.store.root / "index" / "cache.db") as db:
        assert db.execute("SELECT COUNT(*) FROM Cache WHERE mode = ?", (MODE_PICKLE,)).fetchone()[0] == 0
    with pytest.raises(ValueError, match="no model 'Nope'"):
        reopened.interactions("Nope", 50)
    with pytest.raises(ValueError, match="computed for 1 to 1,000 rows at a time, not 5,000; pick a smaller sample"):
        reopened.interactions("Forest", 5_000)


# --- the page's callback, with FakeServices ---------------------------------------------------------
def test_the_page_offers_tree_models_and_says_why_the_others_cannot() -> None:
    layout = page.page(FakeServices(), {})
    dropdown = next(c for c in walk(layout) if getattr(c, "id", None) == ids.INTERACTION_MODEL)
    assert [(o["value"], o["disabled"]) for o in dropdown.options] == [
        ("Random forest", False),
        ("Gradient boosting", False),
        ("EBM", True),
    ]
    assert dropdown.value == "Random forest"
    rows = next(c for c in walk(layout) if getattr(c, "id", None) == ids.INTERACTION_ROWS)
    assert [o["value"] for o in rows.options] == [50, 100, 200, 500] and rows.value == 100  # 500 rows in the fake
    (line,) = of_class(layout, "interaction-why-not")[0].children
    assert line.children[0].children == "EBM: " and line.children[1].startswith("interaction values need a tree")


def test_compute_reports_progress_and_draws_the_heatmap_and_the_ranked_pairs() -> None:
    reports: list[tuple[float, str]] = []
    view = page.compute(FakeServices(), reports.append, "Gradient boosting", 200)
    assert [percent for percent, _ in reports] == [25.0, 50.0, 75.0, 100.0]
    assert reports[0][1].startswith("50 of 200 rows · about") and reports[-1][1] == "200 of 200 rows"
    figure = next(c for c in walk(view) if "interaction-graph" in (getattr(c, "className", "") or "")).figure
    assert figure.data[0].type == "heatmap" and "200 of 500 rows" in figure.layout.title.subtitle.text
    cells = [c.children for c in walk(of_class(view, "interaction-pairs")[0]) if c.__class__.__name__ == "Td"]
    assert cells[1] == "tenure × contract" and cells[5] == "monthly_charges × internet_service"


def words(component) -> str:
    """Every string in a component tree, including strings beside components in a children list."""
    found = []
    for c in walk(component):
        children = getattr(c, "children", None)
        found += [x for x in (children if isinstance(children, list) else [children]) if isinstance(x, str)]
    return " ".join(found)


def test_compute_explains_instead_of_failing(monkeypatch: pytest.MonkeyPatch) -> None:
    services = FakeServices()
    said = words(page.compute(services, print, "EBM", 100))
    assert "No interaction values for EBM." in said and "not ExplainableBoostingClassifier" in said
    assert "it is not a model of this project" in words(page.compute(services, print, "Nope", 100))
    assert "press Compute" in words(page.compute(services, print, None, 100))

    def broken(*_args, **_kwargs):
        raise RuntimeError("interaction values of X differ from its SHAP values by 0.1\nmore")

    monkeypatch.setattr(services, "interactions", broken)
    said = words(page.compute(services, print, "Random forest", 100))
    assert "RuntimeError: interaction values of X differ from its SHAP values by 0.1" in said and "more" not in said
