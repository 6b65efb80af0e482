"""The report's HTML: Jinja2 templates (in ``templates/``) over the sections, with every chart's SVG inline."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import jinja2

from portal import __version__
from portal.reports.report._document import Skipped


@dataclass(frozen=True)
class TocEntry:
    name: str
    title: str
    reason: str = ""


def render_html(
    sections: Sequence[object],
    *,
    svgs: Mapping[str, str],
    toc: Sequence[TocEntry],
    title: str,
    inputs_hash: str,
    colors: Mapping[str, str],
    live: Mapping[str, str] | None = None,
    plotly_js: str = "",
) -> str:
    """The report's one HTML document; with ``live`` (chart key to figure JSON) and ``plotly_js``, the charts are
    drawn interactive over their SVG where script runs."""
    template = _environment().get_template("report.html.j2")
    return template.render(
        sections=sections,
        svgs=svgs,
        toc=toc,
        title=title,
        inputs_hash=inputs_hash,
        colors=colors,
        live=live or {},
        plotly_js=plotly_js,
        version=__version__,
    )


def anchor(text: str) -> str:
    """An id for an element: letters, digits and dashes only."""
    return re.sub(r"[^A-Za-z0-9]+", "-", str(text)).strip("-").lower() or "x"


def _environment() -> jinja2.Environment:
    env = jinja2.Environment(
        loader=jinja2.PackageLoader("portal.reports.report", "templates"),
        autoescape=True,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
        undefined=jinja2.StrictUndefined,
    )
    env.filters["anchor"] = anchor
    env.tests["skipped"] = lambda value: isinstance(value, Skipped)
    return env
