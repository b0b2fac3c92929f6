"""Files written during a write that then fails must not stay on disk as orphans.

A database rollback cannot take back a file already in storage, and Django has no
"on rollback" hook. So the outermost service of a write (intake, a visit, one attachment)
runs under `files_removed_on_error`: every file saved inside it is remembered, and deleted
again if the service raises, that is, when its transaction rolled back. Nested services share
the outermost list, so a failure late in the intake also removes the first photo.

Not covered: a caller that wraps a successful service in its own transaction and rolls that
back later (no view does; tests do, with their own temporary MEDIA_ROOT).
"""

from __future__ import annotations

import contextvars
import logging
from collections.abc import Callable
from functools import wraps
from typing import ParamSpec, TypeVar

from django.core.files.base import File
from django.core.files.storage import default_storage

P = ParamSpec("P")
R = TypeVar("R")
logger = logging.getLogger(__name__)
_saved: contextvars.ContextVar[list[str] | None] = contextvars.ContextVar(
    "psm_saved_files", default=None
)


def file_save(name: str, content: File) -> str:
    """Save to the default storage; remembered for removal if the enclosing write fails."""
    stored = default_storage.save(name, content)
    pending = _saved.get()
    if pending is not None:
        pending.append(stored)
    return stored


def files_removed_on_error(func: Callable[P, R]) -> Callable[P, R]:
    """Decorate a service (outside its @transaction.atomic) whose writes store files."""

    @wraps(func)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if _saved.get() is not None:  # an outer service already collects
            return func(*args, **kwargs)
        pending: list[str] = []
        token = _saved.set(pending)
        try:
            return func(*args, **kwargs)
        except BaseException:
            for name in pending:
                try:
                    default_storage.delete(name)
                except OSError:  # pragma: no cover - storage down; the error that matters is raised
                    logger.warning("could not remove orphaned file %s", name)
            raise
        finally:
            _saved.reset(token)

    return wrapper
