"""What the JSON reports share: NaN written as null, files replaced atomically, and the shipped schemas."""

from __future__ import annotations

import json
import math
import os
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

SCHEMAS = Path(__file__).resolve().parents[2] / "schemas"


def write_json(value: Mapping[str, Any], out: Path) -> None:
    """Write ``value`` as indented JSON, atomically (a reader never sees half a file); NaN is written as null."""
    text = json.dumps(finite(value), indent=2, allow_nan=False) + "\n"
    handle, temporary = tempfile.mkstemp(dir=out.parent, prefix=f".{out.name}.", suffix=".tmp")
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, out)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise


def finite(value: Any) -> Any:
    """NaN and infinities become None, recursively: JSON has no NaN, and a reader's parser may choke on it."""
    if isinstance(value, float):
        return value if math.isfinite(value) else None
    if isinstance(value, Mapping):
        return {str(k): finite(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [finite(v) for v in value]
    return value


def read_schema(path: Path) -> dict:
    return json.loads(path.read_text(encoding="utf-8"))
