"""/local's reading aids called directly with FakeServices: each pane's summary in words, the row search, similar
rows; and the agreement card on /global following the scale toggle."""

from __future__ import annotations

from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest

from callbacks import agreement, local, neighbours, row_search, shell
from layouts import ids
from layouts.neighbours import ALL_MODELS
from portal.analyses import agreement as compare
from portal.analyses import similar_rows, summarise
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, text_of, walk


def by_id(component, component_id):
    return next(c for c in walk(component) if getattr(c, "id", None) == component_id)


def by_class(component, class_name: str) -> list:
    return [c for c in walk(component) if class_name in (getattr(c, "className", None) or "").split()]


def headers(component) -> list[str]:
    """Each column head's words (a model's head is its colour dot and its name)."""
    heads = [c.children for c in walk(component) if type(c).__name__ == "Th"]
    return [h if isinstance(h, str) else "".join(p for p in h if isinstance(p, str)) for h in heads]


def links(component, class_name: str) -> list:
    return [c for c in walk(component) if type(c).__name__ == "A" and c.className == class_name]


@pytest.mark.parametrize(("scale", "words"), [("common", "common scale"), ("native", "own scale")])
def test_each_waterfall_pane_says_in_words_what_it_shows_in_its_scale(scale: str, words: str) -> None:
    services = FakeServices()
    pane = local.waterfall_pane(services, "EBM", "C00005", ALL, None, scale)
    row = services.explain_row("EBM", "C00005", scale)
    expected = summarise(row, services.row_values("C00005"), outcome="churn = Yes", context=words)
    quantity = "probability" if scale == "common" else "log-odds"
    assert expected.startswith(f"Predicted {quantity} of churn = Yes ({words}): {row.output:.2f} (average ")
    assert [p.children for p in by_class(pane, "narrative")] == [expected]


def test_a_multiclass_pane_names_the_class_it_explains() -> None:
    services = FakeServices(classes=("a", "b", "c"))
    pane = local.waterfall_pane(services, "EBM", "C00005", ALL, "b", "native")
    assert by_class(pane, "narrative")[0].children.startswith("Predicted logit of churn = b (own scale): ")


def _expected_ids(services: FakeServices, keep) -> list[str]:
    return [r for r in services.row_ids() if keep(services.row_values(r))]


def test_a_search_lists_the_first_fifty_matches_as_links_that_keep_the_view() -> None:
    services = FakeServices()
    view = row_search.search_view(services, "tenure < 30; contract = Month-to-month", None, "?id=C00001&cohort=x")
    expected = _expected_ids(services, lambda v: v["tenure"] < 30 and v["contract"] == "Month-to-month")
    found = links(view, "search-match")
    assert len(expected) > 50 and [a.children for a in found] == expected[:50]
    assert f"First 50 of {len(expected)} rows where tenure < 30; contract = Month-to-month." in text_of(view)
    query = parse_qs(urlsplit(found[0].href).query)
    assert query == {"id": [expected[0]], "cohort": ["x"], "search": ["tenure < 30; contract = Month-to-month"]}


def test_a_range_of_a_chosen_column_and_the_errors_a_reader_can_make() -> None:
    services = FakeServices()
    view = row_search.search_view(services, "2..3", "tenure", "")
    expected = _expected_ids(services, lambda v: 2 <= v["tenure"] <= 3)
    assert [a.children for a in links(view, "search-match")] == expected and len(expected) < 50
    assert f"{len(expected)} rows where tenure >= 2; tenure <= 3." in text_of(view)
    assert parse_qs(urlsplit(links(view, "search-match")[0].href).query)["search-column"] == ["tenure"]
    assert "no column 'age'" in text_of(row_search.search_view(services, "age > 3", None))
    one_year = _expected_ids(services, lambda v: v["contract"] == "One year")[:50]
    assert [a.children for a in links(row_search.search_view(services, "one year", "contract"), "search-match")] == (
        one_year
    )
    assert row_search.search_view(services, "  ", "tenure") == ""


def test_the_local_page_restores_a_search_from_its_link() -> None:
    page = shell.render_page(FakeServices(), "/local", "?id=C00002&search=2..3&search-column=tenure")
    assert by_id(page, ids.ROW_SEARCH_TEXT).value == "2..3" and by_id(page, ids.ROW_SEARCH_COLUMN).value == "tenure"
    assert by_id(page, ids.SIMILAR_BASIS).value == ALL_MODELS


def test_similar_rows_are_the_nearest_in_every_ready_models_explanation() -> None:
    services = FakeServices()
    view = neighbours.similar_view(services, "C00005", ALL_MODELS, ALL, None, "?id=C00005")
    expected = similar_rows([services.explanation(m) for m in ALL], "C00005", k=10)
    assert [a.children for a in links(view, "similar-row")] == expected.row_ids.tolist()
    assert links(view, "similar-row")[0].href == f"/local?id={expected.row_ids[0]}"
    this_row = text_of(by_class(view, "table-active")[0])
    assert this_row == "C00005 (this row) – " + " ".join(f"{v:.3f}" for v in expected.row_outputs)
    cells = [c.children for c in walk(view) if type(c).__name__ == "Td"]
    assert cells[6] == f"{expected.distances[0]:.3f}"  # the nearest row's distance, after its link
    assert "The 10 nearest of 500 rows, by the contributions of Random forest, Gradient boosting and EBM." in (
        text_of(view)
    )
    assert headers(view)[2:] == [f"{m} (probability)" for m in ALL]  # log-odds read as the probabilities they are


