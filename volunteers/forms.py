"""Forms validate input only; writes happen in volunteers.services."""

from __future__ import annotations

import datetime as dt
from typing import Any

import django_filters
from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from psm.accounts.models import User
from psm.crypto import nik_hash
from psm.dates import validate_past_date
from psm.exports import PurposeMixin
from psm.fields import InternationalPhoneNumberField
from psm.forms import DATE_INPUT
from psm.nik import NikField, parse_nik
from volunteers.models import (
    ActivityReport,
    Kecamatan,
    Kelurahan,
    Training,
    TrainingParticipant,
    Volunteer,
)
from volunteers.services.importing import MAX_FILE_BYTES

YES_NO = (("yes", _("Yes")), ("no", _("No")))


class RosterFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(label=_("Search"), method="filter_search")
    kecamatan = django_filters.ModelChoiceFilter(
        label=_("Kecamatan"),
        field_name="kelurahan__kecamatan",
        queryset=Kecamatan.objects.all(),
        empty_label=_("All"),
    )
    kelurahan = django_filters.ModelChoiceFilter(
        label=_("Kelurahan"),
        queryset=Kelurahan.objects.select_related("kecamatan"),
        empty_label=_("All"),
    )
    status = django_filters.ChoiceFilter(
        label=_("Status"), choices=Volunteer.Status.choices, empty_label=_("All")
    )
    trained = django_filters.ChoiceFilter(
        label=_("Basic PSM training"), choices=YES_NO, method="filter_yes_no", empty_label=_("All")
    )
    reported = django_filters.ChoiceFilter(
        label=_("Reported last month"), choices=YES_NO, method="filter_yes_no", empty_label=_("All")
    )
    year = django_filters.NumberFilter(label=_("Appointed in year"), method="filter_year")
    sort = django_filters.OrderingFilter(
        label=_("Sort by"),
        empty_label=_("By name"),
        fields=(
            ("user__full_name", "name"),
            ("kelurahan__name", "kelurahan"),
            ("appointed_on", "appointed"),
            ("status", "status"),
            ("created_at", "created"),
        ),
        field_labels={
            "user__full_name": _("Name"),
            "kelurahan__name": _("Kelurahan"),
            "appointed_on": _("Appointed on"),
            "status": _("Status"),
            "created_at": _("Added"),
        },
    )

    class Meta:
        model = Volunteer
        fields: list[str] = []

    def filter_search(self, queryset: QuerySet[Volunteer], name: str, value: str) -> Any:
        from volunteers.selectors import search_filter

        return queryset.filter(search_filter(value)) if value.strip() else queryset

    def filter_yes_no(self, queryset: QuerySet[Volunteer], name: str, value: str) -> Any:
        field = {"trained": "has_basic_training", "reported": "reported_last_month"}[name]
        return queryset.filter(**{field: value == "yes"})

    def filter_year(self, queryset: QuerySet[Volunteer], name: str, value: Any) -> Any:
        year = int(value)
        return queryset.filter(Q(sk_year=year) | Q(sk_year__isnull=True, appointed_on__year=year))


class VolunteerForm(forms.ModelForm):
    """Profile fields; the login's name, email and phone ride along."""

    full_name = forms.CharField(label=_("Full name"), max_length=150)
    email = forms.EmailField(
        label=_("Email"), help_text=_("The invitation to set a password is sent here.")
    )
    phone = InternationalPhoneNumberField(label=_("Phone number"), required=False, region="ID")

    class Meta:
        model = Volunteer
        fields = [
            "nik",
            "kelurahan",
            "whatsapp",
            "address",
            "sk_number",
            "sk_year",
            "appointed_on",
            "skills",
        ]
        widgets = {"appointed_on": DATE_INPUT, "address": forms.Textarea(attrs={"rows": 2})}
        field_classes = {"nik": NikField}

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        kelurahan = Kelurahan.objects.select_related("kecamatan")
        self.fields["kelurahan"].queryset = kelurahan  # type: ignore[attr-defined]
        self.fields["nik"].widget.attrs.update({"inputmode": "numeric", "autocomplete": "off"})
        if self.instance.pk:
            user = self.instance.user
            self.initial.update(
                {"full_name": user.full_name, "email": user.email, "phone": user.phone}
            )
        self.order_fields(["username", "full_name", "email", "phone"])

    def clean_nik(self) -> str:
        nik = (self.cleaned_data.get("nik") or "").strip()
        if not nik:
            return nik
        parse_nik(nik)
        taken = Volunteer.objects.filter(nik_hash=nik_hash(nik)).exclude(pk=self.instance.pk)
        if taken.exists():
            raise ValidationError(_("A volunteer with this NIK is already registered."))
        return nik

    def service_data(self) -> dict[str, Any]:
        data = {name: self.cleaned_data[name] for name in self.Meta.fields}
        data.update(
            full_name=self.cleaned_data["full_name"],
            email=self.cleaned_data["email"],
            phone=self.cleaned_data["phone"] or "",
        )
        data["whatsapp"] = data["whatsapp"] or ""
        return data


