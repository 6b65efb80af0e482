"""Shared axes across side-by-side panes, in the browser: no server round trip when a switch is flipped.

Equal contributions must look equal across panes, so panes in one scale share an x axis: the union of the
panes' own ranges, which each figure keeps in ``layout.meta`` ({"own": [lo, hi], "scale": ...}) beside its
own x range. A pane's "own axis" switch gives it back its own range. When the panes' scales differ (each
model in its own scale: probability beside log-odds) nothing is shared and the page's note says why.
Points beyond a pane's axis (the beeswarm's trace with ``meta = "beyond"``, real values in its customdata)
are re-clamped to the axis drawn, and each pane's note counts them.

The callback reads and writes the same figures (a circular callback of one callback, which Dash allows):
its own outputs do not trigger it again, and it keeps ``meta.own``, so flipping back always finds it.
"""

from __future__ import annotations

from dash import ALL, Input, Output, State

from layouts import ids
from portal.web import ANALYST, Registrar

SHARE_AXES = """
function(figures, switches, graphIds, switchIds) {
    const noUpdate = window.dash_clientside.no_update;
    const metas = figures.map(f => (f && f.layout && f.layout.meta && f.layout.meta.own) ? f.layout.meta : null);
    const drawn = metas.filter(m => m);
    const scales = Array.from(new Set(drawn.map(m => m.scale)));
    const shared = scales.length === 1 ? [
        Math.min(...drawn.map(m => m.own[0])), Math.max(...drawn.map(m => m.own[1]))
    ] : null;
    const own = {};
    switchIds.forEach((id, i) => { own[id.model] = (switches[i] || []).length > 0; });
    const out = [], notes = [];
    figures.forEach((f, i) => {
        const m = metas[i];
        if (!m) { out.push(noUpdate); notes.push(""); return; }
        const range = (own[graphIds[i].model] || !shared) ? m.own.slice() : shared.slice();
        let count = 0;
        const data = f.data.map(t => {
            if (t.meta !== "beyond") { return t; }
            const x = (t.customdata || []).map(c => {
                if (c[1] > range[1]) { count += 1; return range[1]; }
                if (c[1] < range[0]) { count += 1; return range[0]; }
                return null;
            });
            return Object.assign({}, t, {x: x});
        });
        const xaxis = Object.assign({}, f.layout.xaxis, {range: range, autorange: false});
        out.push(Object.assign({}, f, {data: data, layout: Object.assign({}, f.layout, {xaxis: xaxis})}));
        notes.push(count ? count + (count === 1 ? " point" : " points") +
            " beyond the axis, marked \\u25b8 / \\u25c2 at its edge (hover for the value)." : "");
    });
    let said = "";
    if (drawn.length > 1) {
        said = shared ? "The panes share one x axis (" + scales[0] + "); a pane's \\u201cown axis\\u201d switch " +
            "gives it its own." : "The panes are in different scales (" + scales.join(", ") + "): their x " +
            "axes are not shared, so compare bar lengths within a pane, not across panes.";
    }
    return [out, notes, said];
}
"""


PAGES = {
    "global": (ids.BEESWARM_GRAPH, ids.BEESWARM_OWN_AXIS, ids.BEESWARM_AXIS_NOTE, ids.BEESWARM_AXES_NOTE),
    "local": (ids.WATERFALL_GRAPH, ids.WATERFALL_OWN_AXIS, ids.WATERFALL_AXIS_NOTE, ids.WATERFALL_AXES_NOTE),
}


def register(app: Registrar, page: str) -> None:
    """The script for one page's panes: "global" (the beeswarms) or "local" (the waterfalls)."""
    graph, switch, note, page_note = PAGES[page]
    app.clientside_callback(
        ANALYST,
        SHARE_AXES,
        Output({"type": graph, "model": ALL}, "figure"),
        Output({"type": note, "model": ALL}, "children"),
        Output(page_note, "children"),
        Input({"type": graph, "model": ALL}, "figure"),
        Input({"type": switch, "model": ALL}, "value"),
        State({"type": graph, "model": ALL}, "id"),
        State({"type": switch, "model": ALL}, "id"),
    )
