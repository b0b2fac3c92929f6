"""Validating roster rows: each row through a form, then against the database and the file.

Nothing is written here: the result says per row what an import would do (new, update,
unchanged, error) and what it would change, for the preview and for `roster_import`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.exceptions import ValidationError
from django.utils import translation
from django.utils.translation import gettext as _

from psm.accounts.models import User
from psm.crypto import nik_hash
from psm.dates import validate_past_date
from psm.fields import InternationalPhoneNumberField
from psm.nik import NikField, parse_nik
from volunteers.models import Kelurahan, Volunteer, change_label
from volunteers.resources import COLUMNS
from volunteers.services.importing.reading import read_rows
from volunteers.services.roster import _diff, _display, _snapshot

FIRST_DATA_ROW = 2  # row 1 holds the column names, as a spreadsheet numbers them


class RowForm(forms.Form):
    username = forms.CharField(max_length=150, validators=[UnicodeUsernameValidator()])
    nama_lengkap = forms.CharField(max_length=150)
    email = forms.EmailField(required=False)
    telepon = InternationalPhoneNumberField(required=False, region="ID")
    nik = NikField(required=False)
    kelurahan = forms.CharField(max_length=100)
    whatsapp = InternationalPhoneNumberField(required=False, region="ID")
    alamat = forms.CharField(required=False)
    nomor_sk = forms.CharField(required=False, max_length=100)
    tahun_sk = forms.IntegerField(required=False, min_value=1990, max_value=2100)
    tanggal_pengangkatan = forms.DateField(required=False, validators=[validate_past_date])
    status = forms.CharField(required=False)
    alasan_status = forms.CharField(required=False, max_length=255)
    keahlian = forms.CharField(required=False, max_length=255)

    def clean_nik(self) -> str:
        nik = self.cleaned_data["nik"].strip()
        if nik:
            parse_nik(nik)
        return nik

    def clean_status(self) -> str:
        value = self.cleaned_data["status"].strip().lower()
        if not value:
            return Volunteer.Status.ACTIVE
        for code, label in Volunteer.Status.choices:
            names = {code, str(label).lower()}
            for language in ("id", "en"):
                with translation.override(language):
                    names.add(str(label).lower())
            if value in names:
                return code
        raise ValidationError(
            _("Unknown status “%(value)s” (use active, inactive or suspended).") % {"value": value}
        )


# Column -> label in error messages (the admin sees the file's column names).
LABELS = {name: name for name, _ in COLUMNS}


@dataclass
class RowResult:
    number: int
    username: str
    name: str
    action: str = ""  # new, update, unchanged, error
    errors: list[str] = field(default_factory=list)
    changes: dict[str, list[str]] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)

    @property
    def is_valid(self) -> bool:
        return not self.errors

    @property
    def change_labels(self) -> str:
        return ", ".join(change_label(name) for name in self.changes)


@dataclass
class ImportResult:
    rows: list[RowResult] = field(default_factory=list)
    file_errors: list[str] = field(default_factory=list)
    written: bool = False

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def has_errors(self) -> bool:
        return bool(self.file_errors or self.error_rows)

    @property
    def valid_rows(self) -> int:
        return sum(1 for r in self.rows if not r.errors)

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action)

    @property
    def totals(self) -> dict[str, int]:
        return {a: self.count(a) for a in ("new", "update", "unchanged", "error")}


class _Lookups:
    """What validation needs from the database, loaded once per import."""

    def __init__(self) -> None:
        self.kelurahan_by_code = {k.code.lower(): k for k in Kelurahan.objects.all()}
        by_name: dict[str, list[Kelurahan]] = {}
        for k in self.kelurahan_by_code.values():
            by_name.setdefault(k.name.lower(), []).append(k)
        self.kelurahan_by_name = by_name
        self.volunteers = {
            v.user.username: v
            for v in Volunteer.objects.select_related("user", "kelurahan__kecamatan")
        }
        self.nik_owner = {
            digest: username
            for digest, username in Volunteer.objects.filter(nik_hash__isnull=False).values_list(
                "nik_hash", "user__username"
            )
        }
        self.usernames = set(User.objects.values_list("username", flat=True))

    def kelurahan(self, value: str) -> Kelurahan | str:
        key = value.strip().lower()
        if key in self.kelurahan_by_code:
            return self.kelurahan_by_code[key]
        found = self.kelurahan_by_name.get(key, [])
        if len(found) == 1:
            return found[0]
        if len(found) > 1:
            return _("Kelurahan “%(value)s” exists in more than one kecamatan; use its code.") % {
                "value": value
            }
        return _("Unknown kelurahan “%(value)s”.") % {"value": value}


def _validate_row(
    number: int,
    raw: dict[str, str],
    lookups: _Lookups,
    seen_usernames: dict[str, int],
    seen_niks: dict[str, int],
) -> RowResult:
    result = RowResult(
        number=number, username=raw.get("username", ""), name=raw.get("nama_lengkap", "")
    )
    form = RowForm(data=raw)
    if not form.is_valid():
        for name, errors in form.errors.items():
            for error in errors:
                result.errors.append(f"{LABELS.get(name, name)}: {error}")
        return result
    data = form.cleaned_data
    username, nik = data["username"], data["nik"]
    kelurahan = lookups.kelurahan(data["kelurahan"])
    if isinstance(kelurahan, str):
        result.errors.append(f"kelurahan: {kelurahan}")
    if username in seen_usernames:
        result.errors.append(
            _("username: “%(value)s” appears twice in the file (also row %(row)d).")
            % {"value": username, "row": seen_usernames[username]}
        )
    seen_usernames.setdefault(username, number)
    existing = lookups.volunteers.get(username)
    if existing is None and username in lookups.usernames:
        result.errors.append(
            _("username: “%(value)s” is already used by an account that is not a volunteer.")
            % {"value": username}
        )
    if nik:
        if nik in seen_niks:
            result.errors.append(
                _("nik: this NIK appears twice in the file (also row %(row)d).")
                % {"row": seen_niks[nik]}
            )
        seen_niks.setdefault(nik, number)
        owner = lookups.nik_owner.get(nik_hash(nik) or "")
        if owner is not None and owner != username:
            result.errors.append(_("nik: this NIK is already registered to another volunteer."))
    if result.errors or isinstance(kelurahan, str):
        return result
    result.data = {
        "profile": {
            "full_name": data["nama_lengkap"],
            "email": data["email"],
            "phone": data["telepon"] or "",
            "nik": nik,
            "kelurahan": kelurahan,
            "whatsapp": data["whatsapp"] or "",
            "address": data["alamat"],
            "sk_number": data["nomor_sk"],
            "sk_year": data["tahun_sk"],
            "appointed_on": data["tanggal_pengangkatan"],
            "skills": data["keahlian"],
        },
        "status": data["status"],
        "status_reason": data["alasan_status"],
    }
    if existing is None:
        result.action = "new"
        if data["status"] != Volunteer.Status.ACTIVE and not data["alasan_status"]:
            result.errors.append(_("alasan_status: give a reason for this status."))
        return result
    result.changes = _would_change(existing, result.data)
    result.action = "update" if result.changes else "unchanged"
    return result


def _would_change(volunteer: Volunteer, data: dict[str, Any]) -> dict[str, list[str]]:
    """The changes an update would record, computed without writing."""
    before = _snapshot(volunteer)
    after = dict(before)
    for name, value in data["profile"].items():
        after[name] = _display(name, value)
    after["status"] = data["status"]
    changes = _diff(before, after)
    if data["status"] != volunteer.status or (
        data["status"] != Volunteer.Status.ACTIVE
        and data["status_reason"] != volunteer.status_reason
    ):
        changes["status_reason"] = [volunteer.status_reason, data["status_reason"]]
    return changes


def roster_validate(content: bytes, file_format: str) -> ImportResult:
    rows, file_errors = read_rows(content, file_format)
    result = ImportResult(file_errors=file_errors)
    if file_errors:
        return result
    lookups = _Lookups()
    seen_usernames: dict[str, int] = {}
    seen_niks: dict[str, int] = {}
    for index, raw in enumerate(rows):
        row = _validate_row(index + FIRST_DATA_ROW, raw, lookups, seen_usernames, seen_niks)
        if row.errors:
            row.action = "error"
        result.rows.append(row)
    return result
