"""/fairness's adverse-action section: find a declined row, read each model's reasons, download them all.

"Declined" is a model's probability of the positive class below the page's threshold, the rule of the group metrics
and of :mod:`portal.project`. The page says so in the project's words (:func:`callbacks.fairness.other_decision`:
"declined applicant" only in a lending project, else "row not decided 'Yes'"); ids and the CSV's name keep theirs.
The declined rows are found on the server as cohorts (``prediction: <model> < threshold``, kept there), and the
picker receives at most :data:`MAX_OPTIONS` ids matching what the reader types. The CSV of every declined row's
reasons is written on the server by ``write_adverse_reasons`` and sent once, as a download: never through a store.
"""

from __future__ import annotations

import io
from dataclasses import dataclass

import dash
import dash_bootstrap_components as dbc
import numpy as np
from dash import Input, Output, State, dcc, html

from callbacks.fairness import chosen_attribute, chosen_threshold, other_decision, positive
from layouts import ids
from layouts.fairness_panels import model_columns
from layouts.fairness_reasons import decision_pane, scales_note
from layouts.panes import model_card
from portal.analyses import CohortError
from portal.fairness import DecisionWords
from portal.figures import model_colors
from portal.results import RowIndex
from portal.web import ANALYST, PortalServices, Registrar

MAX_OPTIONS = 50
PICK = "Choose a {} above to read each model's reasons."  # the picker's label: 'declined applicant'
NONE_FINISHED = "No model has finished explaining every row yet; the CSV follows once one has."


@dataclass(frozen=True)
class Declined:
    """The rows declined by at least one model (data positions, in data order), by how many models each, and each
    model's count."""

    row_ids: np.ndarray
    positions: np.ndarray
    votes: np.ndarray
    per_model: dict[str, int]
    total: int


def declined_rows(services: PortalServices, threshold: float) -> Declined:
    """Every row some model declines at ``threshold`` (its probability of the positive class is below it)."""
    masks, per_model, every = [], {}, None
    for model in services.model_names:
        try:
            rows = services.cohort_rows(f"prediction: {model} < {threshold:.10g}")
        except CohortError:  # a model name the cohort grammar cannot read: it is left out of the list
            continue
        masks.append(rows.mask)
        per_model[model], every = rows.n_rows, rows.index.row_ids
    if every is None:
        return Declined(np.array([], dtype=str), np.array([], dtype=np.int64), np.array([], dtype=np.int64), {}, 0)
    votes = np.sum(masks, axis=0)
    positions = np.flatnonzero(votes)
    return Declined(every[positions], positions, votes[positions], per_model, len(every))


def declined_options(
    services: PortalServices, threshold: object, text: str | None, selected: str | None, attribute: str | None
):
    """The picker's options (the first declined ids containing ``text``, each with how many models declined it and
    its group), its value (the first declined row when none is chosen) and the line under it."""
    t, other = chosen_threshold(services, threshold), other_decision(services).other
    found, group = declined_rows(services, t), chosen_attribute(services, attribute)
    hits = np.flatnonzero(np.char.find(np.char.lower(found.row_ids.astype(str)), (text or "").strip().lower()) >= 0)
    n_models = len(services.model_names)
    options = [
        {
            "label": f"{found.row_ids[i]} · {other} by {found.votes[i]} of {n_models} · "
            f"{group.name} {group.labels[found.positions[i]]}",
            "value": str(found.row_ids[i]),
        }
        for i in hits[:MAX_OPTIONS]
    ]
    if selected and selected not in {o["value"] for o in options}:
        options.insert(0, {"label": str(selected), "value": selected})  # the chosen row stays visible
    value = dash.no_update if selected or not options else options[0]["value"]
    counts = ", ".join(f"{m} {n:,}" for m, n in found.per_model.items())
    note = (
        f"{len(found.row_ids):,} of {found.total:,} rows are {other} by at least one model at {t:.2f} ({counts}). "
        f"Type part of an id to search; at most {MAX_OPTIONS} are listed."
    )
    return options, value, note


