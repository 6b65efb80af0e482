"""What several test files share: the small two-model project and running the CLI as a user would."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parents[1]


def two_models(trees: int = 10) -> str:
    """A small random forest and a bounded EBM, as [[models]] tables: quick to train and to explain."""
    return f"""
[[models]]
name = "Forest"
kind = "random_forest"
params = {{ n_estimators = {trees}, max_depth = 4 }}
[[models]]
name = "Glass box"
kind = "ebm"
params = {{ outer_bags = 1, interactions = 0, max_rounds = 100 }}
"""


def run_portal(*args: str, timeout: float = 300, **options) -> subprocess.CompletedProcess:
    """``python -m portal ARGS`` from the repository root, output captured as text."""
    return subprocess.run(
        [sys.executable, "-m", "portal", *args], capture_output=True, text=True, cwd=ROOT, timeout=timeout, **options
    )
