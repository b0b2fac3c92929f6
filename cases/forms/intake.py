"""The intake form: a case and its person, as a volunteer or officer files it."""

from __future__ import annotations

import uuid
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from cases.forms.files import MultipleFileField
from cases.models import Beneficiary, Case, Category, Priority
from cases.selectors import (
    beneficiaries_visible_to,
    beneficiary_by_nik,
    beneficiary_likely_duplicates,
)
from psm.accounts.models import User
from psm.dates import validate_birth_date
from psm.fields import InternationalPhoneNumberField
from psm.forms import DATE_INPUT
from psm.nik import SEX_FEMALE, SEX_MALE, NikField, typed_nik, validate_nik
from volunteers.models import Kelurahan


def _rt_rw_field(label: Any) -> forms.RegexField:
    return forms.RegexField(
        label=label,
        regex=r"^\d{1,3}$",
        required=False,
        error_messages={"invalid": _("RT/RW is a number of up to 3 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )


class IntakeForm(forms.Form):
    """A new case: a registered person (picked from the search) or a new one, then the case."""

    idempotency_key = forms.UUIDField(widget=forms.HiddenInput)
    beneficiary = forms.ModelChoiceField(
        queryset=Beneficiary.objects.none(),
        required=False,
        widget=forms.RadioSelect,
        label=_("Registered person"),
        error_messages={"invalid_choice": _("Choose the person again from the search.")},
    )
    # A new person (used when no registered person is chosen).
    nik = NikField(
        label=_("NIK"),
        required=False,
        help_text=_("16 digits from the KTP or KK. Leave empty if the person has none."),
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )
    name = forms.CharField(label=_("Full name"), required=False, max_length=150)
    sex = forms.ChoiceField(
        label=_("Sex"),
        required=False,
        choices=[("", "—"), (SEX_MALE, _("Male")), (SEX_FEMALE, _("Female"))],
    )
    birth_date = forms.DateField(
        label=_("Birth date"), required=False, widget=DATE_INPUT, validators=[validate_birth_date]
    )
    kk_number = forms.RegexField(
        label=_("KK number"),
        required=False,
        regex=r"^\d{16}$",
        error_messages={"invalid": _("The KK number must be exactly 16 digits.")},
        widget=forms.TextInput(attrs={"inputmode": "numeric"}),
    )
    phone = InternationalPhoneNumberField(label=_("Phone number"), required=False, region="ID")
    # Ticked after the form asked "is this the same person?" about a likely duplicate.
    not_duplicate = forms.BooleanField(
        label=_("Not the same person: create a new record anyway"), required=False
    )
    # The case.
    category = forms.ModelChoiceField(
        queryset=Category.objects.filter(is_active=True),
        label=_("Category"),
        error_messages={"invalid_choice": _("Choose a category from the list.")},
    )
    priority = forms.ChoiceField(
        label=_("Urgency"),
        required=False,
        choices=[("", _("As usual for the category")), *Priority.choices],
    )
    kelurahan = forms.ModelChoiceField(
        queryset=Kelurahan.objects.select_related("kecamatan").order_by("name"),
        label=_("Kelurahan"),
        error_messages={"invalid_choice": _("Choose a kelurahan from the list.")},
    )
    address = forms.CharField(label=_("Address"), max_length=255)
    rt = _rt_rw_field(_("RT"))
    rw = _rt_rw_field(_("RW"))
    description = forms.CharField(
        label=_("What is the situation?"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    latitude = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-90,
        max_value=90,
        widget=forms.HiddenInput,
    )
    longitude = forms.DecimalField(
        required=False,
        max_digits=9,
        decimal_places=6,
        min_value=-180,
        max_value=180,
        widget=forms.HiddenInput,
    )
    uploads = MultipleFileField(label=_("Photos or documents (up to 5, 10 MB each)"))

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        # Registered people the new person may be (shown to pick from, with the question).
        self.duplicates: list[Beneficiary] = []
        self.fields["beneficiary"].queryset = Beneficiary.objects.filter(  # type: ignore[attr-defined]
            merged_into__isnull=True
        )
        if not self.is_bound:
            self.initial.setdefault("idempotency_key", uuid.uuid4())
            volunteer = getattr(user, "volunteer", None)
            if volunteer is not None:
                self.initial.setdefault("kelurahan", volunteer.kelurahan_id)

    def clean_beneficiary(self) -> Beneficiary | None:
        person = self.cleaned_data.get("beneficiary")
        if person is None or self.user.is_officer:
            return person
        # A volunteer picks people they may see, or the one whose full NIK they typed (in
        # the search box, or as the new person's NIK when the form asked "same person?").
        typed = {typed_nik(self.data.get(field)) for field in ("q", "nik")} - {""}
        if person.nik and person.nik in typed:
            return person
        if not beneficiaries_visible_to(self.user).filter(pk=person.pk).exists():
            raise ValidationError(
                self.fields["beneficiary"].error_messages["invalid_choice"], code="invalid_choice"
            )
        return person

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        # GPS is optional: a broken value from the browser is dropped, never an error; and
        # a pair with one half broken or missing is dropped whole (never one coordinate).
        broken = False
        for field in ("latitude", "longitude"):
            if field in self.errors:
                del self.errors[field]
                broken = True
        if broken or (data.get("latitude") is None) != (data.get("longitude") is None):
            data["latitude"] = data["longitude"] = None
        chosen = data.get("beneficiary")
        if chosen is not None:
            return data
        if "beneficiary" in self.errors:
            return data
        if not data.get("name"):
            self.add_error(
                "name", _("Choose a registered person above, or enter the new person's name.")
            )
        if self._already_sent(data):
            return data  # a resubmission: the service answers the case it made, nothing new
        nik = data.get("nik")
        birth_date = data.get("birth_date")
        if nik:
            try:
                info = validate_nik(nik, birth_date=birth_date, sex=data.get("sex") or None)
            except ValidationError as exc:
                self.add_error("nik", exc)
                return data
            birth_date = birth_date or info.birth_date
            # One record per NIK: the person is offered to pick (an exact-NIK lookup, which
            # the view counts and logs like the search's).
            same_nik = beneficiary_by_nik(nik)
            if same_nik is not None:
                self.duplicates = [same_nik]
                self.add_error(
                    "nik",
                    _(
                        "A person with this NIK is already registered: if this is them, "
                        "choose them above."
                    ),
                )
                return data
        if data.get("name") and not data.get("not_duplicate"):
            self._ask_same_person(data["name"], birth_date)
        return data

    def _already_sent(self, data: dict[str, Any]) -> bool:
        key = data.get("idempotency_key")
        return (
            key is not None
            and Case.objects.filter(idempotency_key=key, reported_by=self.user).exists()
        )

    def _ask_same_person(self, name: str, birth_date: Any) -> None:
        """Same name and birth date as someone this user may see: ask before a second
        record. Someone outside a volunteer's area is never mentioned (that would tell them
        the person exists); staff see those on the case page as possible duplicates."""
        self.duplicates = beneficiary_likely_duplicates(self.user, name=name, birth_date=birth_date)
        if self.duplicates:
            self.add_error(
                "not_duplicate",
                _(
                    "Is this the same person? A registered person has the same name and birth "
                    "date: choose them above, or tick this box to register a new person."
                ),
            )

    def chosen_beneficiary(self) -> Beneficiary | None:
        """The registered person picked, for re-display when the form comes back."""
        if not self.is_bound or "beneficiary" in self.errors:
            return None
        return self.cleaned_data.get("beneficiary")

    def new_beneficiary(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "name": d["name"],
            "kelurahan": d["kelurahan"],
            "nik": d.get("nik") or None,
            "kk_number": d.get("kk_number") or "",
            "birth_date": d.get("birth_date"),
            "sex": d.get("sex") or "",
            "address": d["address"],
            "rt": d.get("rt") or "",
            "rw": d.get("rw") or "",
            "phone": d.get("phone") or "",
        }

    def case_fields(self) -> dict[str, Any]:
        d = self.cleaned_data
        return {
            "category": d["category"],
            "kelurahan": d["kelurahan"],
            "address": d["address"],
            "rt": d.get("rt") or "",
            "rw": d.get("rw") or "",
            "description": d["description"],
            "priority": d.get("priority") or None,
            "latitude": d.get("latitude"),
            "longitude": d.get("longitude"),
        }
