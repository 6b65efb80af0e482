"""A shared link restores the view: the query string round-trips every setting and tolerates old or odd links."""

from __future__ import annotations

from portal.view_state import ViewState


def test_every_setting_round_trips_through_the_query_string() -> None:
    state = ViewState(
        models=("Random forest", "EBM"),
        class_name="virginica",
        feature="tenure",
        colour_by="contract",
        row="C00042",
        cohort="tenure < 12; contract in Month-to-month|One year",
        scale="native",
    )
    query = state.to_query()
    assert query.startswith("?models=Random+forest%2CEBM&class=virginica&feature=tenure&colour-by=contract")
    assert ViewState.from_query(query) == state


def test_defaults_make_an_empty_query_and_unknown_keys_are_ignored() -> None:
    assert ViewState().to_query() == ""
    assert ViewState.from_query("?row=C1&zoom=3&models=") == ViewState(row="C1")
    assert ViewState.from_query(None) == ViewState()


def test_choosing_every_model_is_written_as_none_chosen_in_the_projects_order() -> None:
    every = ("RF", "GB", "EBM")
    assert ViewState().with_models(("EBM", "RF", "GB"), every).models == ()
    assert ViewState().with_models(("EBM", "RF"), every).models == ("RF", "EBM")
