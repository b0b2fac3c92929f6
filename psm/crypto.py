"""Encryption at rest of NIK and phone numbers, and the keyed hash that finds an NIK.

Keys come from settings (env): `FIELD_ENCRYPTION_KEYS` is a list of Fernet keys, the first
encrypts, all decrypt (MultiFernet), so a key is rotated by putting a new one first, running
`manage.py rotate_field_keys`, then dropping the old one. `NIK_HASH_KEY` keys an HMAC-SHA256
of the NIK: equal NIKs give equal hashes (exact lookup, uniqueness) while the database alone
cannot tell which NIK it is (a plain SHA-256 of 16 digits is brute-forced in seconds).

Why not django-fernet-encrypted-fields: it derives its keys from SECRET_KEY (rotating the
session key would rotate the data key), returns the ciphertext as if it were the value when
a key is wrong (silent), keeps a per-field flag across threads, and has no phone field. The
cryptography package's Fernet/MultiFernet is the audited part; this module is the glue.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Sequence
from functools import cache
from typing import Any

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.core.signals import setting_changed
from django.dispatch import receiver

__all__ = [
    "InvalidToken",
    "check_fernet_keys",
    "decrypt",
    "derive_key",
    "encrypt",
    "fernet",
    "nik_hash",
]


def derive_key(secret: str, purpose: str) -> str:
    """A development key derived from SECRET_KEY (DEBUG and tests only, see settings)."""
    digest = hashlib.sha256(f"psm:{purpose}:{secret}".encode()).digest()
    return base64.urlsafe_b64encode(digest).decode()


def check_fernet_keys(keys: Sequence[str]) -> None:
    """Fail loudly at start-up (settings.py) unless every key is a Fernet key."""
    for key in keys:
        try:
            if len(base64.urlsafe_b64decode(key.encode())) != 32:
                raise ValueError
        except ValueError:
            raise ImproperlyConfigured(
                "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes); "
                "see .env.example for how to generate one."
            ) from None


@cache
def fernet() -> MultiFernet:
    keys = list(settings.FIELD_ENCRYPTION_KEYS)
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS is empty.")
    try:
        return MultiFernet([Fernet(key) for key in keys])
    except ValueError as exc:
        raise ImproperlyConfigured(
            "FIELD_ENCRYPTION_KEYS must be Fernet keys (32 url-safe base64-encoded bytes): "
            "see .env.example for how to generate one."
        ) from exc


@cache
def _hash_key() -> bytes:
    key = settings.NIK_HASH_KEY
    if not key:
        raise ImproperlyConfigured("NIK_HASH_KEY is empty.")
    return key.encode()


@receiver(setting_changed)
def _forget_keys(*, setting: str, **kwargs: object) -> None:
    if setting in ("FIELD_ENCRYPTION_KEYS", "NIK_HASH_KEY"):
        fernet.cache_clear()
        _hash_key.cache_clear()


def encrypt(value: str) -> str:
    return fernet().encrypt(value.encode()).decode()


def decrypt(token: str) -> str:
    """Raises InvalidToken when no configured key opens it: never returns ciphertext as data."""
    return fernet().decrypt(token.encode()).decode()


def rotate(token: str) -> str:
    """The same value encrypted under the first key (MultiFernet.rotate)."""
    return fernet().rotate(token.encode()).decode()


def keyed_digest(value: str, *, purpose: str) -> str:
    """HMAC-SHA256 (hex) of any text under NIK_HASH_KEY, with its purpose in the message: the
    same text hashed for two purposes gives two unrelated digests."""
    message = f"{purpose}\0{value}".encode()
    return hmac.new(_hash_key(), message, hashlib.sha256).hexdigest()


def nik_hash(nik: str | None) -> str | None:
    """HMAC-SHA256 (hex) of a normalised NIK, or None when there is none."""
    nik = "".join((nik or "").split())
    if not nik:
        return None
    return hmac.new(_hash_key(), nik.encode(), hashlib.sha256).hexdigest()


def encrypt_existing_rows(
    connection: Any,
    *,
    table: str,
    columns: Sequence[str],
    nik_column: str | None = None,
    reverse: bool = False,
) -> int:
    """Data migrations: encrypt the plain values of `columns` in place (and fill `nik_hash`
    from `nik_column`), or decrypt them again with reverse=True. Returns the rows changed.

    Raw SQL on purpose: the model field already expects ciphertext. Table and column names
    are constants of the calling migration, never input.
    """
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT id, {names} FROM {quote(table)} ORDER BY id")  # nosec B608  # noqa: S608
        rows = cursor.fetchall()
        changes = []
        for pk, *values in rows:
            if reverse:
                new = [decrypt(v) if v else v for v in values]
            else:
                new = [encrypt(v) if v else v for v in values]
            if new == values:
                continue
            if nik_column and not reverse:
                new.append(nik_hash(values[list(columns).index(nik_column)]))
            changes.append((*new, pk))
        targets = list(columns) + (["nik_hash"] if nik_column and not reverse else [])
        for start in range(0, len(changes), 1000):
            update_rows(cursor, table=table, columns=targets, rows=changes[start : start + 1000])
    return len(changes)


def update_rows(cursor: Any, *, table: str, columns: Sequence[str], rows: Sequence[Any]) -> None:
    """One UPDATE ... FROM (VALUES ...) for many rows of (*text values, id).

    Not executemany: django-pghistory's context prefix breaks executemany's parameters.
    """
    if not rows:
        return
    quote = cursor.db.ops.quote_name
    assignments = ", ".join(f"{quote(c)} = v.{quote(c)}::text" for c in columns)
    aliases = ", ".join([*(quote(c) for c in columns), "id"])
    placeholders = ", ".join(["(" + ", ".join(["%s"] * (len(columns) + 1)) + ")"] * len(rows))
    cursor.execute(
        f"UPDATE {quote(table)} AS t SET {assignments} "  # nosec B608  # noqa: S608
        f"FROM (VALUES {placeholders}) AS v({aliases}) WHERE t.id = v.id::bigint",
        [value for row in rows for value in row],
    )
