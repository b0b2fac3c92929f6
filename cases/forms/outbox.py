"""Forms of records sent from the field app's outbox: the online forms plus the phone's UUID.

Each one validates exactly what its online twin validates (they subclass it); what differs is
where the parent case comes from (a reference, or the UUID of a case filed offline) and that a
case typed offline never stops at "this NIK is already registered": the phone could not search,
so the case is filed for that person and staff see the possible duplicates on arrival.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext_lazy as _

from cases.forms import IntakeForm, NoteForm, VisitForm
from cases.models import Case, Visit
from cases.selectors import beneficiary_by_nik, case_get_for_user_by_client
from cases.services.attachments import attachment_check
from psm.accounts.models import User


class _ClientUuid(forms.Form):
    client_uuid = forms.UUIDField(widget=forms.HiddenInput)


class FieldIntakeForm(_ClientUuid, IntakeForm):
    recorded_at = forms.DateTimeField(required=False, widget=forms.HiddenInput)

    def clean(self) -> dict[str, Any]:
        nik = self.cleaned_data.get("nik")
        if (
            nik
            and self.cleaned_data.get("beneficiary") is None
            and "beneficiary" not in self.errors
        ):
            person = beneficiary_by_nik(nik)
            if person is not None:
                self.cleaned_data["beneficiary"] = person
        return super().clean()


class _ParentCase(forms.Form):
    """The case a record belongs to: its reference, or the UUID of a case sent from the
    phone before it (a visit logged on a case filed offline). 404 when not the user's."""

    case_reference = forms.CharField(required=False, max_length=20)
    case_uuid = forms.UUIDField(required=False)

    def parent_case(self, user: User) -> Case:
        d = self.cleaned_data
        return case_get_for_user_by_client(
            user, reference=d.get("case_reference") or None, client_uuid=d.get("case_uuid")
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("case_reference") and not data.get("case_uuid"):
            raise ValidationError(_("Choose the case first."), code="no_case")
        return data


class FieldVisitForm(_ClientUuid, _ParentCase, VisitForm):
    pass


class FieldNoteForm(_ClientUuid, _ParentCase, NoteForm):
    pass


class FieldAttachmentForm(_ClientUuid, _ParentCase):
    """One photo or PDF, sent on its own after its case (and visit, if any)."""

    visit_uuid = forms.UUIDField(required=False)
    upload = forms.FileField(label=_("Photo or document"))

    def clean_upload(self) -> UploadedFile:
        upload: UploadedFile = self.cleaned_data["upload"]
        attachment_check(upload)
        return upload

    def parent_visit(self, case: Case) -> Visit | None:
        visit_uuid = self.cleaned_data.get("visit_uuid")
        if visit_uuid is None:
            return None
        visit = case.visits.filter(client_uuid=visit_uuid).first()
        if visit is None:
            raise ValidationError(
                {"visit_uuid": _("The visit of this photo has not arrived yet.")},
                code="visit_missing",
            )
        return visit
