"""Static rendering for the report: plotly figures to inline SVG, the report's HTML to PDF, PDF pages to PNG.

One browser draws everything: Debian's ``chromium`` (or the one named by ``PORTAL_CHROMIUM`` / ``BROWSER_PATH``).

- :func:`figures_to_svg` draws plotly figures with kaleido in one browser start (about 0.25 s a figure after 2 s of
  start-up on two cores), so the pages' own figure builders serve the report too. Plotly.js gives each drawing a
  random id (clip paths, colour-bar gradients) and each trace without a ``uid`` a random one; both are replaced by
  names derived from the figure's content, so the same figure gives the same bytes on every run and two different
  figures inlined in one HTML file never share an id. Text is set in the figure's font families by name (no
  ``@font-face``, no URL): the SVG is byte-identical on the same machine and fonts; another machine's fonts may
  move text by a pixel.
- :func:`html_to_pdf` prints the HTML with headless Chromium's print-to-PDF (``@page`` size and margins and
  ``@media print`` honoured; no header or footer, so no file path or date on the pages; name lookups blocked, so
  the document cannot fetch anything). Chromium's PDF is byte-identical between runs except ``/CreationDate`` and
  ``/ModDate``; when ``SOURCE_DATE_EPOCH`` is set both are set to it, and the file is then reproducible too.
- :func:`pdf_page_images` turns pages into PNG with poppler's ``pdftoppm``, for tests and the README.

Anything missing on the machine (the browser, kaleido, pdftoppm), or a browser that stops answering, raises
:class:`RenderUnavailable`, whose text is one line for the user: what is missing and how to install it. Chromium's
own stderr chatter never reaches the terminal.
"""

from __future__ import annotations

import asyncio
import hashlib
import json
import logging
import os
import re
import shutil
import signal
import subprocess
import tempfile
import threading
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import plotly.graph_objects as go

BROWSER_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable", "chrome")
INSTALL_BROWSER = "install Debian's chromium (apt-get install chromium) or set PORTAL_CHROMIUM=/path/to/chrome"
INSTALL_KALEIDO = "install it with .venv/bin/pip install kaleido==1.5.0"
INSTALL_POPPLER = "install poppler-utils (apt-get install poppler-utils)"
DEFAULT_HEIGHT = 450  # plotly.js's own default when a figure sets no height
START_SECONDS = 60.0  # browser start-up, generous for a loaded two-core machine
FIGURE_SECONDS = 30.0  # one figure
PDF_SECONDS = 180.0
_LOUD_LOGGERS = ("browser_proc", "choreographer", "kaleido")  # Chromium's stderr and their watchdogs' words


class RenderUnavailable(Exception):
    """Rendering cannot run on this machine; ``str(e)`` is one user-facing line: what is missing, how to install."""


def find_browser() -> str | None:
    """The Chromium to use: ``PORTAL_CHROMIUM``, else ``BROWSER_PATH`` (kaleido's own variable), else the PATH."""
    for variable in ("PORTAL_CHROMIUM", "BROWSER_PATH"):
        named = os.environ.get(variable)
        if named:
            return named if os.access(named, os.X_OK) else None
    for name in BROWSER_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def _browser() -> str:
    path = find_browser()
    if path is None:
        raise RenderUnavailable(f"no Chromium found to draw the report's figures: {INSTALL_BROWSER}")
    return path


# --- figures to SVG ---------------------------------------------------------------------------------------------


