"""``python -m portal figures (--config F | --demo NAME) --out DIR [--model NAME] [--rows ID,...] [--format F]``.

Static, print-quality figures in shap's own style, drawn from the stored exact explanations (computed first if
needed; progress on stderr). Every skipped file is one line on stderr saying why; stdout holds the summary: one line
per model (and one for the decision plots comparing them), then the total.
"""

from __future__ import annotations

import argparse
import sys
import time
from contextlib import redirect_stdout
from pathlib import Path

from portal.cli._progress import explained_all
from portal.cli._shared import (
    EXIT_FAILED,
    EXIT_OK,
    check_rows,
    interrupted,
    opened,
    project_config,
)
from portal.config import ConfigError, ProjectConfig

WROTE = "{model}: {n} file(s) in {out}"
TOTAL = "wrote {n} figure(s) to {out} in {seconds:.1f} s ({skipped} skipped)"
ROWS_CHOSEN = "rows: {rows} ({how})"
NO_COMPARE = "no decision plots: they compare every model; run without --model to draw them"


def run(args: argparse.Namespace) -> int:
    config = project_config(args, required=True)
    rows = tuple(r.strip() for r in args.rows.split(",") if r.strip()) if args.rows else None
    return figures(config, out=args.out, model=args.model, rows=rows, fmt=args.format, class_name=args.class_name)


def figures(
    config: ProjectConfig,
    *,
    out: Path,
    model: str | None = None,
    rows: tuple[str, ...] | None = None,
    fmt: str = "png",
    class_name: str | None = None,
) -> int:
    """Compute every model's own explanation if needed, then draw the figures. Exit 0 (done, skipped files said),
    1 (an explanation failed), 2 (a mistake in the project or options), 130 (Ctrl+C)."""
    from portal.reports import FORMATS

    started = time.perf_counter()
    if fmt not in FORMATS:
        raise ConfigError(
            "--format", f"'{fmt}' is not a format this command writes", f"use one of {', '.join(FORMATS)}"
        )
    _check_model(config, model)
    if rows is not None:
        check_rows(config, rows)
    _check_out(out)
    with redirect_stdout(sys.stderr), opened(config) as project:
        try:
            if not explained_all(project):
                return EXIT_FAILED
            written = _draw(project, out, model=model, rows=rows, fmt=fmt, class_name=class_name)
        except KeyboardInterrupt:
            return interrupted()
    for name, paths in written.files.items():
        print(WROTE.format(model=name, n=len(paths), out=out))
    seconds = time.perf_counter() - started
    print(TOTAL.format(n=written.total, out=out, seconds=seconds, skipped=len(written.skipped)))
    return EXIT_OK


def _draw(project, out: Path, *, model, rows, fmt, class_name):
    from portal.reports import choose_rows, figure_data, scale_words, write_static_figures

    explanations = [_one_class(project.explanation(name), class_name) for name in project.model_names]
    if rows is None:
        rows, how = choose_rows(explanations)
        print(ROWS_CHOSEN.format(rows=", ".join(rows), how=how))
    positive = project.facts().positive or (project.class_names()[-1] if project.class_names() else "")
    features = project.dataset.features_by_id
    chosen = [e for e in explanations if model in (None, e.model_name)]
    data = [figure_data(e, features, scale=scale_words(e, positive)) for e in chosen]
    if model is not None:
        print(NO_COMPARE)
    return write_static_figures(data, out, rows=rows, fmt=fmt, compare=model is None, say=print)


def _one_class(explanation, class_name: str | None):
    """A multi-class explanation's slice for ``--class`` (default: its first class); others as they are."""
    if not explanation.is_multiclass:
        return explanation
    names = explanation.class_names
    if class_name is not None and class_name not in names:
        raise ConfigError("--class", f"no class '{class_name}'", f"use one of {', '.join(names)}")
    return explanation.for_class(class_name or names[0])


def _check_model(config: ProjectConfig, model: str | None) -> None:
    known = [m.name for m in config.models]
    if model is not None and model not in known:
        raise ConfigError("--model", f"'{model}' is not a model of this project", f"use one of {', '.join(known)}")


def _check_out(out: Path) -> None:
    if out.exists() and not out.is_dir():
        raise ConfigError("--out", f"{out} is a file, not a folder", "name a folder (it is created if missing)")
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise ConfigError("--out", f"cannot create {out} ({error.strerror})", "write elsewhere") from None
