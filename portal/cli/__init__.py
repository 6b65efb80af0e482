"""portal.cli."""

from portal.cli._main import demo_config, list_demos, load_config, main, open_project
from portal.cli._progress import format_summary, run_all

__all__ = [
    "demo_config",
    "format_summary",
    "list_demos",
    "load_config",
    "main",
    "open_project",
    "run_all",
]
