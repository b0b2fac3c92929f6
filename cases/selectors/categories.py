"""The category list every case list, the triage form and the dashboard name and offer."""

from __future__ import annotations

from dataclasses import dataclass

from cases.models import Category
from psm.cachedlists import CachedList, Choices


@dataclass(frozen=True)
class Categories:
    names: dict[int, str]  # every category, inactive ones too (old cases keep theirs)
    choices: Choices  # (str(pk), name) in the model's order, for filters
    active_choices: Choices  # the ones a form may set


def _load() -> Categories:
    rows = list(Category.objects.values_list("pk", "name", "is_active"))
    return Categories(
        names={pk: name for pk, name, _active in rows},
        choices=Choices((str(pk), name) for pk, name, _active in rows),
        active_choices=Choices((str(pk), name) for pk, name, active in rows if active),
    )


_CATEGORIES = CachedList(_load, Category)


def categories(*, fresh: bool = False) -> Categories:
    """psm.cachedlists: read once per process, again after a category is saved or deleted
    (`fresh`: read again now)."""
    return _CATEGORIES.get(fresh=fresh)
