"""``python -m portal demo [churn | loan]``: list the demos, then serve one (churn without a name)."""

from __future__ import annotations

import argparse

from portal.cli._server import serve_project
from portal.cli._shared import DEFAULT_DEMO
from portal.data import demo_config, demo_titles


def run(args: argparse.Namespace) -> int:
    """The listing comes first, even for a name that is not a demo (its error follows the list)."""
    name = args.name or DEFAULT_DEMO
    list_demos(name)
    return serve_project(demo_config(name), host=args.host, port=args.port, workers=args.workers)


def list_demos(starting: str) -> None:
    """One line per demo, the one starting marked, and how to start another: ``demo`` alone still starts
    churn (README and scripts rely on it), and the listing says which others exist."""
    titles = demo_titles()
    width = max(map(len, titles))
    for name, title in titles.items():
        print(f"{'*' if name == starting else ' '} {name:<{width}}  {title}")
    print(f"starting '{starting}'; another with: python -m portal demo NAME")
