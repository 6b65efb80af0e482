"""The cohort grammar's one parser, shared by cohorts and row search: text in, ``(column, op, value)`` out.

Why no regular expression: the pattern this replaces, ``^\\s*(.+?)\\s*(op)\\s*(.*?)\\s*$``, backtracked over
every way to share a run of spaces between its groups, so 2,000 spaces and an ``x`` held the server for 40
seconds and blocked every other reader. Here a filter is stripped, its operator found by one scan from the
left, and the text split there: the work grows with the text's length, never faster. A text longer than
:data:`MAX_PARSED` is refused before any scan, so no request can make the parser work long.

The language is the one the pattern accepted: ``column op value`` with op the first of ``<= >= != < > =``
(or `` in `` between spaces) after the column's first character; a column or value may not span a line.

    parse_filter("tenure <12")          # ('tenure', '<', '12')
    parse_filter("contract in A|B")     # ('contract', 'in', 'A|B')
    parse_filter("tenure")              # None: not 'column op value'
    number_range(" 2 to 24 ")           # ('2', '24')
"""

from __future__ import annotations

from collections.abc import Iterator

SYMBOLS = ("<=", ">=", "!=", "<", ">", "=")  # tried in this order where a column may end: '<=' before '<'
IN = "in"
MAX_TEXT = 500  # characters of a cohort or search a reader may write (the box, the URL's ?cohort=)
MAX_PARSED = 4 * MAX_TEXT  # any text the parser reads: a search grows when its chosen column is written twice
SHOWN = 60  # characters of a user's text an error repeats; a pasted page must not become a page-long error
TOO_LONG = "{what} '{text}' is {n:,} characters long; shorten it to at most {cap:,} characters"


class CohortError(ValueError):
    """A cohort that cannot be read or applied; the message names the filter and what to write instead."""


def shown(text: object) -> str:
    """The user's text as an error repeats it: whole, or its first characters and an ellipsis; line breaks and
    other unprintable characters as spaces, so the error stays one line."""
    text = str(text)
    text = text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"
    return "".join(c if c.isprintable() else " " for c in text)


def check_length(text: str | None, what: str, cap: int = MAX_TEXT) -> str:
    """``text`` ('' for None) when it holds at most ``cap`` characters; else CohortError, one line naming the cap."""
    text = text or ""
    if len(text) > cap:
        raise CohortError(TOO_LONG.format(what=what, text=shown(text), n=len(text), cap=cap))
    return text


def split_filters(text: str | None) -> list[str]:
    """The filters of a cohort: its text split at ``;``, blank parts dropped."""
    return [part for part in check_length(text, "cohort", MAX_PARSED).split(";") if part.strip()]


def parse_filter(text: str) -> tuple[str, str, str] | None:
    """``(column, op, value)`` of one filter, or None when it is not 'column op value': no operator after the
    column's first character, or an empty value. A column or value may not span a line, so the first operator
    that leaves both on one line is the one (an operator may be followed by a line break: 'a <=\\nb')."""
    body = text.strip()
    first_break, last_break = body.find("\n"), body.rfind("\n")
    for end, op, after in _operators(body):
        if first_break != -1 and first_break < end:
            return None  # every later column would span the line break too
        start = after
        while start < len(body) and body[start].isspace():
            start += 1
        if start == len(body):
            return None
        if start > last_break:
            return body[:end], op, body[start:]
    return None


def leading_operator(text: str) -> bool:
    """Whether ``text`` starts (after spaces) with an operator, so it only lacks its column: '< 12', 'in a|b'."""
    body = text.lstrip()
    return body.startswith(SYMBOLS) or (body.startswith(IN) and body[2:3].isspace())


def number_range(text: str) -> tuple[str, str] | None:
    """``(low, high)`` as written for 'low..high' or 'low to high' (numbers: sign, digits and dots, an exponent),
    or None. Of several ways to split at '..', the one with the longest low wins, as the old pattern chose."""
    body = text.strip()
    cuts = [i for i in range(len(body) - 1) if body[i : i + 2] in ("..", "to")]
    for cut in reversed(cuts):
        low, high = body[:cut].rstrip(), body[cut + 2 :].lstrip()
        if _is_number(low) and _is_number(high):
            return low, high
    return None


def _operators(body: str) -> Iterator[tuple[int, str, int]]:
    """(where the column ends, the operator, where it ends) at each place an operator may follow the column,
    left to right; one pass, each character looked at a bounded number of times."""
    spaces_from = None  # where the run of spaces that ends at ``i`` began
    for i in range(1, len(body)):
        if body[i].isspace():
            spaces_from = i if spaces_from is None else spaces_from
            continue
        end = i if spaces_from is None else spaces_from
        op = next((op for op in SYMBOLS if body.startswith(op, i)), None)
        if op is not None:
            yield end, op, i + len(op)
        elif spaces_from is not None and body.startswith(IN, i) and body[i + 2 : i + 3].isspace():
            yield end, IN, i + 3
        spaces_from = None


def _is_number(text: str) -> bool:
    """'[sign]digits-or-dots[e[sign]digits]', digits as the old pattern's \\d (any decimal digit): what a range's
    end may be (float() judges it later)."""
    unsigned = text[1:] if text[:1] in ("+", "-") else text
    mantissa, e, exponent = unsigned.partition("e")
    if not mantissa or not (set(mantissa) == {"."} or mantissa.replace(".", "").isdecimal()):
        return False
    if not e:
        return True
    return (exponent[1:] if exponent[:1] in ("+", "-") else exponent).isdecimal()
