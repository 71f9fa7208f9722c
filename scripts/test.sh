#!/usr/bin/env bash
# `make test`: the whole suite, browser tests included. Browser tests need Chromium; without it
# they are skipped with a clear notice — except under CI=true, where a missing browser fails.
set -uo pipefail
cd "$(dirname "$0")/.."
export CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}
if [ ! -x "$CHROMIUM_PATH" ]; then
  if [ "${CI:-}" = "true" ]; then
    echo "ERROR: Chromium not found at $CHROMIUM_PATH, and CI=true: browser tests cannot be skipped." >&2
    exit 1
  fi
  echo "NOTICE: Chromium not found at $CHROMIUM_PATH: browser tests will be SKIPPED."
  echo "        Install it (Debian/Ubuntu: 'sudo apt-get install chromium') or set CHROMIUM_PATH."
fi
export DJANGO_ALLOW_ASYNC_UNSAFE=true
.venv/bin/pytest "$@"
