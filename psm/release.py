"""The release this process serves: names the field app's caches (the service worker).

`PSM_RELEASE` when set (a deploy's version); otherwise a hash of what the cached pages are
made of: templates, static files and compiled translations. Any change there gives a new
service worker, which precaches the new pages and assets and drops the old ones.
"""

from __future__ import annotations

import hashlib
from functools import lru_cache
from pathlib import Path

from django.conf import settings

SOURCES = ("templates", "static", "locale")


@lru_cache(maxsize=1)
def _content_hash() -> str:
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for folder in SOURCES:
        for path in sorted((base / folder).rglob("*")):
            if path.is_file():
                digest.update(str(path.relative_to(base)).encode())
                digest.update(path.read_bytes())
    return digest.hexdigest()[:12]


def release() -> str:
    return settings.PSM_RELEASE or _content_hash()