def reasons(services: PortalServices, row_id: str | None, threshold: object):
    """The row's protected groups, then each model's decision and reasons (or its waiting note)."""
    words = other_decision(services)
    if not row_id:
        return html.P(pick_note(words), className="figure-note")
    if row_index(services).position(row_id) is None:
        return dbc.Alert(f"No row {row_id!r} in this project; choose one from the list.", color="warning")
    decisions = {d.model_name: d for d in services.adverse_reasons(str(row_id), chosen_threshold(services, threshold))}
    colors, yes = model_colors(services.model_names), positive(services)
    cards = [
        model_card(m, colors[m], None, "decision", decision_pane(decisions[m], yes, words) if m in decisions else None)
        for m in services.model_names
    ]
    note = scales_note([decisions[m] for m in services.model_names if m in decisions])
    shown = [applicant_line(services, str(row_id), words), note, model_columns(cards, False)]
    return html.Div([part for part in shown if part is not None])


def pick_note(words: DecisionWords) -> str:
    """'Choose a declined applicant above ...', or 'Choose a row not decided 'Yes' above ...': the picker's label."""
    return PICK.format(words.picker[:1].lower() + words.picker[1:])


def applicant_line(services: PortalServices, row_id: str, words: DecisionWords) -> html.P:
    """'Applicant A01234: age = 63 (60+) · marital = married' ('Row C00042: ...' outside lending)."""
    position, values = row_index(services).position(row_id), services.row_values(row_id)
    parts = []
    for attribute in (a for a in services.protected_attributes() if len(a.columns) == 1):
        group, value = str(attribute.labels[position]), values.get(attribute.name)
        shown = f"{value:g}" if isinstance(value, float) else value
        same = value is None or str(shown) == group
        parts.append(f"{attribute.name} = {group}" if same else f"{attribute.name} = {shown} ({group})")
    return html.P(
        [html.Strong(f"{words.row.capitalize()} {row_id}"), ": " + " · ".join(parts)], className="applicant mb-2"
    )


def reasons_csv(services: PortalServices, threshold: object):
    """The CSV of every declined row's reasons, written on the server, as a download; and what it holds."""
    t = chosen_threshold(services, threshold)
    buffer = io.StringIO()
    written = services.write_adverse_reasons(buffer, t)
    if not written.declined:
        return dash.no_update, NONE_FINISHED
    counts = ", ".join(f"{n:,} by {m}" for m, n in written.declined.items())
    left = [m for m in services.model_names if m not in written.declined]
    note = f"{written.lines:,} reasons for the rows {other_decision(services).other} at {t:.2f}: {counts}."
    if left:
        note += f" Left out until their explanation is finished: {', '.join(left)}."
    return dcc.send_string(buffer.getvalue(), filename=f"adverse-reasons-threshold-{t:.2f}.csv"), note


def register(app: Registrar, services: PortalServices) -> None:
    @app.callback(
        ANALYST,
        Output(ids.DECLINED_PICKER, "options"),
        Output(ids.DECLINED_PICKER, "value"),
        Output(ids.DECLINED_NOTE, "children"),
        Input(ids.FAIRNESS_THRESHOLD, "value"),
        Input(ids.DECLINED_PICKER, "search_value"),
        Input(ids.FAIRNESS_ATTRIBUTE, "value"),
        State(ids.DECLINED_PICKER, "value"),
    )
    def _options(threshold, text, attribute, selected):
        return declined_options(services, threshold, text, selected, attribute)

    @app.callback(
        ANALYST,
        Output(ids.ADVERSE_REASONS, "children"),
        Input(ids.DECLINED_PICKER, "value"),
        Input(ids.FAIRNESS_THRESHOLD, "value"),
        Input(ids.READY_MODELS, "data"),
    )
    def _reasons(row_id, threshold, _ready):
        return reasons(services, row_id, threshold)

    @app.callback(
        ANALYST,
        Output(ids.REASONS_DOWNLOAD, "data"),
        Output(ids.REASONS_DOWNLOAD_NOTE, "children"),
        Input(ids.REASONS_DOWNLOAD_BUTTON, "n_clicks"),
        State(ids.FAIRNESS_THRESHOLD, "value"),
        prevent_initial_call=True,
    )
    def _download(_clicks, threshold):
        return reasons_csv(services, threshold)


def row_index(services: PortalServices) -> RowIndex:
    """The project's one index from row id to data position (everyone's rows carry it)."""
    return services.cohort_rows(None).index
