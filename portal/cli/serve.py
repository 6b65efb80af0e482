"""``python -m portal serve --config project.toml [--host H] [--port P]``: serve your own project."""

from __future__ import annotations

import argparse

from portal.cli._server import serve_project
from portal.config import load_config


def run(args: argparse.Namespace) -> int:
    return serve_project(load_config(args.config), host=args.host, port=args.port, workers=args.workers)
