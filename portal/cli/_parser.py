"""The options of ``python -m portal``: one sub-command per command module, in the order ``--help`` lists them.

The help texts are promises to users (the README's "Command line"); change them with the README.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from portal.cli._shared import DEFAULT_DEMO
from portal.config import ROLES

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8050


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="python -m portal",
        description="Model Comparison Portal: compare trained models side by side and explain them.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    for add in (
        _add_demo,
        _add_serve,
        _add_precompute,
        _add_export,
        _add_audit,
        _add_monitor,
        _add_score,
        _add_figures,
        _add_report,
        _add_cache,
        _add_users,
    ):
        add(commands)
    return parser


def add_project_options(parser: argparse.ArgumentParser) -> None:
    """``--config FILE`` or ``--demo NAME``, not both (resolved by ``_shared.project_config``)."""
    where = parser.add_mutually_exclusive_group()
    where.add_argument("--config", type=Path, help="the project file (TOML); its [cache] dir is used")
    where.add_argument("--demo", metavar="NAME", help="a built-in demo project instead of a file (e.g. churn)")


def add_server_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--host", default=DEFAULT_HOST, help=f"address to listen on (default {DEFAULT_HOST})")
    parser.add_argument("--port", type=int, default=DEFAULT_PORT, help=f"port to listen on (default {DEFAULT_PORT})")
    parser.add_argument(
        "--workers",
        type=_workers,
        default=1,
        help="web server processes (default 1: waitress, one process; 2 or more: gunicorn, see README 'Load')",
    )


def _workers(text: str) -> int:
    """A whole number from 1 to 16: more processes than that would only share the same cores."""
    try:
        number = int(text)
    except ValueError:
        number = 0
    if not 1 <= number <= 16:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of processes from 1 to 16. Fix: --workers 2")
    return number


def _add_demo(commands) -> None:
    demo = commands.add_parser(
        "demo",
        help="start a built-in demo project (churn, loan) and open the portal; lists the demos first",
        description="Train the demo's models (once; later starts load them from the cache), "
        "start their explanations in the background and serve the portal. Lists the demos first; without a name, "
        "starts churn.",
    )
    demo.add_argument("name", nargs="?", default=None, help=f"which demo (churn, loan; default: {DEFAULT_DEMO})")
    add_server_options(demo)


def _add_serve(commands) -> None:
    serve = commands.add_parser(
        "serve",
        help="serve the portal for a project file (TOML)",
        description="Load the project, train or load its models, start their explanations "
        "in the background and serve the portal.",
    )
    serve.add_argument("--config", required=True, type=Path, help="the project file (TOML)")
    add_server_options(serve)


def _add_precompute(commands) -> None:
    precompute = commands.add_parser(
        "precompute",
        help="compute every explanation of a project now, with progress, and summarise",
        description="Train or load the project's models and compute all their explanations, resuming from "
        "whatever an earlier run committed; prints rows, seconds and rows/s per model. Exit code 1 if any failed.",
    )
    add_project_options(precompute)


def _add_export(commands) -> None:
    export = commands.add_parser(
        "export",
        help="write one model's per-row contributions to a CSV file (for regulators and scripts)",
        description="Write one line per data row: the id, each feature's contribution, base_value, model_output "
        "and output_scale, where base_value + the contributions = model_output. Computes the explanation first "
        "if needed (progress on stderr); prints a one-line summary.",
    )
    add_project_options(export)
    export.add_argument("--model", required=True, help="the model to export (its name in the project)")
    export.add_argument("--out", required=True, type=Path, help="the CSV file to write (replaced atomically)")


def _add_audit(commands) -> None:
    audit = commands.add_parser(
        "audit",
        help="write the fairness audit (group metrics, disparities, proxies) as JSON; exit 3 on a breach",
        description="Per model and protected attribute: held-out group metrics, the disparity figures and the proxy "
        "risk table, in the shape of schemas/audit.schema.json. Computes the explanations first if needed "
        "(progress on stderr); prints a summary and every breach. Exit code 0, or 3 when a model breaches "
        "[fairness] four_fifths.",
    )
    add_project_options(audit)
    audit.add_argument("--out", required=True, type=Path, help="the JSON file to write (replaced atomically)")
    audit.add_argument("--threshold", type=float, help="decision threshold (default: [fairness] threshold, or 0.5)")


def _add_monitor(commands) -> None:
    monitor = commands.add_parser(
        "monitor",
        help="write every model's explanations over time (drift, shifts, errors) as JSON; exit 3 on an alert",
        description="Per model and time window of a project with [monitoring]: each feature's share of attribution, "
        "its shift test and data drift (PSI), the ranking's agreement with the reference, the mean prediction and "
        "the error, in the shape of schemas/monitor.schema.json. Computes the explanations first if needed "
        "(progress on stderr); prints a summary and every alert. Exit code 0, or 3 when a change crosses a "
        "[monitoring.alerts] threshold.",
    )
    add_project_options(monitor)
    monitor.add_argument("--out", required=True, type=Path, help="the JSON file to write (replaced atomically)")


def _add_score(commands) -> None:
    score = commands.add_parser(
        "score",
        help="add a batch of new rows and explain only them with every model; --labels adds labels later",
        description="Check the batch against the project (columns, types, categories, ids and, with [monitoring], "
        "times after the reference), append it to the project's batch store in the cache (the source file is never "
        "rewritten) and explain its rows with every model; models are loaded, never retrained, and earlier rows are "
        "never explained again. --labels (the id and target columns) adds labels for rows of earlier batches. "
        "Progress on stderr; prints a summary. Exit code 0, 1 if an explanation failed, 2 on a mistake (nothing is "
        "written then).",
    )
    add_project_options(score)
    score.add_argument("--batch", type=Path, help="the new rows: a .csv or .parquet file with the source's columns")
    score.add_argument("--labels", type=Path, help="labels of earlier batches' rows: the id and target columns")
    score.add_argument(
        "--new-categories",
        action="store_true",
        help="accept categories the project has not seen (refused by default, naming them)",
    )


def _add_figures(commands) -> None:
    figures = commands.add_parser(
        "figures",
        help="write shap's static figures (bar, beeswarm, waterfall, force, dependence, decision) for every model",
        description="Draw shap's own plots with matplotlib from the stored exact explanations (computed first if "
        "needed; progress on stderr): per model the bar, the beeswarm, a waterfall and a force plot per row and the "
        "dependence on the top five features; per row a decision plot comparing the models in each scale. Files are "
        "named <model>-<chart>[-<row>].<format> (PNG at 300 dpi); each is captioned with the model, the scale, the "
        "method and 'n of N rows'. A file that cannot be drawn is skipped with one line on stderr. Exit code 0, 1 if "
        "an explanation failed, 2 on a mistake.",
    )
    add_project_options(figures)
    figures.add_argument("--out", required=True, type=Path, help="the folder to write into (created if missing)")
    figures.add_argument("--model", help="only this model's figures (its name in the project); no decision plots")
    figures.add_argument(
        "--rows",
        metavar="ID,...",
        help="row ids for the per-row charts (default: the 3 rows the models disagree on most and the 3 with the "
        "highest prediction)",
    )
    figures.add_argument("--format", default="png", help="png (default, 300 dpi), svg or pdf")
    figures.add_argument(
        "--class", dest="class_name", metavar="NAME", help="a multi-class project's class to draw (default: the first)"
    )


def _add_report(commands) -> None:
    report = commands.add_parser(
        "report",
        help="write every model side by side in one reproducible HTML or PDF file, for the record",
        description="Compute what is missing (progress on stderr), then write one self-contained file: the cover, the "
        "models and their held-out metrics, performance curves, global importance and agreement, the rows the models "
        "disagree on most, fairness (with [data] protected), monitoring (with [monitoring]) and an appendix of "
        "provenance. Figures are inline SVG; the file carries no data table and no script, and names its hash of "
        "inputs. A section the project cannot fill is skipped with one line on stderr. Prints a one-line summary. "
        "Exit code 0, 1 if an explanation failed, 2 on a mistake.",
    )
    add_project_options(report)
    report.add_argument("--out", required=True, type=Path, help="the file to write: report.html, or report.pdf")
    report.add_argument(
        "--sections",
        metavar="A,B,...",
        help="only these sections, in the report's order (default: all of cover, models, performance, global, "
        "disagreements, fairness, monitoring, appendix)",
    )
    report.add_argument("--rows", metavar="ID,...", help="row ids to explain beside the rows the models disagree on")
    report.add_argument(
        "--interactive",
        action="store_true",
        help="HTML only: also embed plotly.js (about 4.6 MB) so the charts zoom and hover where script runs; the "
        "static SVG stays for print and for readers without script",
    )


def _add_cache(commands) -> None:
    cache = commands.add_parser(
        "cache",
        help="show or clear the cache of fitted models and explanations",
        description="Inspect or empty the project's cache directory.",
    )
    actions = cache.add_subparsers(dest="cache_command", metavar="ACTION", required=True)
    add_project_options(actions.add_parser("info", help="where the cache is, its size, and what it holds"))
    clear = actions.add_parser("clear", help="remove cached results (all, or one model's)")
    add_project_options(clear)
    clear.add_argument("--model", help="only this model's results and fitted files (its name in the project)")


def _add_users(commands) -> None:
    users = commands.add_parser(
        "users",
        help='add, remove or list the people who may log in ([auth] mode = "basic")',
        description='Manage the users file of [auth] mode = "basic": each user\'s role (viewer, analyst, admin) and '
        "salted password hash (scrypt). The password is read from stdin and never printed.",
    )
    actions = users.add_subparsers(dest="users_command", metavar="ACTION", required=True)
    add = actions.add_parser("add", help="add a user, or replace their role and password")
    add.add_argument("name", help="the login name")
    add.add_argument("--role", required=True, choices=ROLES, help="viewer, analyst or admin")
    add.add_argument("--password-stdin", action="store_true", help="read the password from stdin (required)")
    remove = actions.add_parser("remove", help="remove a user")
    remove.add_argument("name", help="the login name")
    listing = actions.add_parser("list", help="each user and their role (never a password or hash)")
    for action in (add, remove, listing):
        where = action.add_mutually_exclusive_group()
        where.add_argument("--file", type=Path, default=None, help="the users file (default users.toml)")
        where.add_argument("--config", type=Path, default=None, help="the project file whose [auth] users file to use")
