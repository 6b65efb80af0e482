"""The /feature and /performance callbacks called directly with FakeServices."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from callbacks import feature, performance, shell
from layouts import ids
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, walk


def by_id(component, component_id):
    return next(c for c in walk(component) if getattr(c, "id", None) == component_id)


def test_the_feature_page_restores_the_feature_and_colour_from_the_url() -> None:
    services = FakeServices()
    page = shell.render_page(services, "/feature", "?feature=monthly_charges&colour-by=contract")
    assert by_id(page, ids.FEATURE_PICKER).value == "monthly_charges"
    assert by_id(page, ids.COLOUR_PICKER).value == "contract"
    default = feature.page(services, {"feature": ["no such column"]})
    most = feature.most_important(services, services.feature_names())  # an unknown feature: the page's default
    assert by_id(default, ids.FEATURE_PICKER).value == most and by_id(default, ids.COLOUR_PICKER).value is None
    assert feature.feature_query("tenure", "contract") == "?feature=tenure&colour-by=contract"


def test_dependence_draws_every_ready_model_on_the_same_rows_with_the_ebm_shape() -> None:
    services = FakeServices(n_rows=300)
    figure, note = feature.dependence_figure(services, "tenure", None, ["shape"], ALL)
    points = [t for t in figure.data if t.name in ALL]
    assert [t.name for t in points] == ALL
    ebm = services.explanation("EBM")
    column = ebm.feature_names.index("tenure")
    assert np.allclose(points[2].y, ebm.values[:, column])  # 300 rows: all drawn, in data order
    shapes = [t for t in figure.data if t.name in ("EBM shape function", "EBM shape (reference)")]
    assert [(t.name, t.xaxis) for t in shapes] == [("EBM shape (reference)", "x2"), ("EBM shape function", "x3")]
    assert note == ""
    coloured, _ = feature.dependence_figure(services, "tenure", "contract", [], ALL)
    assert "EBM shape function" not in [t.name for t in coloured.data]
    assert sorted({t.name for t in coloured.data}) == [
        f"contract = {c}" for c in ("Month-to-month", "One year", "Two year")
    ]


def test_colouring_by_the_feature_itself_colours_nothing_and_says_so() -> None:
    services = FakeServices(n_rows=300)
    figure, note = feature.dependence_figure(services, "tenure", "tenure", [], ALL)
    assert note.startswith(feature.SAME_COLOUR.format(feature="tenure"))
    assert "Colour by is tenure, the feature drawn" in note
    assert [t.name for t in figure.data] == ALL and "colour:" not in figure.layout.title.subtitle.text
    assert all(t.marker.showscale is None for t in figure.data)  # no colour bar repeating the x axis
    _, other = feature.dependence_figure(services, "tenure", "monthly_charges", [], ALL)
    assert other == ""


def test_colouring_by_banded_groups_lists_the_bands_in_band_order() -> None:
    services = FakeServices(n_rows=300)
    figure, _ = feature.dependence_figure(services, "tenure", "group: age", [], ALL)
    legend = [t.name for t in figure.data if t.showlegend]
    assert legend == [f"group: age = {band}" for band in ("&lt;25", "25-40", "40-60", "60+")]  # plotly shows '<25'


def test_dependence_of_a_model_still_computing_uses_its_rows_so_far_and_says_so() -> None:
    services = FakeServices(n_rows=300, running=("EBM",))
    figure, note = feature.dependence_figure(
        services, "tenure", None, [], ["Random forest", "Gradient boosting"], {"EBM": 1}
    )
    assert len(figure.data[0].x) == 90  # the rows every model has: the EBM's 30 % so far
    assert "EBM: 90 of 300 rows so far" in note
    empty, _ = feature.dependence_figure(services, "tenure", None, [], [], {})
    assert "as explanations become ready" in empty.layout.annotations[0].text


def test_the_performance_page_draws_each_models_curves_and_the_threshold_moves_the_confusion() -> None:
    services = FakeServices()
    page = shell.render_page(services, "/performance", "")
    assert by_id(page, ids.performance_graph("roc")) is not None and by_id(page, ids.THRESHOLD_SLIDER).value == 0.5
    roc, _pr, calibration, lift = performance.curves(services, None)
    assert "ROC curve" in roc.layout.title.text and "class:" not in roc.layout.title.text
    curves = {c.model_name: c for c in services.classification_curves()}
    assert roc.data[1].name == f"Random forest (AUC {curves['Random forest'].roc_auc:.3f})"
    low, high = performance.confusion(services, 0.1), performance.confusion(services, 0.9)
    predicted_positive = lambda fig: fig.data[0].y[0] + fig.data[0].y[1]  # noqa: E731
    assert predicted_positive(low) > predicted_positive(high)
    expected = services.confusions(0.9)["Random forest"]
    assert list(high.data[0].y) == [
        expected.true_positive,
        expected.false_positive,
        expected.false_negative,
        expected.true_negative,
    ]


@pytest.mark.parametrize("path", ["/feature", "/performance"])
def test_the_new_pages_are_in_the_navigation(path: str) -> None:
    from layouts.shell import PAGES

    assert path in [href for _label, href in PAGES]


def test_the_agreement_card_ranks_every_ready_pair_and_lists_the_biggest_rank_differences() -> None:
    from callbacks import agreement
    from portal.analyses import agreement as compare

    services = FakeServices()
    figure, table, note = agreement.agreement_view(services, "kendall", 3, ALL)
    explanations = [services.explanation(m) for m in ALL]
    expected = compare({e.model_name: e.mean_abs() for e in explanations}, explanations[0].feature_names, k=3)
    assert np.allclose(np.asarray(figure.data[0].z), expected.kendall)
    assert "each model in its own scale (log-odds, probability)" in figure.layout.title.subtitle.text
    rows = [c for c in walk(table) if type(c).__name__ == "Tr"]
    assert len(rows) == 1 + 8 and note == ""
    waiting, _, _ = agreement.agreement_view(services, "spearman", 5, ["EBM"])
    assert "two models" in waiting.layout.annotations[0].text


def test_the_global_page_carries_the_agreement_card() -> None:
    page = shell.render_page(FakeServices(), "/global", "")
    assert by_id(page, ids.AGREEMENT_STATISTIC).value == "spearman" and by_id(page, ids.AGREEMENT_K).value == 5


def test_the_disagreement_table_lists_the_rows_with_the_widest_spread_in_probability() -> None:
    from callbacks import disagreement
    from portal.analyses import disagreement_rows

    services = FakeServices()
    view = disagreement.disagreement_view(services, "prediction", ALL)
    expected = disagreement_rows([services.explanation(m) for m in ALL], top=disagreement.TOP_ROWS)
    links = [c for c in walk(view) if type(c).__name__ == "A"]
    assert [a.children for a in links] == [str(r) for r in expected.row_ids]
    assert links[0].href == f"/local?id={expected.row_ids[0]}"
    assert "shown as the probabilities they are" in " ".join(
        c.children for c in walk(view) if isinstance(getattr(c, "children", None), str)
    )
    assert disagreement.disagreement_view(services, "prediction", ["EBM"]) == disagreement.WAITING


def test_the_local_page_carries_the_disagreement_card_and_the_app_builds() -> None:
    from portal.web.app import create_app

    page = shell.render_page(FakeServices(), "/local", "")
    assert by_id(page, ids.DISAGREEMENT_ORDER).value == "prediction"
    app = create_app(FakeServices())
    assert "/feature" in str(app.layout) and "/performance" in str(app.layout)


def test_a_multiclass_project_shows_one_class_against_the_rest_everywhere() -> None:
    from callbacks import agreement

    services = FakeServices(classes=("setosa", "versicolor", "virginica"))
    roc, *_ = performance.curves(services, "virginica")
    assert "class: virginica against the rest" in roc.layout.title.text
    assert "class: setosa" in performance.curves(services, "no such class")[0].layout.title.text
    figure, note = feature.dependence_figure(services, "tenure", None, [], ALL, None, "versicolor")
    ebm = services.explanation("EBM").for_class("versicolor")
    assert np.allclose(
        [t for t in figure.data if t.name == "EBM"][0].y, ebm.values[:, ebm.feature_names.index("tenure")]
    )
    assert note.startswith("Class shown: versicolor.")
    heat_setosa = agreement.agreement_view(services, "spearman", 3, ALL, None, "setosa")[0]
    heat_virginica = agreement.agreement_view(services, "spearman", 3, ALL, None, "virginica")[0]
    assert not np.allclose(np.asarray(heat_setosa.data[0].z), np.asarray(heat_virginica.data[0].z))


def test_what_if_shows_every_model_before_and_after_and_names_a_bad_edit() -> None:
    from callbacks import whatif

    services = FakeServices()
    names = list(services.feature_names())
    values = whatif.reset_values(services, "C00005", names)
    assert values == [services.row_values("C00005")[n] for n in names]
    values[names.index("tenure")] = values[names.index("tenure")] + 30
    error, results = whatif.what_if_view(services, "C00005", names, values, "native")
    graphs = [c for c in walk(results) if type(c).__name__ == "Graph"]
    assert error == "" and len(graphs) == 3
    before, after = services.what_if("C00005", {"tenure": values[names.index("tenure")]})["EBM"]
    assert graphs[2].figure.layout.title.text == f"<b>{before.output:.3g} → {after.output:.3g} (log-odds)</b>"
    assert "<b>tenure:" in graphs[2].figure.data[1].y[-1]  # the changed feature is labelled old → new, on top
    values[names.index("contract")] = "Weekly"
    error, results = whatif.what_if_view(services, "C00005", names, values, "native")
    assert error.startswith("contract has no category 'Weekly'")


def test_the_local_page_has_an_input_that_fits_each_feature() -> None:
    page = shell.render_page(FakeServices(), "/local", "?id=C00002")
    tenure = by_id(page, ids.whatif_input("tenure"))
    contract = by_id(page, ids.whatif_input("contract"))
    assert (
        tenure.type == "number" and tenure.step == 1 and tenure.value == FakeServices().row_values("C00002")["tenure"]
    )
    assert [o["value"] for o in contract.options] == ["Month-to-month", "One year", "Two year"]


@pytest.mark.parametrize("path", ["/local", "/feature", "/performance"])
def test_a_link_names_the_class_and_local_reads_the_scale_too(path: str) -> None:
    services = FakeServices(classes=("a", "b", "c"))
    page = shell.render_page(services, path, "?class=b&scale=native")
    picker = by_id(page, ids.CLASS_PICKER)
    assert picker.value == "b" and picker.persistence is False  # the link beats the remembered choice
    if path == "/local":
        assert by_id(page, ids.SCALE_TOGGLE).value == "native"
    unknown = by_id(shell.render_page(services, path, "?class=zzz"), ids.CLASS_PICKER)
    assert unknown.value == "a" and unknown.persistence is True


class _MonthlyFirst(FakeServices):
    """Every model's explanation with contract (not the first column) far the most important."""

    def explanation_so_far(self, model_name):
        e = super().explanation_so_far(model_name)
        if e is None:
            return None
        values = np.array(e.values, copy=True)
        values[:, e.feature_names.index("contract")] *= 100
        return replace(e, values=values)


def test_the_feature_page_opens_on_the_most_important_feature_unless_the_url_names_one() -> None:
    services = _MonthlyFirst()
    assert services.feature_names()[0] != "contract"
    assert by_id(feature.page(services, {}), ids.FEATURE_PICKER).value == "contract"
    assert by_id(feature.page(services, {"feature": ["tenure"]}), ids.FEATURE_PICKER).value == "tenure"
    waiting = _NothingYet()  # nothing explained yet: the first column
    assert by_id(feature.page(waiting, {}), ids.FEATURE_PICKER).value == waiting.feature_names()[0]


class _NothingYet(FakeServices):
    def explanation_so_far(self, model_name):
        return None
