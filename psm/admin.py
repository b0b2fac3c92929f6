"""Admin pieces shared by the apps."""

from __future__ import annotations

import functools
from typing import Any

from django.contrib import admin
from django.contrib.admin.options import IncorrectLookupParameters
from django.contrib.admin.views.main import ChangeList
from django.http import HttpRequest


class ReadOnlyAdmin(admin.ModelAdmin):  # type: ignore[type-arg]
    """Rows the admin may read but not add, change or delete: writes go through the app's
    pages and services (history, logins, sessions), and logs are evidence."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


class NulRefusingChangeList(ChangeList):
    """A list filter value holding NUL is an incorrect lookup, as Django answers any value
    its field cannot read (the list again, "?e=1"): PostgreSQL text cannot hold NUL, so the
    query was a DataError and a 500 (/admin/cases/case/?status__exact=%00)."""

    def get_filters_params(self, params: Any = None) -> dict[str, Any]:
        lookup_params: dict[str, Any] = super().get_filters_params(params)
        for values in lookup_params.values():
            listed = values if isinstance(values, list) else [values]
            if any("\x00" in str(value) for value in listed):
                raise IncorrectLookupParameters("NUL character in a list filter")
        return lookup_params


@functools.cache
def _nul_refusing(base: type[ChangeList]) -> type[ChangeList]:
    if issubclass(base, NulRefusingChangeList):
        return base
    return type(f"NulRefusing{base.__name__}", (NulRefusingChangeList, base), {})


def changelists_refuse_nul(site: admin.AdminSite) -> None:
    """Every registered ModelAdmin's list, the project's and the libraries' (axes, celery
    beat, otp), refuses NUL in its filters, keeping any ChangeList of its own. Called once
    from psm.urls, after the admin modules have registered."""
    for model_admin in site._registry.values():
        original = model_admin.get_changelist

        def get_changelist(request: HttpRequest, _original: Any = original, **kw: Any) -> Any:
            return _nul_refusing(_original(request, **kw))

        model_admin.get_changelist = get_changelist  # type: ignore[method-assign]


def periodic_task_form_fixed(site: admin.AdminSite) -> None:
    """django-celery-beat's PeriodicTaskForm.clean reads cleaned_data["task"], which is
    missing when the task field itself was refused (too long): a KeyError and a 500. With
    this form the field's own message is shown instead."""
    from django.forms import ModelForm
    from django_celery_beat import admin as beat_admin
    from django_celery_beat.models import PeriodicTask

    class PeriodicTaskForm(beat_admin.PeriodicTaskForm):  # type: ignore[misc]
        def clean(self) -> dict[str, Any]:
            if "task" in self.errors:
                return ModelForm.clean(self) or {}
            return super().clean()  # type: ignore[no-any-return]

    class PeriodicTaskAdmin(type(site._registry[PeriodicTask])):  # type: ignore[misc]
        form = PeriodicTaskForm

    site.unregister(PeriodicTask)
    site.register(PeriodicTask, PeriodicTaskAdmin)
