"""Tables on disk for workers: read back equal to what was written, text cells shared."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

from portal.data import read_frame, write_frame


def test_text_comes_back_as_shared_objects_with_nan_for_missing(tmp_path: Path) -> None:
    frame = pd.DataFrame({"plan": ["a", "b", None, "a", "b", "a"], "fee": [1.0, 2.0, np.nan, 4.0, 5.0, 6.0]})
    read = read_frame(str(write_frame(frame, tmp_path / "t.parquet")))
    assert read["plan"].dtype == object and read["plan"].iloc[2] is not None and np.isnan(read["plan"].iloc[2])
    assert read["plan"].tolist()[:2] + read["plan"].tolist()[3:] == ["a", "b", "a", "b", "a"]
    assert read["plan"].iloc[0] is read["plan"].iloc[3] is read["plan"].iloc[5]  # one object per distinct value
    pd.testing.assert_series_equal(read["fee"], frame["fee"])
