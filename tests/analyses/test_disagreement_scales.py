"""The disagreement table in the page's scale: in the common scale each model's top reason is the one its
common-scale waterfall leads with, not the one from its own scale."""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from callbacks import disagreement
from tests.fakes import MODELS, FakeServices
from tests.web.test_callbacks import walk

EVERY = {m: 4 for m in MODELS}  # every common sample seen by the shell


def _loud(services: FakeServices, model: str, feature: str) -> None:
    """Give ``model``'s common-scale explanation one feature that leads every row (0.5 probability)."""
    common = services._common[model]
    values = np.array(common.values)
    values[:, common.feature_names.index(feature)] = 0.5
    services._common[model] = replace(common, values=values, outputs=common.base_values + values.sum(axis=1))


def _cells(view) -> list[list[str]]:
    rows = [c for c in walk(view) if type(c).__name__ == "Tr"][1:]
    texts = []
    for row in rows:
        cells = [c for c in row.children]
        texts.append([str(c.children[1].children) if isinstance(c.children, list) else "" for c in cells])
    return texts


def test_in_the_common_scale_each_models_top_reason_is_its_common_scale_waterfalls_first_bar() -> None:
    services = FakeServices()
    _loud(services, "EBM", "senior_citizen")
    view = disagreement.disagreement_view(services, "prediction", list(MODELS), None, None, "common", EVERY)
    rows = _cells(view)
    assert len(rows) == 15
    ebm = list(MODELS).index("EBM") + 1  # the first cell is the row's id
    assert {r[ebm] for r in rows} == {"senior_citizen"}
    first = [c for c in walk(view) if type(c).__name__ == "A"][0].children
    waterfall = services.explain_row("EBM", first, "common")
    assert waterfall.feature_names[int(np.argmax(np.abs(waterfall.values)))] == "senior_citizen"  # what it leads with
    assert "common scale (probability)" in str(list(walk(view))[-1].children)

    own = _cells(disagreement.disagreement_view(services, "prediction", list(MODELS), None, None, "native", EVERY))
    assert "senior_citizen" not in {r[ebm] for r in own}  # in its own (log-odds) scale the EBM leads with others