def figures_to_svg(
    figures: Sequence[go.Figure],
    *,
    width: int = 900,
    height: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[str]:
    """Static SVG text, ready to inline in HTML, for each figure, drawn in one browser start.

    ``height`` defaults to each figure's ``layout.height`` (else plotly's 450). The result is byte-identical across
    runs for the same figure and carries no external reference; a figure that points at an image by URL is refused
    (``ValueError``), since the report must open without a network. ``progress(done, total)`` hears each figure
    drawn (from the drawing thread).
    """
    if not figures:
        return []
    browser = _browser()
    try:
        import kaleido  # noqa: F401  (imported here: only reports need it)
    except ImportError:
        raise RenderUnavailable(f"kaleido is missing, needed to draw the report's figures: {INSTALL_KALEIDO}") from None
    prepared = [_prepared(figure) for figure in figures]
    sizes = [(width, height or figure.layout.height or DEFAULT_HEIGHT) for figure in prepared]
    timeout = START_SECONDS + FIGURE_SECONDS * len(prepared)
    raw = _run_async(_draw(browser, prepared, sizes, progress), timeout, what="drawing the report's figures")
    names = _drawing_names(prepared)
    return [_normalised(svg, name, index) for index, (svg, name) in enumerate(zip(raw, names, strict=True))]


def _prepared(figure: go.Figure) -> go.Figure:
    """A copy whose traces all carry a ``uid`` (plotly.js would draw a random one into the SVG's ids)."""
    copy = go.Figure(figure)
    for index, trace in enumerate(copy.data):
        if getattr(trace, "uid", None) is None:
            trace.uid = f"t{index}"
    return copy


def _drawing_names(figures: Sequence[go.Figure]) -> list[str]:
    """An id stem per figure from its content: equal figures get equal names, different ones different names."""
    names = []
    for figure in figures:
        digest = hashlib.sha256(json.dumps(figure.to_plotly_json(), sort_keys=True, default=str).encode()).hexdigest()
        names.append("f" + digest[:10])
    return names


async def _draw(browser: str, figures: list[go.Figure], sizes: list[tuple[int, int]], progress=None) -> list[str]:
    import kaleido

    out: list[str] = []
    # mathjax=False: kaleido would otherwise load MathJax from a CDN; plotly.js comes from the installed plotly.
    k = kaleido.Kaleido(n=1, path=browser, mathjax=False, timeout=FIGURE_SECONDS)
    try:
        await k.open()
        for figure, (w, h) in zip(figures, sizes, strict=True):
            svg = await k.calc_fig(figure, opts={"format": "svg", "width": w, "height": h})
            out.append(svg.decode("utf-8"))
            if progress is not None:
                progress(len(out), len(figures))
        await k.close()
    finally:  # cancelled (timeout) or failed: the browser must not outlive the call
        _end_group(getattr(k, "subprocess", None))
    return out


_ATTRIBUTE = re.compile(r'="[^"]*"')
_EXTERNAL = re.compile(r"""(?:href|src)\s*=\s*["']\s*(?:https?:)?//|url\(\s*["']?\s*(?:https?:)?//""", re.I)


def _normalised(svg: str, name: str, index: int) -> str:
    """Replace plotly.js's random drawing id by ``name`` (inside attribute values only, never in text)."""
    found = re.search(r'id="defs-([0-9a-z]+)"', svg)
    if found:
        uid = found.group(1)
        svg = _ATTRIBUTE.sub(lambda m: m.group(0).replace(uid, name), svg)
    if _EXTERNAL.search(svg):
        raise ValueError(f"figure {index} refers to an external URL (an image by address?); the report must not")
    return svg


# --- running the browser ------------------------------------------------------------------------------------------


def _quiet_browser_logs() -> None:
    for name in _LOUD_LOGGERS:
        logger = logging.getLogger(name)
        logger.propagate = False
        if not any(isinstance(handler, logging.NullHandler) for handler in logger.handlers):
            logger.addHandler(logging.NullHandler())


def _run_async(coroutine, timeout: float, *, what: str):
    """Run ``coroutine`` on its own event loop in a thread (callers may already run a loop), bounded in time."""
    _quiet_browser_logs()
    box: dict[str, object] = {}

    def run() -> None:
        try:
            box["value"] = asyncio.run(asyncio.wait_for(coroutine, timeout))
        except BaseException as error:  # noqa: BLE001  (handed to the calling thread)
            box["error"] = error

    thread = threading.Thread(target=run, name="portal-render", daemon=True)
    thread.start()
    thread.join(timeout + 30)  # wait_for has cancelled by then and the browser is closing
    if thread.is_alive():
        raise RenderUnavailable(f"Chromium stopped answering while {what} (over {timeout:.0f} s); try again")
    error = box.get("error")
    if error is None:
        return box["value"]
    if isinstance(error, TimeoutError | asyncio.TimeoutError) or _is_cancelled_start(error):
        raise RenderUnavailable(f"Chromium did not finish {what} within {timeout:.0f} s; try again") from None
    if _is_browser_failure(error):
        reason = _first_line(error)
        raise RenderUnavailable(f"Chromium could not start for {what} ({reason}); {INSTALL_BROWSER}") from None
    raise error


def _is_browser_failure(error: BaseException) -> bool:
    try:
        from choreographer.errors import BrowserClosedError, BrowserFailedError, ChromeNotFoundError
    except ImportError:
        return False
    return isinstance(error, BrowserClosedError | BrowserFailedError | ChromeNotFoundError)


def _is_cancelled_start(error: BaseException) -> bool:
    """choreographer reports a start cut short by the time limit as a failed start; its cause says otherwise."""
    return isinstance(error.__cause__ or error.__context__, asyncio.CancelledError)


def _first_line(error: BaseException) -> str:
    first = error.args[0] if error.args and isinstance(error.args[0], str) else str(error)
    text = first.strip().splitlines()
    return text[0][:160] if text else type(error).__name__


# --- HTML to PDF --------------------------------------------------------------------------------------------------


def html_to_pdf(html: str, out: Path) -> None:
    """Print ``html`` to ``out`` as PDF with headless Chromium: A4 unless the document's ``@page`` says otherwise,
    print CSS honoured, no header or footer. The file is replaced atomically.

    Determinism: Chromium's PDF differs between runs only in ``/CreationDate`` and ``/ModDate``; with
    ``SOURCE_DATE_EPOCH`` set, both carry that time and the file is byte-identical for the same HTML.
    """
    browser = _browser()
    out = Path(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="portal-pdf-") as tmp:
        page = Path(tmp) / "report.html"
        page.write_text(_a4_by_default(html), encoding="utf-8")
        printed = Path(tmp) / "report.pdf"
        command = [
            browser,
            "--headless",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-dev-shm-usage",
            "--disable-extensions",
            "--disable-background-networking",
            "--disable-component-update",
            "--no-first-run",
            "--host-resolver-rules=MAP * ~NOTFOUND",  # the document cannot fetch anything
            f"--user-data-dir={Path(tmp) / 'profile'}",  # a profile of its own: no lock shared with another Chromium
            "--no-pdf-header-footer",
            f"--print-to-pdf={printed}",
            page.as_uri(),
        ]
        code = _run_browser(command, PDF_SECONDS)
        if not printed.is_file() or printed.read_bytes()[:5] != b"%PDF-":
            raise RenderUnavailable(f"Chromium did not write the PDF (exit code {code}); {INSTALL_BROWSER}")
        data = _dated(printed.read_bytes())
        partial = out.with_name(out.name + ".partial")
        partial.write_bytes(data)
        os.replace(partial, out)


_HEAD = re.compile(r"<head(?:\s[^>]*)?>", re.I)
A4 = "<style>@page { size: A4; }</style>"  # Chromium's own default is US Letter


def _a4_by_default(html: str) -> str:
    """A4 first thing in the head, so that any ``@page`` rule of the document, coming later, wins."""
    found = _HEAD.search(html)
    return html[: found.end()] + A4 + html[found.end() :] if found else A4 + html


def _run_browser(command: list[str], timeout: float) -> int:
    """Run Chromium quietly in its own process group; on timeout end the whole group and say so."""
    try:
        process = subprocess.Popen(  # noqa: S603  (a fixed command line, no shell)
            command,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
            start_new_session=True,
        )
    except OSError as error:
        raise RenderUnavailable(f"Chromium could not start ({error.strerror}); {INSTALL_BROWSER}") from None
    try:
        return process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        _end_group(process)
        raise RenderUnavailable(f"Chromium did not finish printing the PDF within {timeout:.0f} s; try again") from None
    finally:
        if process.poll() is None:
            _end_group(process)


def _end_group(process: subprocess.Popen | None) -> None:
    """Kill the process group a browser was started in (its own session: Chromium's helpers go with it)."""
    if process is None:
        return
    try:
        os.killpg(process.pid, signal.SIGKILL)
    except (ProcessLookupError, PermissionError):
        pass
    try:
        process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        pass


_PDF_DATE = re.compile(rb"/(CreationDate|ModDate) \(D:\d{14}[^)]*\)")


def _dated(pdf: bytes) -> bytes:
    """Set the info dates to ``SOURCE_DATE_EPOCH`` when it is set, keeping every byte offset."""
    epoch = os.environ.get("SOURCE_DATE_EPOCH")
    if not epoch or not epoch.strip().isdigit():
        return pdf
    stamp = time.strftime("%Y%m%d%H%M%S", time.gmtime(int(epoch))).encode()

    def replace(match: re.Match[bytes]) -> bytes:
        old = match.group(0)
        new = b"/" + match.group(1) + b" (D:" + stamp + b"+00'00')"
        return new.ljust(len(old)) if len(new) <= len(old) else old

    return _PDF_DATE.sub(replace, pdf)


# --- PDF pages to PNG ---------------------------------------------------------------------------------------------


def pdf_page_images(pdf: Path, out_dir: Path, *, dpi: int = 60) -> list[Path]:
    """Each page of ``pdf`` as ``page-N.png`` in ``out_dir`` (poppler's ``pdftoppm``), in page order."""
    tool = shutil.which("pdftoppm")
    if tool is None:
        raise RenderUnavailable(f"pdftoppm is missing, needed to turn PDF pages into images: {INSTALL_POPPLER}")
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    prefix = out_dir / "page"
    try:
        done = subprocess.run(  # noqa: S603
            [tool, "-r", str(dpi), "-png", str(pdf), str(prefix)],
            stdin=subprocess.DEVNULL,
            capture_output=True,
            timeout=PDF_SECONDS,
            check=False,
        )
    except subprocess.TimeoutExpired:
        raise RenderUnavailable(f"pdftoppm did not finish within {PDF_SECONDS:.0f} s") from None
    if done.returncode != 0:
        message = done.stderr.decode(errors="replace").strip().splitlines()
        raise ValueError(f"pdftoppm could not read {pdf}: {message[0] if message else done.returncode}")
    numbered = (re.fullmatch(r"page-(\d+)\.png", path.name) for path in out_dir.glob("page-*.png"))
    return [out_dir / m.group(0) for m in sorted(filter(None, numbered), key=lambda m: int(m.group(1)))]
