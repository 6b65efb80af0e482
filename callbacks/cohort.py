"""The cohort bar: apply or clear a cohort, keep it in the URL, carry it along the navbar's links.

A cohort holds at most ``MAX_TEXT`` characters: the box says so (``maxLength``), and because a crafted request or a
pasted link passes no box, every text that arrives here is checked again, a longer one named in one line.
Applying writes the cohort's text to the page's ``COHORT`` store (what every chart redraws on) and to the
URL's ``?cohort=``, keeping the page's other keys. A text that cannot be read is named in red and changes
nothing else. The charts ask :func:`applied` for the rows, which stay on the server.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode

import dash
from dash import ALL, Input, Output, State

from layouts import ids
from layouts.cohort_bar import ERROR, STATUS, cohort_bar, cohort_store, status_line
from layouts.shell import PAGES
from portal.analyses import MAX_TEXT, CohortError, CohortRows, check_length
from portal.web import PortalServices, ViewState

PAGES_WITH_COHORTS = ("/global", "/local", "/feature", "/performance")
NOT_IN_COHORT = "No row of the cohort is among the rows explained here (a sample, or the rows done so far)."


def applied(services: PortalServices, text: str | None) -> CohortRows | None:
    """The applied cohort's rows, or None for everyone. The store only ever holds text that was read, so a
    CohortError here means the data changed under it: everyone is shown, as the bar would say."""
    if not (text or "").strip():
        return None
    try:
        return services.cohort_rows(check_length(text, "cohort"))
    except CohortError:
        return None


def with_cohort_bar(services: PortalServices, layout, query: dict):
    """The page ``layout`` (title first) with the cohort bar and store under its title, read from ``?cohort=``."""
    text = (query.get("cohort") or [""])[-1]
    try:
        rows = services.cohort_rows(check_length(text, "cohort"))
        shown, status, wrong = rows.text, status_line(rows.n_rows, rows.total, rows.text), False
    except CohortError as error:
        rows, shown, status, wrong = None, text[:MAX_TEXT], str(error), True
    example = services.cohort_example()
    bar = cohort_bar(shown, status, wrong, services.cohort_columns(), column_notes(services), example)
    layout.children[1:1] = [bar, cohort_store(rows.text if rows else "")]
    return layout


DATES = (
    "'{time}' holds dates: '{time} = 2017-07' is July 2017's rows (a monitoring window); a year (2017), a "
    "quarter (2017Q3), a week (2017-W28), a day (2017-07-14) or a range (2017-01..2017-03) work too, and "
    "< <= > >= mean before and after."
)


def column_notes(services: PortalServices) -> list[str]:
    """What 'prediction: <model>' and 'error: <model>' mean in this project, and how its dates are written."""
    facts = services.facts()
    dates = [DATES.format(time=facts.time)] if facts.time else []
    if not facts.is_classification:
        return ["'prediction: <model>' is its predicted value; 'error: <model>' is |actual − predicted|.", *dates]
    classes = services.class_names()
    predicted = "its most probable class" if classes else f"its probability of '{facts.positive}'"
    return [
        f"'prediction: <model>' is {predicted}; 'error: <model>' is 1 − its probability of the actual class "
        "(0: sure and right, 1: sure and wrong).",
        *dates,
    ]


def apply_cohort(services: PortalServices, clear: bool, text: str | None, search: str | None):
    """(store, input text, URL search, status, status class) after Apply/Enter (or Clear); a wrong text
    changes only the status."""
    try:
        rows = services.cohort_rows("" if clear else check_length(text, "cohort"))
    except CohortError as error:
        return dash.no_update, dash.no_update, dash.no_update, str(error), ERROR
    query = ViewState(cohort=rows.text).merged_into(search, ("cohort",))
    return rows.text, rows.text, query, status_line(rows.n_rows, rows.total, rows.text), STATUS


def nav_links(pathname: str | None, search: str | None) -> tuple[list[str], list[bool]]:
    """Each navbar link's address (with the current ``?cohort=``, so the cohort follows the reader) and whether
    it is the page shown; a cohort past the cap is not carried along."""
    cohort = (parse_qs((search or "").lstrip("?")).get("cohort") or [""])[-1]
    cohort = cohort if len(cohort) <= MAX_TEXT else ""
    here = (pathname or "/").rstrip("/") or "/"
    hrefs = [
        href + ("?" + urlencode({"cohort": cohort}) if cohort and href in PAGES_WITH_COHORTS else "")
        for _label, href in PAGES
    ]
    return hrefs, [href == here for _label, href in PAGES]


def register(app: dash.Dash, services: PortalServices) -> None:
    @app.callback(
        Output(ids.COHORT, "data"),
        Output(ids.COHORT_INPUT, "value"),
        Output(ids.URL, "search", allow_duplicate=True),
        Output(ids.COHORT_STATUS, "children"),
        Output(ids.COHORT_STATUS, "className"),
        Input(ids.COHORT_APPLY, "n_clicks"),
        Input(ids.COHORT_INPUT, "n_submit"),
        Input(ids.COHORT_CLEAR, "n_clicks"),
        State(ids.COHORT_INPUT, "value"),
        State(ids.URL, "search"),
        prevent_initial_call=True,
    )
    def _apply(_applied, _submitted, _cleared, text, search):
        return apply_cohort(services, dash.ctx.triggered_id == ids.COHORT_CLEAR, text, search)

    @app.callback(
        Output(ids.nav_link(ALL), "href"),
        Output(ids.nav_link(ALL), "active"),
        Input(ids.URL, "pathname"),
        Input(ids.URL, "search"),
    )
    def _nav(pathname, search):
        return nav_links(pathname, search)
