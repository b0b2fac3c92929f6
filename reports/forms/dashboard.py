from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from reports.dashboard import DashboardFilter

PERIODS = [
    ("30d", _("Last 30 days")),
    ("month", _("This month")),
    ("last_month", _("Last month")),
    ("90d", _("Last 90 days")),
    ("12m", _("Last 12 months")),
    ("custom", _("Choose dates")),
]
MAX_DAYS = 366 * 3
YEARS = (2000, 2100)  # the period's day after its end must still be a date


class DashboardForm(forms.Form):
    period = forms.ChoiceField(label=_("Period"), choices=PERIODS, required=False)
    start = forms.DateField(
        label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    end = forms.DateField(
        label=_("Until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    # Plain ids shown as a select: the view fills the options from the lists the dashboard
    # loads anyway, so a filtered dashboard costs no extra lookup; an unknown id matches no case.
    kecamatan = forms.IntegerField(
        required=False, min_value=1, label=_("Kecamatan"), widget=forms.Select
    )
    category = forms.IntegerField(
        required=False, min_value=1, label=_("Category"), widget=forms.Select
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("period") == "custom":
            start, end = data.get("start"), data.get("end")
            if not start or not end:
                raise forms.ValidationError(_("Choose both dates of the period."))
            if start > end:
                raise forms.ValidationError(_("The start date must be before the end date."))
            if (end - start).days > MAX_DAYS:
                raise forms.ValidationError(_("Choose a period of at most three years."))
            if start.year < YEARS[0] or end.year > YEARS[1]:
                raise forms.ValidationError(
                    _("Choose dates between %(first)d and %(last)d.")
                    % {"first": YEARS[0], "last": YEARS[1]}
                )
        return data

    def to_filter(self) -> DashboardFilter:
        """The filter for valid data; the default (last 30 days, everything) otherwise."""
        data = self.cleaned_data if self.is_valid() else {}
        today = timezone.localdate()
        period = data.get("period") or "30d"
        if period == "custom":
            start, end = data["start"], data["end"]
        elif period == "month":
            start, end = today.replace(day=1), today
        elif period == "last_month":
            end = today.replace(day=1) - dt.timedelta(days=1)
            start = end.replace(day=1)
        elif period == "90d":
            start, end = today - dt.timedelta(days=89), today
        elif period == "12m":
            start, end = today - dt.timedelta(days=364), today
        else:
            start, end = today - dt.timedelta(days=29), today
        return DashboardFilter(
            start=start,
            end=end,
            kecamatan_id=data.get("kecamatan") or None,
            category_id=data.get("category") or None,
        )
