"""WCAG 2.1 AA checks of a page in the browser: axe-core (Deque's engine, bundled by ``axe-core-python``) run
through selenium, reporting the violations a screen-reader or low-vision user would meet (serious, critical)."""

from __future__ import annotations

import time
from importlib.resources import files

AXE = (files("axe_core_python") / "axe.min.js").read_text(encoding="utf-8")
RULES = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
SERIOUS = ("serious", "critical")
RUN = (
    "const done = arguments[arguments.length - 1];"
    "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
    ".then(result => done(result.violations)).catch(error => done(String(error)));"
)


def serious_violations(driver, settle: float = 1.0) -> list[str]:
    """One line per serious or critical WCAG 2.1 AA violation on the page as it stands: rule, count, first place."""
    time.sleep(settle)  # let the page's own accessibility fixes (assets/access.js) run after the last redraw
    driver.execute_script(AXE)
    driver.set_script_timeout(60)
    found = driver.execute_async_script(RUN, RULES)
    if isinstance(found, str):
        raise AssertionError(f"axe-core failed: {found}")
    return [
        f"{v['id']} ({v['impact']}, {len(v['nodes'])}x): {v['nodes'][0]['target']} {v['help']}"
        for v in found
        if v["impact"] in SERIOUS
    ]
