"""``python -m portal cache info|clear [--config F | --demo NAME] [--model NAME]``: show or empty the cache.

Without a project, the default cache folder (``PORTAL_CACHE_DIR``, else the user's cache folder). A cache that
cannot be used (a file, someone else's, open to others, read-only) is one line and exit 2 (a CacheError, which
``main`` prints as every ConfigError); a damaged index is set aside and rebuilt, and the line that said so is
printed here too, so these commands always work.
"""

from __future__ import annotations

import argparse
import sys

from portal.cli._shared import EXIT_OK, project_config
from portal.config import ConfigError, default_cache_dir
from portal.jobs import ResultStore, cache_info, cached_model_names, clear_cache, human_bytes

UNKNOWN_MODEL = "'{model}' is not a model of this project"  # as export and figures say it
NOT_CACHED = "'{model}' has no results in the cache"
KNOWN_MODELS = "use one of {names}"
NO_MODELS = "the cache holds no model's results, so there is nothing to clear by name"


def run(args: argparse.Namespace) -> int:
    config = project_config(args)
    store = ResultStore(config.cache_dir if config else default_cache_dir())
    for line in store.notes.values():
        print(line, file=sys.stderr)
    if args.cache_command == "clear":
        known = {spec.name for spec in config.models} if config else None
        return clear(store, model=args.model, known=known)
    return info(store)


def clear(store: ResultStore, *, model: str | None, known: set[str] | None = None) -> int:
    """Remove every cached result, or only ``model``'s results and fitted files.

    ``known``: the project's model names (None without a project). A name that is neither the project's nor
    in the cache is a mistake (one line, exit 2), never a quiet "removed 0".
    """
    if model is not None:
        names = (known or set()) | cached_model_names(store)
        if model not in names:
            problem = (UNKNOWN_MODEL if known is not None else NOT_CACHED).format(model=model)
            fix = KNOWN_MODELS.format(names=", ".join(sorted(names))) if names else NO_MODELS
            raise ConfigError("--model", problem, fix)
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