def test_similar_rows_of_one_model_or_of_the_ready_ones_say_what_they_compared() -> None:
    services = FakeServices(running=("Gradient boosting",))
    one = neighbours.similar_view(services, "C00005", "EBM", ["EBM", "Random forest"])
    expected = similar_rows([services.explanation("EBM")], "C00005", k=10)
    assert [a.children for a in links(one, "similar-row")] == expected.row_ids.tolist()
    assert headers(one) == ["row", "distance", "EBM (log-odds)"]  # one model: its own scale
    ready = neighbours.similar_view(services, "C00005", ALL_MODELS, ["EBM", "Random forest"])
    assert "Not compared (not ready): Gradient boosting." in text_of(ready)
    assert neighbours.similar_view(services, "C00005", ALL_MODELS, []) == neighbours.WAITING


def test_the_agreement_card_ranks_common_scale_importances_when_the_toggle_says_so() -> None:
    services = FakeServices()
    levels = dict.fromkeys(ALL, 4)
    figure, _table, note = agreement.agreement_view(services, "spearman", 3, ALL, None, None, "common", levels)
    commons = [services.common_explanation(m) for m in ALL]
    expected = compare({e.model_name: e.mean_abs() for e in commons}, commons[0].feature_names, k=3)
    assert np.allclose(np.asarray(figure.data[0].z), expected.spearman)
    assert figure.layout.title.subtitle.text == "1 = the same ranking of features · common scale: probability"
    assert note == "Ranked: each model's mean |contribution| in probability, the common scale, on 100 of 500 rows " + (
        "(seeded sample)."
    )
    native, *_ = agreement.agreement_view(services, "spearman", 3, ALL, None, None, "native", levels)
    assert "each model in its own scale" in native.layout.title.subtitle.text


def test_a_common_scale_still_computing_is_ranked_from_its_rows_so_far_and_says_so() -> None:
    services = FakeServices(common_running=("EBM",))
    figure, _table, note = agreement.agreement_view(
        services, "spearman", 3, ALL, None, None, "common", dict.fromkeys(ALL, 1)
    )
    assert figure.layout.title.subtitle.text.endswith("common scale: probability")
    assert "on 20–100 of 500 rows (seeded sample). Probability sample still computing" in note
    assert "EBM 4 of 20 chunks" in note


def test_the_app_wires_the_search_and_similar_rows() -> None:
    from portal.web.app import create_app

    outputs = " ".join(create_app(FakeServices()).callback_map)
    assert ids.ROW_SEARCH_RESULTS in outputs and ids.SIMILAR_RESULTS in outputs


def test_a_search_on_a_prediction_sorted_by_risk_lists_the_highest_first_and_links_keep_the_sort() -> None:
    services = FakeServices()
    gb = "prediction: Gradient boosting"
    view = row_search.search_view(services, f"{gb} > 0.8", None, "", gb)
    predicted, _error = services._cohort_predictions("Gradient boosting")
    order = np.argsort(-predicted, kind="stable")
    expected = [services.row_ids()[i] for i in order if predicted[i] > 0.8][:50]
    assert [a.children for a in links(view, "search-match")] == expected and len(expected) > 10
    assert f"rows where {gb} > 0.8, highest {gb} first." in text_of(view)
    assert parse_qs(urlsplit(links(view, "search-match")[0].href).query)["search-sort"] == [gb]
    everyone = row_search.search_view(services, "", None, "", "disagreement")  # the 50 most disputed rows
    assert "First 50 of 500 rows, most disagreement between models first." in text_of(everyone)
    assert "churn" in headers(row_search.search_view(services, "churn = yes", None, ""))  # the target too


def test_a_wrong_search_is_a_sentence_and_the_page_offers_the_sorts_and_its_own_example() -> None:
    services = FakeServices()
    message = text_of(row_search.search_view(services, "prediction: Nobody > 0.8", None, ""))
    assert (
        message.startswith("Search 'prediction: Nobody > 0.8': no column 'prediction: Nobody'") and "[" not in message
    )
    page = shell.render_page(services, "/local", "?search-sort=disagreement")
    sort = by_id(page, ids.ROW_SEARCH_SORT)
    assert sort.value == "disagreement"
    assert [o["value"] for o in sort.options][:3] == ["", "prediction: Random forest", "prediction: Gradient boosting"]
    assert by_id(page, ids.ROW_SEARCH_TEXT).placeholder == f"e.g. {services.cohort_example()}"
    multiclass = row_search.sorts(FakeServices(classes=("a", "b", "c")))
    assert not any(o["value"].startswith("prediction") or o["value"] == "disagreement" for o in multiclass)
