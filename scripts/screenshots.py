"""Screenshots of a running portal's pages for the README, taken in headless Chromium.

Usage: .venv/bin/python scripts/screenshots.py http://127.0.0.1:8050 docs/screenshots [row id] [page ...]
       [--width 1400]
Waits until every page's charts have drawn before each shot. Naming pages (e.g. ``fairness``) shoots only those;
``--width`` sets the window's width in pixels (check layouts at 1000 and 1600).
"""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.common.by import By

PAGES = {
    "overview": "/",
    "global": "/global",
    "local": "/local?id={row}",
    "feature": "/feature?feature=tenure&colour-by=contract",
    "performance": "/performance",
    "fairness": "/fairness",
    "interactions": "/interactions",
    "monitoring": "/monitoring",
}
#: What each page waits for before its shot; every other page waits for its plotly charts.
CHARTS = {
    "overview": "table",
    "fairness": ".proxy-table",
    "interactions": "button",
    "monitoring": ".monitoring-change-graph .main-svg",  # drawn once the report is built
}
TALLEST = {
    "fairness": 5200,
    "monitoring": 4200,
    "global": 3900,
}  # pixels a shot may grow to (2,400 unless named): /fairness has four sections, /monitoring six panels, /global ends
# with its beeswarms and the stacked force plot


def browser(width: int = 1400, height: int = 1100) -> webdriver.Chrome:
    options = Options()
    options.binary_location = "/usr/bin/chromium"
    for flag in (
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        f"--window-size={width},{height}",
    ):
        options.add_argument(flag)
    return webdriver.Chrome(options=options)


def shoot(base: str, folder: Path, row: str, only: list[str] | None = None, width: int = 1400) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    driver = browser(width)
    try:
        for name, path in PAGES.items():
            if only and name not in only:
                continue
            driver.get(base + path.format(row=row))
            deadline = time.time() + 60
            while time.time() < deadline and not driver.find_elements(
                By.CSS_SELECTOR, CHARTS.get(name, ".js-plotly-plot")
            ):
                time.sleep(0.5)
            time.sleep(3)  # let plotly finish its transitions
            height = driver.execute_script(
                "return Math.max(document.body.scrollHeight, document.documentElement.scrollHeight)"
            )
            driver.set_window_size(width, max(900, min(height + 40, TALLEST.get(name, 2400))))
            time.sleep(1)
            driver.save_screenshot(str(folder / f"{name}.png"))
            print(f"saved {folder / f'{name}.png'}")
    finally:
        driver.quit()


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Screenshots of a running portal's pages.")
    parser.add_argument("base", help="the portal's address, e.g. http://127.0.0.1:8050")
    parser.add_argument("folder", type=Path, help="where the PNG files go")
    parser.add_argument("row", nargs="?", default="C00003", help="the row /local shows (default C00003)")
    parser.add_argument("pages", nargs="*", help=f"only these pages, of {', '.join(PAGES)}")
    parser.add_argument("--width", type=int, default=1400, help="window width in pixels (default 1400)")
    args = parser.parse_args()
    shoot(args.base.rstrip("/"), args.folder, args.row, args.pages or None, args.width)
