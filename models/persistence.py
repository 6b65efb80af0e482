"""Saving and loading fitted models safely, with skops.

skops files do not run code on load; a file only loads when every type it would create is trusted.
The portal's own files trust types from the libraries that built them; a user's file must list any
other type in ``trusted = [...]`` (shown to them, as the exact line to add, when it is refused). Pickle
and joblib files run code when loaded, so they load only with an explicit ``trust = true``; the caller
that accepts one tells the user (see :data:`CODE_RUNNING_WARNING`), so worker processes that load the
same file again stay quiet.
"""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import skops.io as sio

#: Module roots whose types the portal's own model files may contain.
LIBRARY_ROOTS = ("sklearn", "interpret", "numpy", "scipy")
CODE_RUNNING_SUFFIXES = (".pkl", ".pickle", ".joblib")

UNTRUSTED = (
    "{file} contains types skops does not trust by default: {refused}. "
    "If you trust this file, add this line to its [[models]] table: trusted = [{needed}]"
)
CODE_RUNNING = (
    "{file} is a {suffix} file, and loading it runs any code it contains. If you made it yourself, "
    "add trust = true to its [[models]] table; safer: save the model with skops.io.dump and point path at that file"
)
CODE_RUNNING_WARNING = "warning: loading {file} with joblib (trust = true): this runs any code the file contains"


class UntrustedModelError(ValueError):
    """A model file would create types nobody has said to trust.

    ``types`` are the refused ones; ``needed`` is every type the file needs trusted, which is what
    the ``trusted = [...]`` line shown to the user lists.
    """

    def __init__(self, path: Path, types: list[str], needed: list[str] | None = None) -> None:
        self.types = types
        self.needed = needed or types
        super().__init__(
            UNTRUSTED.format(file=path.name, refused=", ".join(types), needed=", ".join(f'"{t}"' for t in self.needed))
        )


class CodeRunningModelError(ValueError):
    """A pickle or joblib file, which runs code when loaded, without ``trust = true``."""

    def __init__(self, path: Path) -> None:
        super().__init__(CODE_RUNNING.format(file=path.name, suffix=path.suffix))


def save_model(model: Any, path: Path) -> None:
    """Write atomically: a crash leaves the old file or the new one, never half of one."""
    path.parent.mkdir(parents=True, exist_ok=True)
    handle, staging = tempfile.mkstemp(prefix=".tmp-", suffix=".skops", dir=path.parent)
    os.close(handle)
    sio.dump(model, staging)
    os.replace(staging, path)


def library_types(path: Path, untrusted: list[str] | None = None) -> list[str]:
    """Types in a file that come from the libraries the portal itself builds models with.

    ``untrusted``: the file's ``get_untrusted_types`` if already read (reading it costs 0.1-0.3 s).
    """
    untrusted = sio.get_untrusted_types(file=path) if untrusted is None else untrusted
    return [t for t in untrusted if t.split(".")[0] in LIBRARY_ROOTS]


def runs_code(path: Path) -> bool:
    """A pickle or joblib file: loading it runs whatever code it contains."""
    return Path(path).suffix.lower() in CODE_RUNNING_SUFFIXES


def load_model(path: Path, *, trusted: Iterable[str] = (), trust: bool = False, own: bool = False) -> Any:
    """Load a fitted model: skops with a trust list, pickle/joblib only when ``trust`` is set.

    ``own`` marks a file the portal wrote into its private cache: library types are trusted there.
    A user's file gets no such allowance: every type beyond skops' defaults must be listed.

    Raises
    ------
    UntrustedModelError : a skops file needs types that are not in ``trusted``.
    CodeRunningModelError : a pickle/joblib file without ``trust``.
    """
    path = Path(path)
    if runs_code(path):
        if not trust:
            raise CodeRunningModelError(path)
        import joblib

        return joblib.load(path)
    untrusted = sio.get_untrusted_types(file=path)
    allowed = set(trusted) | (set(library_types(path, untrusted)) if own else set())
    refused = [t for t in untrusted if t not in allowed]
    if refused:
        raise UntrustedModelError(path, refused, needed=list(untrusted))
    return sio.load(path, trusted=sorted(allowed & set(untrusted)))
