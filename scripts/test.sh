#!/usr/bin/env bash
# Set up everything the tests need (.venv with test requirements; Debian chromium and chromedriver
# for the browser tests and the report's figures and PDF, poppler-utils for its PDF pages as images,
# when missing) and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
sudo_cmd=""
[ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
missing=()
command -v chromium >/dev/null || missing+=(chromium)
command -v chromedriver >/dev/null || missing+=(chromium-driver)
command -v redis-server >/dev/null || missing+=(redis-server)
command -v pdftoppm >/dev/null || missing+=(poppler-utils)
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing Debian ${missing[*]} for the browser, report and Celery tests"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
export PORTAL_CACHE_DIR="${PORTAL_CACHE_DIR:-$(mktemp -d)/portal-cache}"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