class VolunteerCreateForm(VolunteerForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Used to log in. Letters, digits and @ . + - _ only."),
    )

    def clean_username(self) -> str:
        username = self.cleaned_data["username"].strip()
        if User.objects.filter(username__iexact=username).exists():
            raise ValidationError(_("This username is already taken."))
        return username


class VolunteerStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Volunteer.Status.choices)
    reason = forms.CharField(
        label=_("Reason"),
        max_length=255,
        required=False,
        help_text=_("Required unless the status is active."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("status") != Volunteer.Status.ACTIVE and not data.get("reason", "").strip():
            self.add_error("reason", _("Give a reason for this status."))
        return data


class RosterExportForm(PurposeMixin):
    """The roster export: full NIKs and numbers leave psm, so it states a purpose (logged)."""

    format = forms.ChoiceField(
        label=_("Format"),
        choices=[("xlsx", _("Excel (XLSX)")), ("csv", _("CSV"))],
        initial="xlsx",
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose a format."), "invalid_choice": _("Choose a format.")},
    )
    field_order = ["format", "purpose"]


class RosterImportForm(forms.Form):
    MAX_BYTES = MAX_FILE_BYTES

    file = forms.FileField(
        label=_("Roster file (XLSX or CSV)"),
        help_text=_(
            "CSV files may be separated by commas, semicolons (Excel in Indonesian) or tabs."
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx,.csv"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        name = (upload.name or "").lower()
        if not (name.endswith(".xlsx") or name.endswith(".csv")):
            raise ValidationError(_("Only XLSX and CSV files can be imported."))
        if upload.size > self.MAX_BYTES:
            raise ValidationError(_("The file is larger than 5 MB."))
        return upload


class TrainingForm(forms.ModelForm):
    class Meta:
        model = Training
        fields = [
            "title",
            "starts_on",
            "ends_on",
            "venue",
            "organiser",
            "speakers",
            "capacity",
            "is_basic_psm",
        ]
        widgets = {
            "starts_on": DATE_INPUT,
            "ends_on": DATE_INPUT,
            "speakers": forms.Textarea(attrs={"rows": 3}),
        }

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The training cannot end before it starts."))
        return data

    def _post_clean(self) -> None:
        # Constraints are checked by the service; skip ModelForm's instance validation.
        pass


class TrainingInviteForm(forms.Form):
    kelurahan = forms.ModelChoiceField(
        label=_("Every active volunteer of kelurahan"),
        queryset=Kelurahan.objects.select_related("kecamatan"),
        required=False,
    )
    volunteers = forms.ModelMultipleChoiceField(
        label=_("Individual volunteers"),
        queryset=Volunteer.objects.filter(status=Volunteer.Status.ACTIVE).select_related("user"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("kelurahan") and not data.get("volunteers"):
            raise ValidationError(_("Choose a kelurahan or at least one volunteer."))
        return data


class AttendanceForm(forms.Form):
    attendance = forms.ChoiceField(
        label=_("Attendance"), choices=TrainingParticipant.Attendance.choices
    )
    certificate_number = forms.CharField(
        label=_("Certificate number"), max_length=100, required=False
    )


class ActivityReportForm(forms.ModelForm):
    month = forms.DateField(
        label=_("Month"),
        widget=forms.DateInput(attrs={"type": "month"}, format="%Y-%m"),
        input_formats=["%Y-%m", "%Y-%m-%d"],
        help_text=_("The month this report covers."),
        validators=[validate_past_date],
    )

    class Meta:
        model = ActivityReport
        fields = ["month", "activities", "visits_count", "cases_handled", "notes"]
        widgets = {
            "activities": forms.Textarea(attrs={"rows": 5}),
            "notes": forms.Textarea(attrs={"rows": 2}),
        }

    def clean_month(self) -> dt.date:
        month: dt.date = self.cleaned_data["month"].replace(day=1)
        if month > timezone.localdate().replace(day=1):
            raise ValidationError(_("A report cannot be for a future month."))
        return month

    def _post_clean(self) -> None:
        pass


class ActivityReportReviewForm(forms.Form):
    DECISIONS = (
        (ActivityReport.Status.APPROVED, _("Approve")),
        (ActivityReport.Status.REVISION_REQUESTED, _("Ask for revision")),
        (ActivityReport.Status.REJECTED, _("Reject")),
    )
    decision = forms.ChoiceField(label=_("Decision"), choices=DECISIONS)
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Required when asking for revision or rejecting."),
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if (
            data.get("decision") in ActivityReport.REASON_REQUIRED
            and not (data.get("reason") or "").strip()
        ):
            self.add_error("reason", _("A reason is required."))
        return data
