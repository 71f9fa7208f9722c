#!/usr/bin/env bash
# `make run`: prepare the demo (idempotent) and serve sandbox API, task worker and dashboard.
# Ctrl-C stops all three.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PORT=${PORT:-8000}
SANDBOX_PORT=${SANDBOX_PORT:-8100}
export SANDBOX_PORT

$PY manage.py migrate --no-input -v 0
$PY manage.py createcachetable
$PY manage.py sandbox_seed
if ! grep -qs '^CUPSOURCE_API_KEY=' .env; then
  key=$($PY manage.py sandbox_create_key --account "Demo Café")
  {
    echo "# Written by 'make run' on first start: the demo account's key for the local sandbox API."
    echo "CUPSOURCE_API_KEY=$key"
  } >> .env
  echo "Created a sandbox API key for the demo account (stored in .env, which git ignores)."
fi
$PY manage.py setup_demo

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

$PY manage.py sandbox_serve --port "$SANDBOX_PORT" & pids+=($!)
$PY manage.py run_worker --queue-name default -v 0 & pids+=($!)
$PY manage.py run_worker --queue-name catalog -v 0 & pids+=($!)
$PY manage.py run_scheduler & pids+=($!)
$PY manage.py runserver "127.0.0.1:$PORT" & pids+=($!)

sleep 2
cat <<MSG

  Cupboard is running.
    Dashboard:    http://127.0.0.1:$PORT/
    Demo buyer:   demo / cupboard-demo        Approver: approver / cupboard-approver
    Staff (admin at /admin/): admin / cupboard-admin
    (approver and admin set up a second factor at their first login: an authenticator app, or a
     passkey at http://localhost:$PORT/ — or start with MFA_REQUIRED=false to skip it)
    Sandbox API:  http://127.0.0.1:$SANDBOX_PORT/v1  (OpenAPI: http://127.0.0.1:$SANDBOX_PORT/v1/openapi.json)
  Press Ctrl-C to stop everything.

MSG
wait -n "${pids[@]}"
