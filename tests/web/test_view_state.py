"""A shared link restores the view: the query string round-trips every setting and tolerates old or odd links."""

from __future__ import annotations

from dataclasses import fields

from portal.web import ViewState

EVERY = tuple(f.name for f in fields(ViewState))


def test_every_setting_round_trips_through_the_query_string() -> None:
    state = ViewState(
        models=("Random forest", "EBM"),
        class_name="virginica",
        feature="tenure",
        colour_by="contract",
        cohort="tenure < 12; contract in Month-to-month|One year",
        scale="native",
        agreement_k="8",
    )
    query = state.merged_into(None, EVERY)
    assert query.startswith("?models=Random+forest%2CEBM&class=virginica&feature=tenure&colour-by=contract")
    assert ViewState.from_query(query) == state


def test_defaults_make_an_empty_query_and_unknown_keys_are_ignored() -> None:
    assert ViewState().merged_into(None, EVERY) == ""
    assert ViewState.from_query("?id=C1&zoom=3&models=&feature=tenure") == ViewState(feature="tenure")
    assert ViewState.from_query(None) == ViewState()


def test_choosing_every_model_is_written_as_none_chosen_in_the_projects_order() -> None:
    every = ("RF", "GB", "EBM")
    assert ViewState().with_models(("EBM", "RF", "GB"), every).models == ()
    assert ViewState().with_models(("EBM", "RF"), every).models == ("RF", "EBM")


def test_a_page_writes_its_own_settings_and_keeps_every_other_key_where_it_was() -> None:
    search = "?id=C00042&cohort=tenure+%3C+12&zoom=3"
    state = ViewState(cohort="contract = One year", scale="native")
    merged = state.merged_into(search, ("cohort", "scale", "agreement_k"))
    assert merged == "?id=C00042&cohort=contract+%3D+One+year&zoom=3&scale=native"
    assert ViewState().merged_into(merged, ("cohort", "scale")) == "?id=C00042&zoom=3"  # cleared: removed
    assert ViewState().merged_into(None, ("cohort",)) == ""
    assert ViewState(models=("RF", "EBM")).merged_into("?models=GB&models=RF", ("models",)) == "?models=RF%2CEBM"
