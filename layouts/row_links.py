"""Links to one row on /local that keep the rest of the view (cohort, search, ...) the URL already carries.

A row link is a plain ``<a href>``: the page reloads on the row, as the disagreement table's links do, so
there is no callback chain into the row picker, and the link can be opened in a new tab or shared.
"""

from __future__ import annotations

from collections.abc import Mapping

from dash import html

from portal.web import merge_query

LOCAL = "/local"


def row_href(current: str | None, row_id: str, settings: Mapping[str, str | None] | None = None) -> str:
    """``/local?...`` on ``row_id``, the other keys of the ``current`` query string kept and ``settings`` set
    (a key set to None or "" is removed)."""
    wanted = {"id": str(row_id), **{key: value or "" for key, value in (settings or {}).items()}}
    return LOCAL + merge_query(current, wanted)


def row_link(row_id: str, href: str, class_name: str) -> html.A:
    """The row's id as a link, with a title screen readers and hovering pointers can read."""
    return html.A(str(row_id), href=href, className=class_name, title=f"Show the waterfalls of {row_id}")
