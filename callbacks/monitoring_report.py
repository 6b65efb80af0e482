"""The monitoring report of /monitoring, built once per project and scale in a thread of the server.

The report takes seconds the first time and the project keeps it, so no request waits for it: the page polls
:func:`report_state` for a progress line (or how far each explanation has got) until it is ready, and each panel
then reads it through :func:`ready_report`. A failed build is started again at the next poll.
"""

from __future__ import annotations

import threading

from portal.analyses import COMMON, OWN_SCALE, MonitoringError, MonitoringReport
from portal.config import ConfigError
from portal.web import PortalServices

BUILDING = "Building the monitoring report from every model's stored explanations (seconds, the first time only)…"
WAITING = "Monitoring needs every row explained by every model; still computing: {models}."
FAILED = "The monitoring report could not be built: {error}"
COMMON_WAITING = "Monitoring in the common scale (probability) waits: {error}."


# --- the report, built once in a thread --------------------------------------------------------------------------
class _Build:
    """One build of a project's report in a daemon thread of its own (the project keeps the report once built); in
    the common scale, the own one first (its alerts are the page's)."""

    def __init__(self, services: PortalServices, scale: str = OWN_SCALE) -> None:
        self.done, self.error = threading.Event(), None
        threading.Thread(target=self._run, args=(services, scale), name="monitoring-report", daemon=True).start()

    def _run(self, services: PortalServices, scale: str) -> None:
        try:
            services.monitoring()
            if scale == COMMON:
                services.monitoring(COMMON)
        except Exception as error:  # kept for report_state to say in one line
            self.error = error
        finally:
            self.done.set()


_BUILDS: dict[tuple[int, str], _Build] = {}
_LOCK = threading.Lock()


def report_state(services: PortalServices, wait: float = 0.2, scale: str = OWN_SCALE) -> tuple[str, bool]:
    """(the progress line, whether the report in ``scale`` is ready): starts its build when none runs, waits up to
    ``wait`` seconds for it (a report the project has already built answers at once), and after a failed build
    starts again at the next call (explanations still running raise MonitoringError until they are done)."""
    scale = scale_of(services, scale)
    key = (id(services), scale)
    with _LOCK:
        build = _BUILDS.get(key)
        if build is None:
            build = _BUILDS[key] = _Build(services, scale)
    if not build.done.wait(wait):
        return BUILDING, False
    if build.error is None:
        return "", True
    with _LOCK:
        if _BUILDS.get(key) is build:
            del _BUILDS[key]
    if isinstance(build.error, MonitoringError):
        if scale == COMMON:
            return COMMON_WAITING.format(error=str(build.error).splitlines()[0]), False
        return WAITING.format(models=_still_computing(services)), False
    return FAILED.format(error=(str(build.error).splitlines() or [type(build.error).__name__])[0]), False


def _still_computing(services: PortalServices) -> str:
    found = []
    for model in services.model_names:
        p = services.progress(model)
        if p.state != "done":
            found.append(f"{model} ({p.done} of {p.total} chunks{', ' + p.state if p.state != 'running' else ''})")
    return ", ".join(found) or "none (starting)"


def ready_report(services: PortalServices, ready: bool, scale: str = OWN_SCALE) -> MonitoringReport | None:
    if not ready:
        return None
    if scale_of(services, scale) == COMMON:  # only once its build has ended well: never built while a request waits
        build = _BUILDS.get((id(services), COMMON))
        if build is None or not build.done.is_set() or build.error is not None:
            return None
    try:
        return services.monitoring(COMMON) if scale_of(services, scale) == COMMON else services.monitoring()
    except (MonitoringError, ConfigError):
        return None


def scale_of(services: PortalServices, scale: str | None) -> str:
    """The common scale where the project has it (classification) and it is asked for; else each model's own."""
    return COMMON if scale == COMMON and services.facts().is_classification else OWN_SCALE
