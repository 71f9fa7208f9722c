# `supervise NAME COMMAND...`: run COMMAND, and start it again SUPERVISE_DELAY seconds (default
# 1) after it exits, whatever its status, until this function's subshell gets SIGTERM or SIGINT
# (which it passes on to COMMAND). Sourced by scripts/serve.sh: `make serve` restarts what dies,
# as systemd's Restart=always does in production.
supervise() {
  local name=$1 child status
  shift
  trap 'kill -TERM "$child" 2>/dev/null || true; wait "$child" 2>/dev/null || true; exit 0' TERM INT
  while true; do
    "$@" &
    child=$!
    status=0
    wait "$child" || status=$?
    echo "serve: $name exited with status $status; starting it again" >&2
    sleep "${SUPERVISE_DELAY:-1}" &
    wait $!
  done
}
