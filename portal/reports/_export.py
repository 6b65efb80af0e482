"""One model's explanation as a CSV table, for regulators and scripts: a promise kept column for column.

One line per data row (per data row and class when the explanation is multi-class)::

    <id>, [class,] <feature 1>, ..., <feature n>, base_value, model_output, output_scale

The id column is named as the project's ``[data] id`` (``row`` when it has none); each feature column
holds that column's contribution; ``base_value`` plus the contributions equals ``model_output``, in the
scale ``output_scale`` names. Floats are written in their shortest round-trip form (Python's ``repr``),
so the sum holds in the file as it did in memory. Text cells (the header, ids, classes) that a spreadsheet
would run as a formula (``=1+1``, ``@SUM(A1)``) start with a quote (:func:`portal.data.safe_cell`). The
table is written in blocks of rows straight from the memory-mapped arrays, never whole, into a temporary file
renamed into place at the end: a reader sees the old file or the complete new one.

    summary = write_explanation_csv(project.explanation("Forest"), "forest.csv", id_name="customer_id")
"""

from __future__ import annotations

import csv
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from portal.data import safe_cells
from portal.results import Explanation

BASE_VALUE = "base_value"
MODEL_OUTPUT = "model_output"
OUTPUT_SCALE = "output_scale"
CLASS = "class"
DEFAULT_ID_NAME = "row"
BLOCK_ROWS = 50_000
UNNAMED_CLASSES = "the explanation has {classes} classes but names {names}: each class needs a name"
REPEATED_COLUMNS = "the export would repeat the column name(s) {names}; rename the feature or the [data] id column"


@dataclass(frozen=True)
class ExportSummary:
    """What one export wrote: CSV lines below the header, columns, the file, and the seconds it took."""

    path: Path
    rows: int
    columns: int
    seconds: float


def export_columns(explanation: Explanation, *, id_name: str) -> tuple[str, ...]:
    """The header of the export, in order; a name that would appear twice is a ValueError."""
    classes = (CLASS,) if _class_names(explanation) else ()
    columns = (id_name, *classes, *explanation.feature_names, BASE_VALUE, MODEL_OUTPUT, OUTPUT_SCALE)
    repeated = sorted({c for c in columns if columns.count(c) > 1})
    if repeated:
        raise ValueError(REPEATED_COLUMNS.format(names=", ".join(repr(c) for c in repeated)))
    return columns


def write_explanation_csv(
    explanation: Explanation, path: str | Path, *, id_name: str, block_rows: int = BLOCK_ROWS
) -> ExportSummary:
    """Write ``explanation`` to ``path`` as CSV, ``block_rows`` data rows at a time, atomically.

    Parameters
    ----------
    explanation : one model's explanation; its arrays may be memory-mapped (only one block is read at a time).
    path : the CSV file to write; its folder must exist. An existing file is replaced only when done.
    id_name : the header of the id column.
    block_rows : data rows converted and written per block; the file does not depend on it.

    Returns
    -------
    ExportSummary : lines written (data rows x classes), columns, the path and the seconds it took.
    """
    if block_rows < 1:
        raise ValueError(f"block_rows must be at least 1, not {block_rows}")
    started = time.perf_counter()
    path = Path(path)
    columns = export_columns(explanation, id_name=id_name)
    staging = path.with_name(f".{path.name}.{os.getpid()}-{secrets.token_hex(4)}.tmp")  # same folder: rename is atomic
    try:
        with open(staging, "x", encoding="utf-8", newline="") as out:  # "x": the umask's permissions, as any file
            writer = csv.writer(out, lineterminator="\n")
            writer.writerow(safe_cells(columns))
            for first in range(0, explanation.n_rows, block_rows):
                writer.writerows(zip(*_block(explanation, first, min(first + block_rows, explanation.n_rows))))
        os.replace(staging, path)
    except BaseException:
        Path(staging).unlink(missing_ok=True)
        raise
    lines = explanation.n_rows * max(1, len(_class_names(explanation)))
    return ExportSummary(path, lines, len(columns), time.perf_counter() - started)


def _block(explanation: Explanation, start: int, stop: int) -> list[list]:
    """Rows ``start:stop`` as the export's columns, one line per row (or per row and class, classes inner).

    Floats go to the csv module as Python floats, which it writes with ``repr``: the shortest text that
    reads back as the same float64.
    """
    values = np.asarray(explanation.values[start:stop], dtype=np.float64)
    base = np.asarray(explanation.base_values[start:stop], dtype=np.float64).reshape(-1)
    outputs = np.asarray(explanation.outputs[start:stop], dtype=np.float64).reshape(-1)
    ids = safe_cells(str(i) for i in explanation.row_ids[start:stop])
    leading = [ids]
    classes = safe_cells(_class_names(explanation))
    if classes:  # (rows, features, classes) -> (rows x classes, features)
        values = values.transpose(0, 2, 1).reshape(-1, values.shape[1])
        leading = [[i for i in ids for _ in classes], list(classes) * len(ids)]
    scale = [explanation.output_scale] * values.shape[0]
    return [*leading, *values.T.tolist(), base.tolist(), outputs.tolist(), scale]


def _class_names(explanation: Explanation) -> tuple[str, ...]:
    """The names of the class axis to unfold into lines; empty for a 2-D explanation."""
    if not explanation.is_multiclass:
        return ()
    if len(explanation.class_names) != explanation.values.shape[2]:
        raise ValueError(UNNAMED_CLASSES.format(classes=explanation.values.shape[2], names=explanation.class_names))
    return explanation.class_names
