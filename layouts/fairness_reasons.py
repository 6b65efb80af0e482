"""/fairness's per-model panes about *why*: the proxy risk table, and one row's decision with its reasons."""

from __future__ import annotations

import math
from collections.abc import Sequence

import dash_bootstrap_components as dbc
from dash import html

from portal.fairness import DecisionWords, ProxyScore, ProxyTable, Reason, RowDecision
from portal.figures import scale_label

SHOWN = 5  # proxy rows shown at first; the rest fold away under a summary line


def proxy_pane(table: ProxyTable) -> list:
    """The direct use of the protected attribute (apart), the ranked table, and what it was measured on."""
    sample = f"{table.n_rows:,} rows"
    if table.n_rows < table.sample_of:
        sample = f"{table.n_rows:,} of {table.sample_of:,} rows"
    note = (
        f"All features together predict {table.attribute} with AUC {_number(table.auc_all)} · measured on {sample} "
        "(seeded, stratified by group) · hover a feature's AUC for Cramér's V or eta and mutual information."
    )
    ranked = list(enumerate(table.rows, start=1))
    shown = [_direct(table), _proxy_table(table, ranked[:SHOWN])]
    if len(ranked) > SHOWN:
        rest = f"{len(ranked) - SHOWN} more features, lower risk"
        shown.append(html.Details([html.Summary(rest), _proxy_table(table, ranked[SHOWN:])], className="more-proxies"))
    return [*shown, html.P(note, className="figure-note mt-2 mb-0")]


def _direct(table: ProxyTable) -> dbc.Alert:
    if not table.direct:
        return dbc.Alert(
            f"Direct use: {table.attribute} is not an input of {table.model_name}; its use could only go through the "
            "features below.",
            color="light",
            className="direct-use py-2 mb-2",
        )
    used = any(d.flagged for d in table.direct)
    return dbc.Alert(
        [html.Strong("Direct use: "), " ".join(d.reason + "." for d in table.direct)],
        color="warning" if used else "light",
        className="direct-use py-2 mb-2",
    )


def _proxy_table(table: ProxyTable, ranked: list[tuple[int, ProxyScore]]) -> dbc.Table:
    head = html.Thead(
        html.Tr(
            [
                html.Th("#"),
                html.Th("feature and why"),
                html.Th("AUC alone", title="cross-validated AUC of predicting the group from this feature alone"),
                html.Th("share", title=f"share of {table.model_name}'s attribution (mean |SHAP|)"),
                html.Th("risk", title="strength (2 × AUC − 1) × share"),
            ]
        )
    )
    rows = [_proxy_row(rank, row) for rank, row in ranked]
    return dbc.Table([head, html.Tbody(rows)], size="sm", hover=True, className="proxy-table mb-0")


def _proxy_row(rank: int, row: ProxyScore) -> html.Tr:
    name = [html.Strong(row.feature)]
    if row.flagged:
        name += [" ", dbc.Badge("proxy risk", color="danger", className="ms-1")]
    measures = f"Cramér's V {_number(row.cramers_v)}" if row.cramers_v is not None else f"eta {_number(row.eta)}"
    return html.Tr(
        [
            html.Td(rank),
            html.Td([html.Div(name), html.Div(row.reason, className="proxy-reason")]),
            html.Td(_number(row.auc_alone), title=f"{measures}, mutual information {row.mutual_information:.3f}"),
            html.Td(f"{row.importance_share:.0%}"),
            html.Td(f"{row.risk:.3f}"),
        ],
        className="table-danger flagged" if row.flagged else "",
    )


def decision_pane(decision: RowDecision, positive: str, words: DecisionWords) -> list:
    """The model's decision on the row and the pushes toward the other decision (``words``), strongest first."""
    scale = scale_label(decision.output_scale)
    verdict = words.verdict if decision.declined else f"Decided '{positive}'"
    side = "below" if decision.declined else "at or above"
    line = f"probability of '{positive}' {decision.score:.2f}, {side} the threshold {decision.threshold:.2f}"
    head = html.Div(
        [dbc.Badge(verdict, color="danger" if decision.declined else "success", className="me-2"), line],
        className="decision mb-2",
    )
    if not decision.reasons:
        return [head, html.P(f"No feature pushed this model {words.toward}.", className="figure-note")]
    title = "Reasons, strongest first"
    if not decision.declined:
        title = f"Strongest pushes {words.toward} (decided '{positive}' all the same)"
    title += f", in {scale}"  # each model's reasons name their scale: models may explain in different ones
    items = [_reason_item(reason, scale) for reason in decision.reasons]
    return [head, html.Div(title, className="small fw-semibold"), html.Ol(items, className="reasons mb-0")]


def scales_note(decisions: Sequence[RowDecision]) -> html.P | None:
    """One line when the models' reasons are in different scales (a tree's log-odds beside a forest's
    probability): their sizes cannot be compared, their ranks can. None when they share one scale."""
    if len({d.output_scale for d in decisions}) < 2:
        return None
    each = ", ".join(f"{d.model_name} in {scale_label(d.output_scale)}" for d in decisions)
    return html.P(f"Scales differ: {each}; compare ranks, not sizes.", className="figure-note scales-differ mb-2")


def _reason_item(reason: Reason, scale: str) -> html.Li:
    return html.Li(
        [
            html.Strong(reason.feature),
            f" = {_value(reason.value)} ",
            html.Span(f"{reason.contribution:+.3f} {scale}", className="text-muted ms-1"),
        ]
    )


def _value(value: object) -> str:
    if isinstance(value, float):
        return "missing" if math.isnan(value) else f"{value:g}"
    return "missing" if value is None else str(value)


def _number(value: float | None) -> str:
    return "–" if value is None or not math.isfinite(value) else f"{value:.2f}"
