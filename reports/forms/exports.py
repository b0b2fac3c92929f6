"""Forms of the exports: every export states its purpose (psm.exports.PurposeMixin, logged)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psm.exports import PurposeMixin
from psm.letterhead import letterhead
from volunteers.models import Kecamatan

FIRST_YEAR = 2000


class MonthlyReportForm(PurposeMixin):
    month = forms.DateField(  # as volunteers.forms.ActivityReportForm's month
        label=_("Month"),
        input_formats=["%Y-%m"],
        # Its range (January FIRST_YEAR to this month) is clean_month's, with its own message.
        widget=forms.DateInput(attrs={"type": "month", "placeholder": "2026-10"}, format="%Y-%m"),
        error_messages={
            "required": _("Choose a month."),
            "invalid": _("Enter the month as YYYY-MM, for example 2026-10."),
        },
    )
    kecamatan = forms.ModelChoiceField(
        queryset=Kecamatan.objects.order_by("name"),
        required=False,
        label=_("Area"),
        error_messages={"invalid_choice": _("Choose a kecamatan from the list.")},
    )
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (XLSX)")), ("pdf", _("PDF"))],
        initial="xlsx",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a format."), "invalid_choice": _("Choose a format.")},
    )
    field_order = ["month", "kecamatan", "format", "purpose"]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        # The region is the deployment's (REPORT_REGION_NAME), the same words as the report.
        self.fields["kecamatan"].empty_label = _("All of %(region)s") % {  # type: ignore[attr-defined]
            "region": letterhead().region
        }

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"]
        if month.year < FIRST_YEAR or month > timezone.localdate().replace(day=1):
            raise forms.ValidationError(
                _("Choose a month between January %(year)d and this month.") % {"year": FIRST_YEAR}
            )
        return month


class CaseExportForm(PurposeMixin):
    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("csv", _("CSV")), ("xlsx", _("Excel (XLSX)"))],
        initial="xlsx",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a format."), "invalid_choice": _("Choose a format.")},
    )
    include_nik = forms.BooleanField(
        label=_("Include the full NIK"),
        required=False,
        help_text=_("Without it NIKs are masked (6371********0001). Your choice is logged."),
    )
    field_order = ["format", "include_nik", "purpose"]
