"""The words /fairness uses for the other decision: lending words only when the project says so."""

from __future__ import annotations

import dataclasses
import re

import pytest

import portal.fairness
from portal.config import OUTCOME_WORDS
from portal.fairness import DecisionWords, decision_words

LENDING = re.compile(r"declin|adverse.action|applicant", re.IGNORECASE)


def test_a_lending_decision_is_declined_with_adverse_action_reasons() -> None:
    words = decision_words("lending", "good")
    assert words == DecisionWords(
        other="declined",
        verdict="Declined",
        picker="Declined applicant",
        section="Adverse-action reasons",
        toward="toward decline",
        row="applicant",
    )
    assert words.a_row == "an applicant"


def test_a_selection_is_named_after_the_positive_class_and_never_in_lending_words() -> None:
    words = decision_words("selection", "Yes")
    assert words == DecisionWords(
        other="not decided 'Yes'",
        verdict="Not decided 'Yes'",
        picker="Row not decided 'Yes'",
        section="Reasons for not deciding 'Yes'",
        toward="away from 'Yes'",
        row="row",
    )
    assert words.a_row == "a row"
    assert not [w for w in dataclasses.astuple(words) if LENDING.search(w)]
    assert decision_words("selection", "churned").verdict == "Not decided 'churned'"


def test_every_configured_mode_has_words_and_nothing_else_does() -> None:
    assert {type(decision_words(mode, "Yes")) for mode in OUTCOME_WORDS} == {DecisionWords}
    with pytest.raises(ValueError, match="'loans' is not one of selection, lending"):
        decision_words("loans", "Yes")
    with pytest.raises(dataclasses.FrozenInstanceError):
        decision_words("lending", "good").row = "row"  # type: ignore[misc]


def test_the_words_are_public_names_of_the_fairness_package() -> None:
    assert {"DecisionWords", "decision_words"} <= set(portal.fairness.__all__)
