"""Deterministic interaction values for FakeServices: known pairs interact, the rest barely do.

Every row's matrix is symmetric; ``tenure`` x ``contract`` interacts most, then ``monthly_charges`` x
``internet_service``, and the base value plus every entry is the row's output, as the engine promises.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import numpy as np

from portal.results import InteractionValues, ModelInteractions, Provenance

STRONG_PAIRS = {("tenure", "contract"): 0.30, ("monthly_charges", "internet_service"): 0.12}
NOT_A_TREE = "interaction values need a tree model (scikit-learn trees, XGBoost, LightGBM), not {kind}"
STEPS = 4


def fake_interactions(
    model_name: str,
    scale: str,
    features: tuple[str, ...],
    ids: tuple[str, ...],
    n_rows: int,
    *,
    progress: Callable[[int, int], None] | None = None,
    delay: float = 0.0,
) -> ModelInteractions:
    """A seeded sample of ``n_rows`` of ``ids`` and their interaction values; ``delay`` seconds per progress step."""
    rng = np.random.default_rng(len(model_name))
    positions = rng.permutation(len(ids))[: min(n_rows, len(ids))]
    n, k = positions.size, len(features)
    noise = rng.normal(scale=0.01, size=(n, k, k))
    values = (noise + np.swapaxes(noise, 1, 2)) / 2
    for (a, b), size in STRONG_PAIRS.items():
        i, j = features.index(a), features.index(b)
        half = rng.normal(scale=size, size=n) / 2
        values[:, i, j] += half
        values[:, j, i] += half
    values[:, np.arange(k), np.arange(k)] += rng.normal(size=(n, k))
    for step in range(1, STEPS + 1):
        time.sleep(delay)
        if progress is not None:
            progress(n * step // STEPS, n)
    base = np.full(n, -1.0)
    result = InteractionValues(features, values, base, base + values.sum(axis=(1, 2)), scale, "fake")
    provenance = Provenance(f"model-{model_name}", "data-fake", "fake", exact=True)
    return ModelInteractions(model_name, np.array(ids)[positions], len(ids), result, provenance)
