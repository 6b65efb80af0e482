"""Saving and loading fitted models safely, with skops.

skops files do not run code on load; a file only loads when every type it would create is trusted.
The portal's own files trust types from the libraries that built them; a user's file must list any
other type in ``trusted = [...]`` (shown to them when it is refused). Pickle and joblib files run code
when loaded, so they load only with an explicit ``trust = true``.
"""

from __future__ import annotations

import os
import tempfile
import warnings
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import skops.io as sio

#: Module roots whose types the portal's own model files may contain.
LIBRARY_ROOTS = ("sklearn", "interpret", "numpy", "scipy")
CODE_RUNNING_SUFFIXES = (".pkl", ".pickle", ".joblib")


class UntrustedModelError(ValueError):
    """A model file would create types nobody has said to trust."""

    def __init__(self, path: Path, types: list[str]) -> None:
        self.types = types
        listed = ", ".join(f'"{t}"' for t in types)
        super().__init__(
            f"{path.name} contains types that are not trusted: {listed}. "
            f"If you trust this file, add trusted = [{listed}] to its [[models]] table"
        )


def save_model(model: Any, path: Path) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".skops", dir=path.parent)
    os.close(handle)
    sio.dump(model, staging)
    os.replace(staging, path)


def library_types(path: Path) -> list[str]:
    """Types in a file that come from the libraries the portal itself builds models with."""
    return [t for t in sio.get_untrusted_types(file=path) if t.split(".")[0] in LIBRARY_ROOTS]


def load_model(path: Path, *, trusted: Iterable[str] = (), trust: bool = False, own: bool = False) -> Any:
    """Load a fitted model: skops with a trust list, pickle/joblib only when ``trust`` is set.

    ``own`` marks a file the portal wrote into its private cache: library types are trusted there.
    A user's file gets no such allowance: every type beyond skops' defaults must be listed.
    """
    path = Path(path)
    if path.suffix.lower() in CODE_RUNNING_SUFFIXES:
        return _load_code_running(path, trust)
    untrusted = sio.get_untrusted_types(file=path)
    allowed = set(trusted) | (set(library_types(path)) if own else set())
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UntrustedModelError(path, refused)
    return sio.load(path, trusted=sorted(allowed & set(untrusted)))


def _load_code_running(path: Path, trust: bool) -> Any:
    if not trust:
        raise UntrustedModelError(
            path, [f"{path.suffix} files run code when loaded; set trust = true only for files you made"]
        )
    warnings.warn(f"loading {path.name} with pickle/joblib: this runs any code the file contains", stacklevel=2)
    import joblib

    return joblib.load(path)
