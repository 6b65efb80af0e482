"""The row search on /local: the server answers a search with at most 50 row ids; the frame stays on the server.

The search, its column and its sort arrive from the browser, or from anyone who can post to the callback: each is
checked against ``MAX_TEXT`` here, before the project reads it, and one past it is named in one line.
"""

from __future__ import annotations

import dash
from dash import Input, Output, State

from layouts import ids
from layouts.row_search import search_error, search_results, sort_options
from portal.analyses import CohortError, RowSearchError, check_length, search_message
from portal.web import PortalServices

MAX_MATCHES = 50


def search_view(
    services: PortalServices, text: str | None, column: str | None, search: str | None = None, sort: str | None = None
):
    """The matches of ``text`` (a value or range of ``column``, or filters) as links, highest ``sort`` first when
    one is chosen, or what to write instead; nothing for an empty box in data order. ``search`` is the page's
    query string, which the links keep."""
    if not (text or "").strip() and not sort:
        return ""
    try:
        for value, what in ((text, "search"), (column, "search column"), (sort, "search sort")):
            check_length(value, what)
        found = services.find_rows(text or "", column, MAX_MATCHES, sort or None)
    except CohortError as error:
        return search_error(search_message(error))
    except RowSearchError as error:
        return search_error(str(error))
    return search_results(found, search, (text or "").strip(), column, sort or None)


def sorts(services: PortalServices) -> list[dict]:
    """The sort chooser's options for this project (a multi-class model predicts a class: no number to sort by)."""
    return sort_options(services.model_names, not services.class_names())


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.ROW_SEARCH_RESULTS, "children"),
        Input(ids.ROW_SEARCH_TEXT, "value"),
        Input(ids.ROW_SEARCH_COLUMN, "value"),
        Input(ids.ROW_SEARCH_BUTTON, "n_clicks"),
        Input(ids.ROW_SEARCH_SORT, "value"),
        State(ids.URL, "search"),
    )
    def _search(text, column, _clicks, sort, search):
        return search_view(services, text, column, search, sort)
