#!/usr/bin/env bash
# Run a command with DATABASE_URL set: the given one, or the embedded PostgreSQL in
# ./.data/pg, which this script starts if needed and stops afterwards if it started it.
set -uo pipefail
cd "$(dirname "$0")/.."
started=0
if [ -z "${DATABASE_URL:-}" ]; then
  if ! url=$(.venv/bin/python -m psm.devdb url 2>/dev/null); then
    url=$(.venv/bin/python -m psm.devdb start) || { echo "could not start embedded PostgreSQL" >&2; exit 1; }
    started=1
  fi
  export DATABASE_URL="$url"
fi
"$@"
rc=$?
if [ "$started" = 1 ]; then .venv/bin/python -m psm.devdb stop; fi
exit $rc
