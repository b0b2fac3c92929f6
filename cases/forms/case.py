"""The case page's forms: status change, assignment, note, visit, attachments, merge."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from cases.forms.files import MultipleFileField
from cases.forms.queue import PersonField
from cases.models import Beneficiary, Case
from psm.accounts.models import User
from psm.dates import validate_past_date, validate_planned_date
from psm.forms import DATE_INPUT


class TransitionForm(forms.Form):
    to_status = forms.ChoiceField(choices=Case.Status.choices, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 2})
    )
    reason = forms.CharField(label=_("Reason for rejection"), required=False, max_length=2000)
    partner = forms.CharField(label=_("Referred to (partner)"), required=False, max_length=200)


class AssignForm(forms.Form):
    """The case page's assignment: a search box like triage's (cases:assignee_search suggests
    people with their open and overdue cases), never a <select> of every volunteer, which
    made the page ~50 KB heavier and counted every person's workload on each view."""

    assignee = PersonField(
        queryset=User.objects.none(),
        label=_("Assign to"),
        help_text=_("Type a name; choose from the suggestions."),
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=4000)

    def __init__(self, *args: Any, assignees: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["assignee"].queryset = assignees  # type: ignore[attr-defined]


class NoteForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class VisitForm(forms.Form):
    visited_on = forms.DateField(
        label=_("Visit date"), widget=DATE_INPUT, validators=[validate_past_date]
    )
    findings = forms.CharField(
        label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    next_visit_on = forms.DateField(
        label=_("Next visit"), required=False, widget=DATE_INPUT, validators=[validate_planned_date]
    )
    uploads = MultipleFileField(label=_("Photos or documents (up to 5, 10 MB each)"))

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.initial.setdefault("visited_on", timezone.localdate())


class AttachmentForm(forms.Form):
    uploads = MultipleFileField(label=_("Photos or documents (up to 5, 10 MB each)"), required=True)


class MergeForm(forms.Form):
    survivor = forms.TypedChoiceField(
        label=_("Keep this record"), coerce=int, widget=forms.RadioSelect
    )
    confirm = forms.BooleanField(
        label=_("I checked that both records are the same person."), required=True
    )

    def __init__(self, *args: Any, pair: tuple[Beneficiary, Beneficiary], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.pair = pair
        self.fields["survivor"].choices = [(b.pk, f"{b.name} (#{b.pk})") for b in pair]  # type: ignore[attr-defined]
        self.initial.setdefault("survivor", pair[0].pk)

    def survivor_and_duplicate(self) -> tuple[Beneficiary, Beneficiary]:
        a, b = self.pair
        return (a, b) if self.cleaned_data["survivor"] == a.pk else (b, a)
