"""The roster file kept between the preview and the import (encrypted, in the shared cache)."""

from __future__ import annotations

import re
import secrets

from django.core.cache import cache

from psm.accounts.models import User
from psm.crypto import InvalidToken, fernet
from volunteers.resources import FORMATS
from volunteers.services.importing.reading import MAX_FILE_BYTES

# --- the file between preview and import ------------------------------------------------
# The preview's "Import" button must not make the admin upload the file again, and the file
# (NIKs, phone numbers) must not travel through the page or sit in clear anywhere: it is kept
# encrypted (psm.crypto's Fernet keys) in the shared cache (Redis, else the database cache:
# any web node can answer the confirm), under a random token bound to the admin, for
# UPLOAD_TTL. Nothing of it is logged.
UPLOAD_TTL = 30 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _upload_key(user: User, token: str) -> str:
    return f"roster-import:{user.pk}:{token}"


def roster_upload_keep(*, user: User, content: bytes, file_format: str) -> str:
    """Keep an uploaded roster file for the confirm step; returns its token."""
    if len(content) > MAX_FILE_BYTES or file_format not in FORMATS:
        raise ValueError("roster_upload_keep: file too large or of an unknown format")
    token = secrets.token_urlsafe(24)
    sealed = fernet().encrypt(file_format.encode() + b"\n" + content)
    cache.set(_upload_key(user, token), sealed, UPLOAD_TTL)
    return token


def roster_upload_get(*, user: User, token: str) -> tuple[bytes, str] | None:
    """(content, file_format) of a kept file, or None: unknown, expired, another admin's."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    sealed = cache.get(_upload_key(user, token))
    if not isinstance(sealed, bytes):
        return None
    try:
        plain = fernet().decrypt(sealed, ttl=UPLOAD_TTL)
    except InvalidToken:
        return None
    file_format, _sep, content = plain.partition(b"\n")
    return content, file_format.decode()


def roster_upload_drop(*, user: User, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        cache.delete(_upload_key(user, token))
