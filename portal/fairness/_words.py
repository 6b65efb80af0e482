"""The words /fairness uses for a decision other than the positive class, following the project's outcome.

A row is *declined* only when the project says its decision is a lending one (``[fairness] outcome_words =
"lending"``); otherwise the words are built from the positive class's name (churn = 'Yes': a row "not decided
'Yes'", pushed "away from 'Yes'"), so a churn model is never said to decline a customer.
"""

from __future__ import annotations

from dataclasses import dataclass

from portal.config import OUTCOME_WORDS


@dataclass(frozen=True)
class DecisionWords:
    """What the page calls the other decision, the row it falls on, and the pushes toward it.

    ``other`` follows a noun ("rows declined", "rows not decided 'Yes'"); ``verdict`` is a model's badge on a row;
    ``picker`` labels the row chooser; ``section`` heads the section of reasons; ``toward`` ends "the features that
    pushed it most ..."; ``row`` names one row ("applicant", "row").
    """

    other: str
    verdict: str
    picker: str
    section: str
    toward: str
    row: str

    @property
    def a_row(self) -> str:
        """'an applicant', 'a row'."""
        return f"{'an' if self.row[:1] in 'aeiou' else 'a'} {self.row}"


def decision_words(mode: str, positive: str) -> DecisionWords:
    """The words of ``mode`` (one of :data:`portal.config.OUTCOME_WORDS`) for a project whose positive class is
    ``positive``.

    >>> decision_words("selection", "Yes").verdict
    "Not decided 'Yes'"
    >>> decision_words("lending", "good").verdict
    'Declined'
    """
    if mode == "lending":
        return DecisionWords(
            other="declined",
            verdict="Declined",
            picker="Declined applicant",
            section="Adverse-action reasons",
            toward="toward decline",
            row="applicant",
        )
    if mode != "selection":
        raise ValueError(f"{mode!r} is not one of {', '.join(OUTCOME_WORDS)}")
    return DecisionWords(
        other=f"not decided '{positive}'",
        verdict=f"Not decided '{positive}'",
        picker=f"Row not decided '{positive}'",
        section=f"Reasons for not deciding '{positive}'",
        toward=f"away from '{positive}'",
        row="row",
    )
