"""A stand-in for :mod:`portal.reports._render` where the real one (headless Chromium through kaleido) is not
available: each figure becomes a small deterministic SVG holding its title and its traces' names, and a "PDF" is the
HTML's bytes behind a PDF header. Tests that check the drawing itself skip without the real module."""

from __future__ import annotations

import contextlib
import html
import json
import sys
import types
from pathlib import Path

import pytest


class RenderUnavailable(RuntimeError):
    pass


def figures_to_svg(figures, *, width: int = 900, height: int | None = None, progress=None) -> list[str]:
    drawn = []
    for figure in figures:
        drawn.append(_svg(figure, width, height))
        if progress is not None:
            progress(len(drawn), len(figures))
    return drawn


def _svg(figure, width: int, height: int | None) -> str:
    layout = figure.to_plotly_json()["layout"]
    title = (layout.get("title") or {}).get("text") or ""
    names = [str(t.get("name")) for t in figure.to_plotly_json()["data"] if t.get("name")]
    tall = height or layout.get("height") or 450
    words = html.escape(json.dumps([title, *names], ensure_ascii=False))
    return f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{tall}"><text>{words}</text></svg>'


def html_to_pdf(text: str, out: Path) -> None:
    Path(out).write_bytes(b"%PDF-1.4 stub\n" + text.encode())


def module() -> types.ModuleType:
    stub = types.ModuleType("portal.reports._render")
    stub.STUB = True
    stub.figures_to_svg = figures_to_svg
    stub.html_to_pdf = html_to_pdf
    stub.RenderUnavailable = RenderUnavailable
    return stub


@contextlib.contextmanager
def installed():
    """The real render module when it imports, else this stand-in in its place for the block."""
    with pytest.MonkeyPatch.context() as patch:
        try:
            import portal.reports._render  # noqa: F401
        except ImportError:
            patch.setitem(sys.modules, "portal.reports._render", module())
        yield


def is_real() -> bool:
    return not getattr(sys.modules.get("portal.reports._render"), "STUB", False)
