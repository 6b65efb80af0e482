"""Every chart's download name, "<project>-<chart>-<model>": the chart and the model in each graph's config (the
page's script puts the project, from the shell, in front and adds the PNG and SVG buttons)."""

from __future__ import annotations

from dash import dcc

from callbacks import global_page
from layouts import ids
from layouts.panes import graph, image_options
from layouts.shell import shell
from tests.fakes import FakeServices
from tests.web.test_callbacks import ALL, walk


def test_a_graph_is_named_after_its_chart_and_its_model() -> None:
    beeswarm = graph(None, "beeswarm-graph", ids.per_model(ids.BEESWARM_GRAPH, "Random forest"))
    options = beeswarm.config["toImageButtonOptions"]
    assert options == {"format": "png", "scale": 2, "filename": "beeswarm-random-forest"}
    assert graph(None, "importance-graph", ids.IMPORTANCE_GRAPH).config["toImageButtonOptions"]["filename"] == (
        "importance-models"
    )
    assert image_options("whatif-graph", None, "Gradient boosting (v2)")["filename"] == "whatif-gradient-boosting-v2"
    assert "toImageButtonOptions" not in graph(None, "metrics-graph", toolbar=False).config
    assert "toImage" not in str(beeswarm.config["modeBarButtons"])  # assets/download.js adds PNG and SVG


def test_the_shell_carries_the_projects_name_for_the_downloads() -> None:
    assert getattr(shell("Telco: customer churn!", ALL, dict.fromkeys(ALL, "#000")), "data-project") == (
        "telco-customer-churn"
    )


def test_every_chart_of_global_has_a_download_name() -> None:
    services = FakeServices()
    page = global_page.page(services, {})
    panes = [global_page.beeswarm_pane(services, m, ALL) for m in services.model_names]
    graphs = [c for tree in (page, *panes) for c in walk(tree) if isinstance(c, dcc.Graph)]
    names = {g.config["toImageButtonOptions"]["filename"] for g in graphs}
    assert {"importance-models", "agreement-models", "beeswarm-ebm", "beeswarm-random-forest"} <= names
