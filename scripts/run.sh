#!/usr/bin/env bash
# `make run`: PostgreSQL (DATABASE_URL or embedded), migrate, demo data, web server and a
# Celery worker with beat (REDIS_URL or the embedded filesystem broker). Ctrl-C stops all.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
export DEBUG="${DEBUG:-True}"
PORT="${PORT:-8000}"
started_db=0
if [ -z "${DATABASE_URL:-}" ]; then
  if ! url=$($PY -m psm.devdb url 2>/dev/null); then
    url=$($PY -m psm.devdb start); started_db=1
  fi
  export DATABASE_URL="$url"
  echo "PostgreSQL (embedded, ./.data/pg): $DATABASE_URL"
fi
pids=()
cleanup() {
  trap - INT TERM EXIT
  echo; echo "Stopping..."
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  if [ "$started_db" = 1 ]; then $PY -m psm.devdb stop; echo "PostgreSQL stopped."; fi
}
trap cleanup INT TERM EXIT

$PY manage.py migrate --noinput
$PY manage.py seed_demo --cases 300
mkdir -p .data/broker/queue .data/broker/processed
.venv/bin/celery -A psm worker -B --loglevel=INFO --concurrency=2 >.data/worker.log 2>&1 &
pids+=($!)
echo "Celery worker + beat started (log: .data/worker.log; broker: ${REDIS_URL:-embedded filesystem})"
$PY manage.py runserver "127.0.0.1:$PORT" &
pids+=($!)
sleep 2
echo
echo "psm is running: http://127.0.0.1:$PORT/  (Ctrl-C stops everything)"
wait -n "${pids[@]}" || true
