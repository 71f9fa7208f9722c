#!/usr/bin/env bash
# `make serve`: the production stack on this machine — gunicorn (debug off, hashed and
# compressed static files served by whitenoise), the two task workers and the scheduler.
# Set DATABASE_URL / CACHE_URL for PostgreSQL and Redis; without them it runs on SQLite and the
# in-process cache. With SANDBOX_ENABLED=true it also serves the local sandbox API and talks to
# it. A process that dies is started again a second later (scripts/supervise.sh), as systemd
# does in production. Ctrl-C stops everything.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DJANGO_DEBUG=false
export PORT=${PORT:-8000}
export WEB_CONCURRENCY=${WEB_CONCURRENCY:-2}
export ALLOWED_HOSTS=${ALLOWED_HOSTS:-localhost,127.0.0.1}
export SITE_URL=${SITE_URL:-http://127.0.0.1:$PORT}
# Plain HTTP on this machine; behind a TLS proxy set SECURE_SSL_REDIRECT=true and BEHIND_TLS_PROXY.
export SECURE_SSL_REDIRECT=${SECURE_SSL_REDIRECT:-false}
if [ -z "${SECRET_KEY:-}" ] && ! grep -qs '^SECRET_KEY=' .env; then
  echo "SECRET_KEY=$($PY -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env
  echo "Generated a SECRET_KEY in .env (git-ignored); keep it: it signs sessions."
fi
if [ "${SANDBOX_ENABLED:-false}" = "true" ]; then
  export SANDBOX_PORT=${SANDBOX_PORT:-8100}
  export CUPSOURCE_API_URL=${CUPSOURCE_API_URL:-http://127.0.0.1:$SANDBOX_PORT/v1}
  # The sandbox must know the key the dashboard uses: take it from the environment or .env, or
  # make one (kept in .env), and register it (idempotent).
  key=${CUPSOURCE_API_KEY:-$(sed -n 's/^CUPSOURCE_API_KEY=//p' .env 2>/dev/null | tail -n 1)}
  if [ -z "$key" ]; then
    key="cs_test_$($PY -c 'import secrets; print(secrets.token_urlsafe(24))')"
    echo "CUPSOURCE_API_KEY=$key" >> .env
  fi
  export CUPSOURCE_API_KEY=$key
fi

$PY manage.py migrate --no-input -v 0
$PY manage.py createcachetable
$PY manage.py collectstatic --no-input -v 0

pids=()
cleanup() {
  trap - INT TERM EXIT
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
}
trap cleanup INT TERM EXIT

source scripts/supervise.sh
if [ "${SANDBOX_ENABLED:-false}" = "true" ]; then
  $PY manage.py sandbox_seed
  $PY manage.py sandbox_create_key --account "Demo Café" --key "$CUPSOURCE_API_KEY" > /dev/null
  $PY manage.py sandbox_serve --port "$SANDBOX_PORT" & pids+=($!)
fi
# gunicorn reads gunicorn.conf.py (workers: WEB_CONCURRENCY; no control socket).
supervise web .venv/bin/gunicorn dashboard.wsgi --bind "127.0.0.1:$PORT" \
  --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" & pids+=($!)
supervise worker-default $PY manage.py run_worker --queue-name default --no-reload & pids+=($!)
supervise worker-catalog $PY manage.py run_worker --queue-name catalog --no-reload & pids+=($!)
supervise scheduler $PY manage.py run_scheduler & pids+=($!)

echo "Cupboard (production mode) on http://127.0.0.1:$PORT/ with $WEB_CONCURRENCY web workers. Ctrl-C stops it."
wait "${pids[@]}"
