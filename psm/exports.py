"""What every export shares, whichever app draws its rows: a stated purpose, a log row, and
the filters as the log keeps them (never a personal number).

The log itself (reports.ExportLog) lives in an upper layer; a lower one (the volunteer roster)
writes it through `export_log`, which calls the service named by settings.PSM_EXPORT_LOG,
as PSM_REMINDER_SWEEPERS does for reminders.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.conf import settings
from django.http import QueryDict
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _

from psm.logging import redact

MAX_VALUE = 200
MAX_VALUES = 20


class PurposeMixin(forms.Form):
    purpose = forms.CharField(
        label=_("Purpose of this export"),
        max_length=200,
        min_length=5,
        help_text=_("For example: monthly report to the Head of Dinas. It is logged."),
        error_messages={
            "required": _("State the purpose of this export."),
            "min_length": _("Describe the purpose in a few words (at least 5 characters)."),
            "max_length": _("Keep the purpose under 200 characters."),
        },
    )


def logged_filters(query: QueryDict, known: Iterable[str]) -> dict[str, list[str]]:
    """The list's query as the log keeps it: known parameters only, values bounded, no NUL
    (a jsonb column refuses it), and 16-digit or phone-like values masked with the log
    redaction's rule (a search by NIK is logged as "[NIK/KK]")."""
    names = set(known)
    return {
        key: [redact(v.replace("\x00", "")[:MAX_VALUE]) for v in query.getlist(key)][:MAX_VALUES]
        for key in sorted(query)
        if key in names and any(query.getlist(key))
    }


def export_log(**fields: Any) -> Any:
    """Write one export-log row (keyword arguments of the service in PSM_EXPORT_LOG)."""
    return import_string(settings.PSM_EXPORT_LOG)(**fields)
