"""CSV cells a spreadsheet would run as formulas are kept as text (OWASP's leading quote); numbers never change."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from portal.data import safe_cell, safe_cells, safe_frame


@pytest.mark.parametrize(
    ("cell", "written"),
    [
        ("=1+1", "'=1+1"),
        ("@SUM(A1)", "'@SUM(A1)"),
        ('=HYPERLINK("http://x","y")', '\'=HYPERLINK("http://x","y")'),
        ("+1+1", "'+1+1"),
        ("-2+3", "'-2+3"),
        ("\t=1", "'\t=1"),
        ("\r=1", "'\r=1"),
        ("-inf", "'-inf"),  # not a plain number: text, so quoted
        ("-1.5", "-1.5"),  # a plain number stays a number
        ("+3e2", "+3e2"),
        ("-", "'-"),
        ("plain", "plain"),
        ("a=1", "a=1"),
        ("", ""),
        (-1.5, -1.5),
        (3, 3),
        (None, None),
    ],
)
def test_a_formula_gets_a_quote_and_a_number_is_left_alone(cell, written) -> None:
    assert safe_cell(cell) == written


def test_a_frame_quotes_only_its_text_columns_and_keeps_the_caller_s_frame() -> None:
    frame = pd.DataFrame({"id": ["=1+1", "a"], "value": [-1.5, 2.0], "mixed": [-3, "@x"]})
    safe = safe_frame(frame)
    assert safe["id"].tolist() == ["'=1+1", "a"] and safe["mixed"].tolist() == [-3, "'@x"]
    assert safe["value"].dtype == np.float64 and safe["value"].tolist() == [-1.5, 2.0]
    assert frame["id"].tolist() == ["=1+1", "a"]
    assert safe_cells(["-1", "-x"]) == ["-1", "'-x"]
