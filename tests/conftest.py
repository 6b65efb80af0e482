"""Shared test set-up: headless Chromium for dash.testing's browser fixtures (``dash_duo``).

Browser tests carry ``@pytest.mark.browser``; run everything else with ``-m "not browser"``. They
are skipped, with the reason, when Chromium or chromedriver is not installed.
"""

from __future__ import annotations

import os
import shutil
import threading

import pytest

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser") or shutil.which("google-chrome")
CHROME_FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--enable-unsafe-swiftshader",
    "--window-size=1400,1000",
)

if shutil.which("chromedriver") is None and os.path.exists("/usr/bin/chromedriver"):
    os.environ["PATH"] += os.pathsep + "/usr/bin"


def pytest_setup_options():
    """dash.testing's hook: the options its Chrome webdriver starts with."""
    from selenium.webdriver.chrome.options import Options

    options = Options()
    if CHROMIUM:
        options.binary_location = CHROMIUM
    for flag in CHROME_FLAGS:
        options.add_argument(flag)
    return options


@pytest.hookimpl(trylast=True)  # after pytest's own thread-exception hook, which this one wraps
def pytest_configure(config):
    """dash.testing stops its threaded server by raising SystemExit in the server's threads: a request still
    being answered at that moment dies with it. That is the harness ending the test, not a failure of the app, so
    only that (SystemExit in a werkzeug request thread) is dropped; every other thread exception still fails."""
    previous = threading.excepthook

    def hook(args):
        thread = getattr(args, "thread", None)
        if args.exc_type is SystemExit and thread is not None and "process_request_thread" in thread.name:
            return
        previous(args)

    threading.excepthook = hook


def pytest_collection_modifyitems(config, items):
    if (CHROMIUM and shutil.which("chromedriver")) or os.environ.get("CI"):
        return  # in CI a missing browser is a failure, never a silent skip
    skip = pytest.mark.skip(
        reason="browser tests need chromium and chromedriver (apt-get install chromium chromium-driver)"
    )
    for item in items:
        if "browser" in item.keywords:
            item.add_marker(skip)
