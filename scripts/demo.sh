#!/usr/bin/env bash
# Set up from nothing and start the churn demo on http://127.0.0.1:8050/ .
# Extra arguments go to `python -m portal demo` (e.g. --port 8060).
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements.txt
if ! command -v chromium >/dev/null && ! command -v google-chrome >/dev/null; then
  echo "demo: the overview's Download report draws its figures in Chromium: apt-get install chromium" >&2
fi
exec .venv/bin/python -m portal demo "$@"
