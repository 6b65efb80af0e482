"""``python -m portal cache info|clear [--config F | --demo NAME] [--model NAME]``: show or empty the cache.

Without a project, the default cache folder (``PORTAL_CACHE_DIR``, else the user's cache folder).
"""

from __future__ import annotations

import argparse

from portal.cli._shared import EXIT_OK, project_config
from portal.config import default_cache_dir
from portal.jobs import ResultStore, cache_info, clear_cache, human_bytes


def run(args: argparse.Namespace) -> int:
    config = project_config(args)
    store = ResultStore(config.cache_dir if config else default_cache_dir())
    if args.cache_command == "clear":
        return clear(store, model=args.model)
    return info(store)


def clear(store: ResultStore, *, model: str | None) -> int:
    """Remove every cached result, or only ``model``'s results and fitted files."""
    removed = clear_cache(store, model)
    print(f"removed {removed} cached entries{f' of {model!r}' if model else ''} from {store.root}")
    return EXIT_OK


def info(store: ResultStore) -> int:
    """Where the cache is, its size, and one line per explanation (a common-scale job as ``NAME (common)``)."""
    held = cache_info(store)
    print(f"cache: {held.root}\nsize: {human_bytes(held.total_bytes)}\nfitted model files: {held.n_model_files}")
    print(f"explanations: {len(held.explanations)}")
    for e in held.explanations:
        seconds = f", {e.seconds:.1f} s" if e.seconds is not None else ""
        name = f"{e.model_name} (common)" if e.scale == "common" else e.model_name
        print(f"  {name}: {e.state}, {e.n_rows:,} rows, {human_bytes(e.bytes)}{seconds} [{e.key}]")
    return EXIT_OK
