"""The supervisors' access log filter: who, which case, which days."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _

from cases.models import Case
from cases.services.reference import reference_example, reference_normal, reference_re
from psm.accounts.models import User
from psm.forms import DATE_INPUT

YEARS = (2000, 2100)


class AccessLogFilterForm(forms.Form):
    who = forms.CharField(
        label=_("Who (username or name)"), required=False, max_length=150, strip=True
    )
    case = forms.CharField(
        label=_("Case reference"),
        required=False,
        max_length=40,
        strip=True,
        widget=forms.TextInput(attrs={"placeholder": lazy(reference_example, str)()}),
    )
    start = forms.DateField(label=_("From"), required=False, widget=DATE_INPUT)
    end = forms.DateField(label=_("Until"), required=False, widget=DATE_INPUT)

    def clean_who(self) -> list[int] | None:
        text = " ".join(self.cleaned_data["who"].split())
        if not text:
            return None
        ids = list(User.objects.filter(username__iexact=text).values_list("pk", flat=True)) or list(
            User.objects.filter(full_name__icontains=text).values_list("pk", flat=True)[:50]
        )
        if not ids:
            raise forms.ValidationError(_("No user with this username or name."))
        return ids

    def clean_case(self) -> Case | None:
        reference = self.cleaned_data["case"].upper()
        if not reference:
            return None
        if reference_re().match(reference):  # bjm-2026-123 as the case list takes it
            reference = reference_normal(reference)
        case = Case.objects.filter(reference=reference).first()
        if case is None:
            raise forms.ValidationError(_("No case with this reference."))
        return case

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        start: dt.date | None = data.get("start")
        end: dt.date | None = data.get("end")
        for name, day in (("start", start), ("end", end)):
            if day is not None and not YEARS[0] <= day.year <= YEARS[1]:
                self.add_error(
                    name,
                    _("Choose a date between %(first)d and %(last)d.")
                    % {"first": YEARS[0], "last": YEARS[1]},
                )
        if start and end and start > end:
            self.add_error("end", _("The end date is before the start date."))
        return data
