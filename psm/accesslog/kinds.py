"""The kinds of object the access log records, registered by the apps whose views show them.

psm sits below the apps and knows none of their vocabulary (import-linter's layers): each app
registers the kinds its views log in its AppConfig.ready() (cases: the case page, a person's
record, an attachment, an exact-NIK lookup), and reads them back as `AccessEntry.Kind.CASE`.
psm itself knows one kind, "export": a file of many records, from whichever app.

The column stays a plain slug (max 16 characters); the choices the admin filter and
`get_kind_display` show are whatever is registered when they are read (a callable, so a new
kind needs no migration).
"""

from __future__ import annotations

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

MAX_LENGTH = 16


class AccessKinds:
    """NAME -> slug, as a TextChoices reads (`AccessEntry.Kind.CASE == "case"`)."""

    def __init__(self) -> None:
        self._slugs: dict[str, str] = {}
        self._labels: dict[str, str | Promise] = {}

    def register(self, name: str, slug: str, label: str | Promise) -> str:
        """Add a kind (idempotent; a name or slug already taken for another kind raises)."""
        if len(slug) > MAX_LENGTH:
            raise ValueError(f"access kind {slug!r} is longer than {MAX_LENGTH} characters")
        taken = self._slugs.get(name)
        if (taken is not None and taken != slug) or (taken is None and slug in self._labels):
            raise ValueError(f"access kind {name}={slug!r} clashes with one registered")
        self._slugs[name] = slug
        self._labels[slug] = label
        return slug

    def __getattr__(self, name: str) -> str:
        # Through __dict__: a copy or unpickle asks for attributes before __init__ ran.
        slugs: dict[str, str] = self.__dict__.get("_slugs", {})
        if name in slugs:
            return slugs[name]
        raise AttributeError(f"no access kind {name} is registered")

    @property
    def choices(self) -> list[tuple[str, str | Promise]]:
        return list(self._labels.items())


ACCESS_KINDS = AccessKinds()
ACCESS_KINDS.register("EXPORT", "export", _("Export"))


def access_kind_choices() -> list[tuple[str, str | Promise]]:
    """The field's choices, read when used (every app's ready() has registered by then)."""
    return ACCESS_KINDS.choices
