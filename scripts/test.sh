#!/usr/bin/env bash
# Set up everything the tests need (.venv with test requirements; Debian chromium and chromedriver
# for the browser tests when missing) and run the whole suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh requirements-dev.txt
if ! command -v chromium >/dev/null || ! command -v chromedriver >/dev/null; then
  echo "setup: installing Debian chromium and chromium-driver for the browser tests"
  sudo_cmd=""
  [ "$(id -u)" -eq 0 ] || sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq chromium chromium-driver >/dev/null
fi
export PORTAL_CACHE_DIR="${PORTAL_CACHE_DIR:-$(mktemp -d)/portal-cache}"
.venv/bin/ruff check .
exec .venv/bin/python -m pytest "$@"
