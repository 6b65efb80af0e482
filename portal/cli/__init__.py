"""The ``python -m portal`` command line: it parses options and calls the project, one module per command.

Commands (their options, outputs and exit codes are promises to users; see the README's "Command line"):

- ``demo [churn | loan]`` lists the demos, then serves one (churn without a name);
- ``serve --config F [--host H] [--port P]`` serves your own project (waitress, never debug mode);
- ``precompute`` computes every explanation now, with progress, and prints a summary table;
- ``export --model NAME --out FILE.csv`` writes one model's per-row contributions;
- ``audit --out FILE.json [--threshold T]`` writes the fairness audit and one ``breach: ...`` line per breach;
- ``monitor --out FILE.json`` writes the models over time (a project with ``[monitoring]``) and one
  ``alert: ...`` line per alert;
- ``score --batch FILE [--labels FILE]`` appends a batch of new rows and explains only them; ``--labels`` adds
  labels of earlier batches' rows;
- ``figures --out DIR [--model NAME] [--rows ID,...] [--format png|svg|pdf] [--class NAME]`` draws shap's static
  figures from the stored explanations, one file each, and a summary line per model;
- ``cache info | clear [--model NAME]`` shows or empties the cache.

``precompute``, ``export``, ``audit``, ``monitor``, ``score``, ``figures`` and ``cache`` take ``--config FILE`` or
``--demo NAME``.

Exit codes: 0 done; 1 an explanation failed; 2 a mistake in the project, its data or the options
(one line on stderr, ``error: FIELD: problem. Fix: ...``, never a traceback); 3 ``audit`` found a breach
or ``monitor`` an alert; 130 interrupted by Ctrl+C (finished chunks are kept, so the same command resumes).

``export``, ``audit``, ``monitor``, ``score`` and ``figures`` send progress and log lines to stderr, so stdout holds
only their summary (and the breaches or alerts) for scripts to read.

Modules: ``_parser`` (the options), ``_main`` (run the named command), ``_shared`` (exit codes, shared
messages, the project given), ``_progress`` (run every job with progress bars, then the summary table),
``_server`` (serve a project; used by ``demo`` and ``serve``), and one module per command. No command
imports another.
"""

from portal.cli._main import main
from portal.cli._parser import build_parser
from portal.cli._progress import ModelSummary, format_summary, run_all
from portal.cli.demo import list_demos

__all__ = [
    "ModelSummary",
    "build_parser",
    "format_summary",
    "list_demos",
    "main",
    "run_all",
]
