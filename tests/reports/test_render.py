"""The report's static rendering: plotly figures to SVG (byte-identical across runs, no URL, valid XML with a size),
HTML to a PDF whose page is not blank, and one line, never a traceback, when Chromium or pdftoppm is missing or the
browser hangs."""

from __future__ import annotations

import re
import shutil
import subprocess
import xml.etree.ElementTree as ET

import numpy as np
import plotly.graph_objects as go
import pytest
from PIL import Image

from portal.reports import _render
from portal.reports._render import RenderUnavailable, figures_to_svg, html_to_pdf, pdf_page_images

needs_chromium = pytest.mark.skipif(_render.find_browser() is None, reason="needs chromium (apt-get install chromium)")
needs_pdftoppm = pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="needs apt-get install poppler-utils")
SVG = "{http://www.w3.org/2000/svg}svg"
NAMESPACES = {"http://www.w3.org/2000/svg", "http://www.w3.org/1999/xlink"}


def _figure(title: str = "Importance", height: int | None = 320) -> go.Figure:
    """A bar with a colour bar (a gradient id) and a scatter on a second axis (clip paths): the random ids."""
    rng = np.random.default_rng(3)
    figure = go.Figure()
    figure.add_bar(
        x=rng.normal(size=8),
        y=[f"feature {i}" for i in range(8)],
        orientation="h",
        marker={"color": rng.normal(size=8), "colorscale": "Viridis", "showscale": True},
    )
    figure.add_scatter(x=rng.normal(size=40), y=rng.normal(size=40), mode="markers", xaxis="x2", yaxis="y2")
    figure.update_layout(
        title=title,
        height=height,
        xaxis={"domain": [0, 0.45]},
        xaxis2={"domain": [0.55, 0.9], "anchor": "y2"},
        yaxis2={"anchor": "x2"},
    )
    return figure


@pytest.fixture(scope="module")
def drawn():
    """Two batches of the same figures, so browser start-ups are paid twice for the whole module."""
    if _render.find_browser() is None:
        pytest.skip("needs chromium (apt-get install chromium)")
    figures, heard = [_figure("One"), _figure("Two", height=None)], []
    first = figures_to_svg(figures, width=700, progress=lambda done, total: heard.append((done, total)))
    return first, figures_to_svg(figures, width=700), heard


def test_each_figure_drawn_is_heard(drawn):
    assert drawn[2] == [(1, 2), (2, 2)]


def test_the_same_figure_gives_the_same_svg_bytes(drawn):
    first, second, _ = drawn
    assert first == second
    assert first[0] != first[1]


def test_two_figures_in_one_document_share_no_id(drawn):
    ids = [set(re.findall(r'\bid="([^"]+)"', svg)) for svg in drawn[0]]
    assert ids[0] and ids[1]
    assert not ids[0] & ids[1]


def test_svg_refers_to_nothing_outside_itself(drawn):
    for svg in drawn[0]:
        assert set(re.findall(r"https?://[^\s\"'<>)]+", svg)) <= NAMESPACES
        assert "@font-face" not in svg
        for reference in re.findall(r"url\(([^)]*)\)", svg):
            assert reference.strip("'\"").startswith("#"), reference


def test_svg_is_an_xml_document_with_the_asked_size(drawn):
    one, two = (ET.fromstring(svg) for svg in drawn[0])
    assert one.tag == SVG
    assert (one.get("width"), one.get("height")) == ("700", "320")
    assert (two.get("width"), two.get("height")) == ("700", str(_render.DEFAULT_HEIGHT))


def test_a_figure_pointing_at_an_image_url_is_refused():
    with pytest.raises(ValueError, match="external URL"):
        svg = '<svg><defs id="defs-abc"/><image xlink:href="https://example.com/logo.png"/></svg>'
        _render._normalised(svg, "f1", 0)


def test_no_figures_start_no_browser(monkeypatch):
    monkeypatch.setattr(_render, "find_browser", lambda: None)
    assert figures_to_svg([]) == []


@needs_chromium
@needs_pdftoppm
def test_html_with_an_inline_svg_prints_to_a_pdf_with_ink_on_its_page(tmp_path, drawn):
    html = (
        "<!doctype html><html><head><meta charset='utf-8'><title>Report</title>"
        "<style>@page { size: A4; margin: 15mm } svg { max-width: 100%; height: auto }</style></head>"
        f"<body><h1>Models side by side</h1>{drawn[0][0]}</body></html>"
    )
    out = tmp_path / "report.pdf"
    html_to_pdf(html, out)
    assert out.read_bytes()[:5] == b"%PDF-"
    pages = pdf_page_images(out, tmp_path / "pages", dpi=40)
    assert [page.name for page in pages] == ["page-1.png"]
    with Image.open(pages[0]) as image:
        pixels = np.asarray(image.convert("L"), dtype=float)
    assert pixels.shape[0] > pixels.shape[1]  # portrait A4: 297 x 210
    assert pixels.shape[1] == pytest.approx(210 / 25.4 * 40, abs=2)
    assert (pixels < 200).mean() > 0.01  # ink: the heading, the bars and the axes
    assert pixels.std() > 10


