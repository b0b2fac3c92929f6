#!/usr/bin/env bash
# `make restore BACKUP=backups/<timestamp>`: put a `make backup` back. The database is
# restored with pg_restore --clean (its current content is replaced) in one transaction;
# MEDIA_ROOT is replaced too, the current files kept beside it as <MEDIA_ROOT>.before-restore-*.
# Asks for confirmation unless CONFIRM=yes.
set -euo pipefail
cd "$(dirname "$0")/.."
# The project's .venv when there is one, else the python3 on PATH (a deployment), or $PY.
if [ -z "${PY:-}" ]; then
  if [ -x .venv/bin/python ]; then PY=.venv/bin/python; else PY="$(command -v python3)"; fi
fi
backup="${1:?usage: restore.sh backups/<timestamp>}"
: "${DATABASE_URL:?DATABASE_URL is not set}"
BIN="$($PY -m psm.devdb bin)"
MEDIA_ROOT="${MEDIA_ROOT:-.data/media}"
(cd "$backup" && sha256sum --quiet --check SHA256SUMS) || { echo "backup is damaged: checksums differ" >&2; exit 1; }
if [ "${CONFIRM:-}" != "yes" ]; then
  db="${DATABASE_URL##*/}"
  read -r -p "Replace database '${db%%\?*}' and $MEDIA_ROOT with $backup? Type yes: " answer
  [ "$answer" = "yes" ] || { echo "cancelled"; exit 1; }
fi
# Through psql rather than `pg_restore --dbname`: the wheel's pg_restore (18) always sends
# `SET transaction_timeout`, which servers before 17 reject; the line is dropped here.
"$BIN/pg_restore" --clean --if-exists --no-owner --no-privileges --file - "$backup/database.dump" \
  | sed '/^SET transaction_timeout = /d' \
  | "$BIN/psql" -X -q -v ON_ERROR_STOP=1 --single-transaction --dbname "$DATABASE_URL" >/dev/null
umask 077
mkdir -p "$(dirname "$MEDIA_ROOT")"
incoming="$(mktemp -d "${MEDIA_ROOT%/}.incoming.XXXXXX")"
tar -C "$incoming" -xzf "$backup/media.tar.gz"
if [ -e "$MEDIA_ROOT" ]; then
  mv "$MEDIA_ROOT" "${MEDIA_ROOT%/}.before-restore-$(date -u +%Y%m%dT%H%M%SZ)"
fi
mv "$incoming" "$MEDIA_ROOT"
echo "restored $backup"
