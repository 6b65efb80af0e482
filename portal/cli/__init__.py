"""portal.cli."""

from portal.cli._main import list_demos, main
from portal.cli._progress import format_summary, run_all

__all__ = [
    "format_summary",
    "list_demos",
    "main",
    "run_all",
]
