"""Global (``/global``): every model's importance on one shared axis, a beeswarm per model, then the stacked force
plot of one model (or two side by side)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import dash_bootstrap_components as dbc
from dash import html

from layouts import ids
from layouts.agreement import DEFAULT_K, agreement_card
from layouts.class_picker import class_picker
from layouts.model_chooser import model_chooser
from layouts.panes import graph, model_card, model_row
from layouts.scale_toggle import axes_note
from layouts.stacked_force import stacked_card
from portal.figures import RAW, SHARE

MODE_LABELS = {SHARE: "Share of total (comparable on any scale)", RAW: "Mean |SHAP| (in the scale shown)"}


def global_page(
    model_names: Sequence[str],
    colors: Mapping[str, str],
    class_names: Sequence[str] = (),
    scale: html.Div | None = None,
    mode: str = SHARE,
    *,
    shown: Sequence[str] | None = None,
    class_name: str | None = None,
    k: int = DEFAULT_K,
    feature_names: Sequence[str] = (),
) -> html.Div:
    """The class chooser (multi-class only; ``class_name`` chosen), the ``scale`` chooser, the models ``shown``
    (every one by default), the importance chart with its share/raw toggle (``mode`` chosen), the agreement
    card (top ``k``), the beeswarms, and the stacked force plot (ordered by any of ``feature_names`` too)."""
    panes = [model_card(m, colors[m], ids.beeswarm_pane(m), "beeswarm") for m in model_names]
    columns = [ids.per_model(ids.BEESWARM_COLUMN, m) for m in model_names]
    return html.Div(
        [
            html.H2("Global explanations", className="page-title"),
            class_picker(class_names, class_name),
            *([scale] if scale is not None else []),
            model_chooser(model_names, colors, model_names if shown is None else shown),
            dbc.Card(
                dbc.CardBody(
                    [
                        _mode_toggle(mode),
                        graph(None, "importance-graph", ids.IMPORTANCE_GRAPH),
                        html.Div(id=ids.IMPORTANCE_NOTE, className="figure-note"),
                    ]
                ),
                className="shadow-sm mb-4",
            ),
            agreement_card(k),
            html.H4("Contributions row by row", className="section-title"),
            html.P(
                "Each dot is one row: how far that feature pushed this model's output up (right) or down "
                "(left). Wide bands mean many rows share that contribution.",
                className="text-muted",
            ),
            axes_note(ids.BEESWARM_AXES_NOTE),
            model_row(panes, columns),
            stacked_card(model_names, feature_names),
        ]
    )


def _mode_toggle(mode: str = SHARE) -> html.Div:
    return html.Div(
        dbc.RadioItems(
            id=ids.IMPORTANCE_MODE,
            value=mode,
            inline=True,
            options=[{"label": label, "value": mode} for mode, label in MODE_LABELS.items()],
            className="btn-group",
            inputClassName="btn-check",
            labelClassName="btn btn-outline-secondary btn-sm",
            labelCheckedClassName="active",
        ),
        className="mode-toggle",
    )
