"""The overview's "Download report": the callback's function on the fake (the file handed to dcc.Download, the
progress words, one line when the machine cannot draw the report), and the churn demo in a real browser, served by
``python -m portal serve``, where the button's background job hands over the same kind of file as the command."""

from __future__ import annotations

import base64
import time
from pathlib import Path

import pytest
from selenium.common.exceptions import ElementClickInterceptedException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import WebDriverWait

from callbacks.overview import report_file_name, write_report
from layouts import ids
from portal.reports import ExplanationFailed, RenderUnavailable
from portal.web import background_manager
from portal.web.app import create_app
from tests.fakes import FakeServices
from tests.project.test_project import FAST_CHURN
from tests.web.test_demo_browser import MODELS, all_jobs_done, serving


def text_of(component) -> str:
    """The words of a Dash component tree, as a reader sees them."""
    if component is None or isinstance(component, str | int | float):
        return "" if component is None else str(component)
    children = getattr(component, "children", None)
    children = children if isinstance(children, list | tuple) else [children]
    return " ".join(t for t in (text_of(c) for c in children) if t)


def test_the_report_is_handed_to_the_browser_as_a_named_file_with_progress() -> None:
    services, heard = FakeServices(), []
    data, note = write_report(services, heard.append, "html")
    assert data["filename"] == report_file_name(services.title, "html") == "telco-customer-churn-fake-report.html"
    assert data["base64"] is True
    assert base64.b64decode(data["content"]).decode().startswith("<!doctype html><title>Telco customer churn (fake)")
    assert [percent for percent, _ in heard] == [50.0, 100.0]
    assert heard[0][1] == "drawing 3 figures"
    assert text_of(note).startswith("telco-customer-churn-fake-report.html: 1 kB, 3 figures, written in 0 s.")


def test_pdf_is_asked_for_by_its_format_and_anything_else_is_html() -> None:
    data, _ = write_report(FakeServices(), lambda _: None, "pdf")
    assert data["filename"].endswith("-report.pdf")
    assert base64.b64decode(data["content"]).startswith(b"%PDF-")
    data, _ = write_report(FakeServices(), lambda _: None, "docx")
    assert data["filename"].endswith("-report.html")


@pytest.mark.parametrize(
    "error",
    [
        RenderUnavailable("no Chromium found to draw the report's figures: install Debian's chromium"),
        ExplanationFailed("the explanation of 'EBM' failed: out of memory"),
        OSError("disk full\nsecond line"),
    ],
)
def test_a_report_that_cannot_be_written_is_one_line_and_no_file(error: Exception) -> None:
    class Failing(FakeServices):
        def write_report(self, out, *, fmt="html", progress=None):
            raise error

    data, note = write_report(Failing(), lambda _: None, "html")
    assert data is None
    words = text_of(note)
    assert words.startswith("No report. ") and "\n" not in words
    assert str(error).splitlines()[0] in words


@pytest.mark.browser
def test_the_progress_line_shows_while_the_report_is_written_and_cancel_stops_it(dash_duo, tmp_path: Path) -> None:
    services = FakeServices()
    services.report_delay = 30.0
    dash_duo.start_server(create_app(services, background_manager(tmp_path / "dash")))
    dash_duo.wait_for_text_to_equal(f"#{ids.REPORT_BUTTON}", "Download report", timeout=10)
    dash_duo.find_element(f"#{ids.REPORT_BUTTON}").click()
    dash_duo.wait_for_text_to_equal(f"#{ids.REPORT_STATUS}", "drawing 3 figures", timeout=20)
    assert dash_duo.find_element(f"#{ids.REPORT_BAR} .progress-bar").get_attribute("aria-valuenow") == "50"
    assert not dash_duo.find_element(f"#{ids.REPORT_BUTTON}").is_enabled()
    dash_duo.find_element(f"#{ids.REPORT_CANCEL}").click()
    WebDriverWait(dash_duo.driver, 10).until(lambda _: dash_duo.find_element(f"#{ids.REPORT_BUTTON}").is_enabled())
    assert "display: none" in dash_duo.find_element(f"#{ids.REPORT_RUNNING}").get_attribute("style")
    assert dash_duo.find_element(f"#{ids.REPORT_NOTE}").text == ""  # no file, no outcome line
    assert dash_duo.get_logs() == []


@pytest.mark.browser
def test_download_report_on_the_churn_demo_gets_the_file(dash_br, tmp_path: Path) -> None:
    downloads = tmp_path / "downloads"
    downloads.mkdir()
    (tmp_path / "demo").mkdir()
    with serving(tmp_path / "demo", FAST_CHURN) as url:
        dash_br.driver.execute_cdp_cmd(
            "Browser.setDownloadBehavior", {"behavior": "allow", "downloadPath": str(downloads)}
        )
        dash_br.driver.get(url + "/")
        all_jobs_done(dash_br)  # the progress rows above the page then stop moving the button while it is clicked
        button = WebDriverWait(dash_br.driver, 60).until(lambda d: d.find_element(By.ID, ids.REPORT_BUTTON))
        assert button.text == "Download report"
        click_when_clear(dash_br.driver, ids.REPORT_BUTTON)
        WebDriverWait(dash_br.driver, 30).until(lambda d: d.find_element(By.ID, ids.REPORT_RUNNING).is_displayed())
        assert not d_enabled(dash_br, ids.REPORT_BUTTON) and d_enabled(dash_br, ids.REPORT_CANCEL)
        wanted = downloads / "telco-customer-churn-report.html"
        deadline = time.monotonic() + 400
        while not wanted.is_file() and time.monotonic() < deadline:
            time.sleep(1)
        assert wanted.is_file(), dash_br.driver.find_element(By.ID, ids.REPORT_NOTE).text
        html = wanted.read_text(encoding="utf-8")
        note = WebDriverWait(dash_br.driver, 30).until(lambda d: d.find_element(By.ID, ids.REPORT_NOTE).text or None)
    assert note.startswith("telco-customer-churn-report.html: ") and " figures, written in " in note
    assert html.startswith("<!doctype html>") or html.lower().startswith("<!doctype html>")
    assert all(model in html for model in MODELS)
    assert html.count("<svg") >= 3 and "<script" not in html
    assert 10_000 < len(html.encode()) < 5_000_000
    assert d_enabled(dash_br, ids.REPORT_BUTTON) and not d_enabled(dash_br, ids.REPORT_CANCEL)


def d_enabled(dash_br, element_id: str) -> bool:
    return dash_br.driver.find_element(By.ID, element_id).is_enabled()


def click_when_clear(driver, element_id: str, timeout: float = 30) -> None:
    """Click as a user would, once nothing lies over the element: on a loaded machine the overview's cards were
    still settling (the jobs bar, the tables) when the test clicked, and the click landed on another element."""

    def clicked(d) -> bool:
        element = d.find_element(By.ID, element_id)
        d.execute_script("arguments[0].scrollIntoView({block: 'center'})", element)  # above the jobs bar
        element.click()
        return True

    WebDriverWait(driver, timeout, ignored_exceptions=(ElementClickInterceptedException,)).until(clicked)
