"""Re-encrypt every encrypted column under the first of FIELD_ENCRYPTION_KEYS.

Key rotation (SECURITY.md): put the new key first (`FIELD_ENCRYPTION_KEYS=new,old`), deploy,
run this command, then drop the old key. With --rehash it also recomputes every NIK hash
with the current NIK_HASH_KEY (after changing that key). Safe to run again: a value already
under the first key is simply re-encrypted.
"""

from __future__ import annotations

from typing import Any

import pghistory
from django.apps import apps
from django.core.management.base import BaseCommand, CommandParser
from django.db import connection, transaction

from psm import crypto
from psm.fields import EncryptedMixin, KeyedHashField

BATCH = 1000


def encrypted_tables() -> list[tuple[str, list[str], list[tuple[str, str]]]]:
    """(table, encrypted columns, [(hash column, source column)]) of every model that has any."""
    found = []
    for model in apps.get_models():
        fields = model._meta.concrete_fields
        encrypted = [f.column for f in fields if isinstance(f, EncryptedMixin)]
        if not encrypted or model._meta.proxy:
            continue  # history models copy the hash column but not its source
        hashes = [
            (str(f.column), str(model._meta.get_field(f.source).column))  # type: ignore[union-attr]
            for f in fields
            if isinstance(f, KeyedHashField) and f.source
        ]
        found.append((model._meta.db_table, encrypted, hashes))
    return found


def rotate_table(
    table: str, columns: list[str], hashes: list[tuple[str, str]], *, rehash: bool
) -> int:
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    targets = columns + ([h for h, _s in hashes] if rehash else [])
    select = f"SELECT id, {names} FROM {quote(table)} WHERE id > %s ORDER BY id LIMIT %s"  # nosec B608  # noqa: S608
    done, last = 0, 0
    while True:
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute(select, [last, BATCH])
            rows = cursor.fetchall()
            if not rows:
                return done
            changes = []
            for pk, *tokens in rows:
                new = [crypto.rotate(t) if t else t for t in tokens]
                if rehash:
                    for _hash_col, source in hashes:
                        token = tokens[columns.index(source)]
                        new.append(crypto.nik_hash(crypto.decrypt(token)) if token else None)
                changes.append((*new, pk))
            crypto.update_rows(cursor, table=table, columns=targets, rows=changes)
        done += len(rows)
        last = rows[-1][0]


class Command(BaseCommand):
    help = "Re-encrypt NIK and phone columns under the first FIELD_ENCRYPTION_KEYS key."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--rehash", action="store_true", help="also recompute NIK hashes with NIK_HASH_KEY"
        )

    def handle(self, *args: Any, rehash: bool = False, **options: Any) -> None:
        with pghistory.context(command="rotate_field_keys"):
            for table, columns, hashes in encrypted_tables():
                count = rotate_table(table, columns, hashes, rehash=rehash)
                self.stdout.write(f"{table}: {count} rows re-encrypted ({', '.join(columns)})")
