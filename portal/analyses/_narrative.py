"""Plain-language summaries of one row's explanation, for readers who will not read a waterfall.

    summarise(local, row_values, outcome="churn = Yes", context="common scale")
    # 'Predicted probability of churn = Yes (common scale): 0.72 (average 0.27). Main reasons:
    #  contract = Month-to-month (+0.18), tenure = 2 (+0.12), ... Pulling the other way: ...'

Numbers keep the explanation's own scale and say it, so a log-odds summary never reads like a probability;
``context`` says which of the page's scales that is. :func:`outcome_words` names what is predicted.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np

from portal.results import LOG_ODDS, LOGIT, PROBABILITY, LocalExplanation

SCALE_WORDS = {PROBABILITY: "probability of {outcome}", LOG_ODDS: "log-odds of {outcome}", LOGIT: "logit of {outcome}"}


def summarise(
    local: LocalExplanation, row_values: Mapping[str, object], *, outcome: str, top: int = 3, context: str = ""
) -> str:
    """One paragraph: the prediction against the base value, the ``top`` reasons for it and the strongest against.

    ``outcome`` names what is predicted ("churn = Yes", "price"); ``row_values`` gives each feature's value in
    the row so a reason reads "tenure = 2" rather than "tenure"; ``context`` ("common scale") is put in
    brackets after the quantity.
    """
    quantity = SCALE_WORDS.get(local.output_scale, "{outcome}").format(outcome=outcome)
    if context:
        quantity += f" ({context})"
    values = np.asarray(local.values, dtype=np.float64)
    direction = np.sign(local.output - local.base_value) or 1.0
    along = [i for i in np.argsort(-np.abs(values), kind="stable") if np.sign(values[i]) == direction]
    against = [i for i in np.argsort(-np.abs(values), kind="stable") if np.sign(values[i]) == -direction]
    text = f"Predicted {quantity}: {_number(local.output)} (average {_number(local.base_value)})."
    if along[:top]:
        text += " Main reasons: " + ", ".join(_reason(local, row_values, i) for i in along[:top]) + "."
    if against[:1]:
        text += " Pulling the other way: " + _reason(local, row_values, against[0]) + "."
    return text


def outcome_words(target: str, positive: str | None = None, explained_class: str = "") -> str:
    """What a model predicts, in words: 'churn = Yes' (binary: the positive class), 'species = setosa' (one
    class of a multi-class model), 'price' (regression, or no class known)."""
    label = explained_class or (positive if positive not in (None, "", "–") else "")
    return f"{target} = {label}" if label else target


def _reason(local: LocalExplanation, row_values: Mapping[str, object], index: int) -> str:
    name = local.feature_names[index]
    contribution = f"({local.values[index]:+.2f})"
    if name not in row_values:
        return f"{name} {contribution}"
    value = row_values[name]
    return f"{name} = {'missing' if value is None else _value(value)} {contribution}"


def _value(value: object) -> str:
    if isinstance(value, float):
        return f"{value:.4g}"
    return str(value)


def _number(value: float) -> str:
    return f"{value:.2f}" if abs(value) >= 0.01 or value == 0 else f"{value:.2g}"
