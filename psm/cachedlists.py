"""Small reference tables (kelurahan, categories) read once per process, not once per page.

Every list page and the dashboard name the areas and categories and offer them as filters:
two queries and a few hundred Python objects on every request for tables an admin edits a
few times a year. A `CachedList` keeps what its loader returned until a row of one of its
models is saved or deleted (post_save/post_delete, and again when that transaction commits:
a list read inside it, before the commit, is not kept), or until MAX_AGE_SECONDS have
passed: the bound on how long another web process (whose signals this one does not hear), a
bulk update (which sends none) or a rolled-back change can leave the old list in use here.
Nothing per user is kept here.

`Choices` is a choice list normalised once: Django re-normalises a plain list on every
iteration (each option's label tested and copied, ~260 calls per case-list page); an
iterator is taken as it is.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any, Generic, TypeVar

from django.db import transaction
from django.db.models import Model
from django.db.models.signals import post_delete, post_save
from django.utils.choices import BaseChoiceIterator

T = TypeVar("T")

# Another process's edit shows here within this time; a save in this process at once.
MAX_AGE_SECONDS = 60

_ALL: list[CachedList[Any]] = []
_clock = time.monotonic  # tests move it


class CachedList(Generic[T]):
    """`load()`'s result, kept per process until one of `models` changes (see module doc)."""

    def __init__(self, load: Callable[[], T], *models: type[Model]) -> None:
        self._load = load
        self._lock = threading.Lock()
        self._entry: tuple[T, float] | None = None  # (value, loaded at): one atomic read
        self._generation = 0
        for model in models:
            post_save.connect(self._changed, sender=model, weak=False)
            post_delete.connect(self._changed, sender=model, weak=False)
        _ALL.append(self)

    def get(self, *, fresh: bool = False) -> T:
        """The kept list; `fresh`: read it again now (a caller that met a row the list does
        not hold yet, e.g. a category another process has just added)."""
        if fresh:
            self.clear()
        entry = self._entry
        if entry is not None and _clock() - entry[1] < MAX_AGE_SECONDS:
            return entry[0]
        generation = self._generation
        value = self._load()
        with self._lock:
            # A change while loading: use what was read, keep nothing (the next read reloads).
            if generation == self._generation:
                self._entry = (value, _clock())
        return value

    def clear(self) -> None:
        with self._lock:
            self._generation += 1
            self._entry = None

    def _changed(self, **_kwargs: Any) -> None:
        self.clear()
        transaction.on_commit(self.clear)  # what was read inside the transaction, too


def clear_all() -> None:
    """Forget every cached list (tests: each starts from the database as it is)."""
    for cached in _ALL:
        cached.clear()


class Choices(BaseChoiceIterator):
    """(value, label) pairs normalised once; Django's fields and widgets take an iterator as
    it is instead of normalising the list again on every iteration. Immutable, so a form's
    deep copy shares it."""

    def __init__(self, pairs: Iterable[tuple[Any, Any]]) -> None:
        self.pairs = tuple(pairs)

    def __iter__(self) -> Iterator[tuple[Any, Any]]:
        return iter(self.pairs)

    def __len__(self) -> int:
        return len(self.pairs)

    def __getitem__(self, index: Any) -> Any:
        return self.pairs[index]

    def __bool__(self) -> bool:
        return bool(self.pairs)

    def __deepcopy__(self, memo: dict[int, Any]) -> Choices:
        return self