@needs_chromium
@needs_pdftoppm
@pytest.mark.parametrize(
    ("style", "millimetres"), [("", (210, 297)), ("<style>@page { size: A5 landscape }</style>", (210, 148))]
)
def test_pages_are_a4_unless_the_document_says_otherwise(tmp_path, style: str, millimetres) -> None:
    html_to_pdf(f"<!doctype html><html><head>{style}</head><body><p>one page</p></body></html>", tmp_path / "p.pdf")
    (page,) = pdf_page_images(tmp_path / "p.pdf", tmp_path / "pages", dpi=50)
    with Image.open(page) as image:
        width, height = image.size
    assert (width, height) == pytest.approx(tuple(mm / 25.4 * 50 for mm in millimetres), abs=2)


@needs_chromium
def test_pdf_bytes_are_reproducible_with_source_date_epoch(tmp_path, monkeypatch):
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1767225600")  # 2026-01-01
    html = "<!doctype html><html><head><title>t</title></head><body><p>the same words</p></body></html>"
    html_to_pdf(html, tmp_path / "a.pdf")
    html_to_pdf(html, tmp_path / "b.pdf")
    first = (tmp_path / "a.pdf").read_bytes()
    assert first == (tmp_path / "b.pdf").read_bytes()
    assert b"/CreationDate (D:20260101000000+00'00')" in first


def test_missing_chromium_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(_render.shutil, "which", lambda name: None)
    monkeypatch.delenv("PORTAL_CHROMIUM", raising=False)
    monkeypatch.delenv("BROWSER_PATH", raising=False)
    for call in (lambda: figures_to_svg([_figure()]), lambda: html_to_pdf("<p>x</p>", tmp_path / "x.pdf")):
        with pytest.raises(RenderUnavailable) as caught:
            call()
        message = str(caught.value)
        assert "\n" not in message
        assert "chromium" in message.lower() and "apt-get install chromium" in message
    assert not (tmp_path / "x.pdf").exists()


def test_missing_pdftoppm_is_one_line(monkeypatch, tmp_path):
    monkeypatch.setattr(_render.shutil, "which", lambda name: None)
    with pytest.raises(RenderUnavailable, match=r"^pdftoppm is missing.*apt-get install poppler-utils\)$"):
        pdf_page_images(tmp_path / "x.pdf", tmp_path)


def test_a_named_browser_that_is_not_there_is_missing(monkeypatch):
    monkeypatch.setenv("PORTAL_CHROMIUM", "/nowhere/chromium")
    assert _render.find_browser() is None


def test_a_hung_browser_ends_in_one_line(monkeypatch, tmp_path):
    """A "browser" that never prints: the PDF times out, its process group is ended, the user reads one line."""
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nsleep 60\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PORTAL_CHROMIUM", str(fake))
    monkeypatch.setattr(_render, "PDF_SECONDS", 1.0)
    with pytest.raises(RenderUnavailable, match=r"did not finish printing the PDF within 1 s") as caught:
        html_to_pdf("<p>x</p>", tmp_path / "x.pdf")
    assert "\n" not in str(caught.value)
    assert not (tmp_path / "x.pdf").exists()


def test_a_browser_that_cannot_start_for_figures_is_one_line(monkeypatch, tmp_path):
    fake = tmp_path / "chromium"
    fake.write_text("#!/bin/sh\nexit 1\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PORTAL_CHROMIUM", str(fake))
    monkeypatch.setattr(_render, "START_SECONDS", 5.0)
    monkeypatch.setattr(_render, "FIGURE_SECONDS", 1.0)
    with pytest.raises(RenderUnavailable) as caught:
        figures_to_svg([_figure()])
    assert "\n" not in str(caught.value)
    assert "Chromium" in str(caught.value)


def test_a_browser_that_never_answers_for_figures_times_out_quietly_and_is_ended(monkeypatch, tmp_path, capfd):
    """A "browser" that starts and says nothing: one line about the time limit, nothing on the terminal, and its
    process group (the wrapper and everything under it) gone."""
    marker = tmp_path / "alive"
    fake = tmp_path / "chromium"
    fake.write_text(f"#!/bin/sh\ntouch {marker}\nexec sleep 120\n")
    fake.chmod(0o755)
    monkeypatch.setenv("PORTAL_CHROMIUM", str(fake))
    monkeypatch.setattr(_render, "START_SECONDS", 3.0)
    monkeypatch.setattr(_render, "FIGURE_SECONDS", 1.0)
    with pytest.raises(RenderUnavailable, match=r"^Chromium did not finish drawing the report's figures within 4 s"):
        figures_to_svg([_figure()])
    assert marker.exists()  # it did start
    running = subprocess.run(["pgrep", "-f", str(fake)], capture_output=True, text=True).stdout.split()
    assert running == []
    out, err = capfd.readouterr()
    assert (out, err) == ("", "")
