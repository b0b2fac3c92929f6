"""Roster import from XLSX/CSV: validate every row, then write all or (if asked) the valid ones.

Files are read with django-import-export's formats (tablib/openpyxl); rows are validated
by a Django form and written only through the roster services, so an import leaves the
same history, logins and invitations as creating volunteers one by one. import-export's
own model import would save instances directly and cannot make the login + invitation.
"""

from __future__ import annotations

import csv
import datetime as dt
import re
import secrets
from dataclasses import dataclass, field
from typing import Any

from django import forms
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import translation
from django.utils.translation import gettext as _

from psm.accounts.models import User
from psm.crypto import InvalidToken, fernet, nik_hash
from psm.dates import validate_past_date
from psm.fields import InternationalPhoneNumberField
from psm.nik import NikField, parse_nik
from psm.spreadsheet import from_text
from volunteers.models import Kelurahan, Volunteer, VolunteerHistory, change_label
from volunteers.resources import COLUMNS, FORMATS, REQUIRED_COLUMNS
from volunteers.services.roster import (
    _diff,
    _display,
    _snapshot,
    volunteer_create,
    volunteer_set_status,
    volunteer_update,
)

MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
# `;` is what Excel saves as "CSV" where the decimal mark is a comma (Indonesia); a tab
# comes from a copy out of a spreadsheet.
CSV_DELIMITERS = ",;\t"
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


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _decode(content: bytes) -> str:
    """UTF-8 with or without the BOM Excel's "CSV UTF-8" writes; else Windows-1252, what
    Excel's plain "CSV" writes on an Indonesian Windows."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("cp1252", errors="replace")


def csv_delimiter(text: str) -> str:
    """The separator of a roster CSV, sniffed on its header row (column names never hold
    one, unlike an address cell); `,` when the sniffer cannot tell (a one-column file)."""
    header = text.lstrip("\r\n").splitlines()[0] if text.strip() else ""
    try:
        return csv.Sniffer().sniff(header, delimiters=CSV_DELIMITERS).delimiter
    except csv.Error:
        return ","


def read_rows(content: bytes, file_format: str) -> tuple[list[dict[str, str]], list[str]]:
    """The file's rows as {column: text}, or file-level errors."""
    if file_format not in FORMATS:
        return [], [_("Only XLSX and CSV files can be imported.")]
    try:
        if file_format == "csv":
            text = _decode(content)
            dataset = FORMATS["csv"]().create_dataset(text, delimiter=csv_delimiter(text))
        else:
            dataset = FORMATS["xlsx"]().create_dataset(content)
    except Exception:  # noqa: BLE001 - any parse failure is the same message to the admin
        return [], [_("The file could not be read. Save it as XLSX or CSV (UTF-8) and retry.")]
    headers = [_cell(h).lower() for h in (dataset.headers or [])]
    missing = [c for c in REQUIRED_COLUMNS if c not in headers]
    if missing:
        return [], [
            _("Required columns are missing: %(columns)s.") % {"columns": ", ".join(missing)}
        ]
    # CSV cells a spreadsheet would run were exported as '=…, '+62…: take the mark off.
    # XLSX cells are typed (text stays text), so they are read as they are.
    read = (lambda v: from_text(_cell(v))) if file_format == "csv" else _cell
    rows = []
    for values in dataset:
        row = {h: read(v) for h, v in zip(headers, values, strict=False) if h}
        if any(row.values()):
            rows.append(row)
    if len(rows) > MAX_ROWS:
        return [], [_("At most %(max)d rows can be imported at once.") % {"max": MAX_ROWS}]
    if not rows:
        return [], [_("The file has no rows to import.")]
    return rows, []


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


# --- the file between preview and import ------------------------------------------------
# The preview's "Import" button must not make the admin upload the file again, and the file
# (NIKs, phone numbers) must not travel through the page or sit in clear anywhere: it is kept
# encrypted (psm.crypto's Fernet keys) in the shared cache (Redis, else the database cache:
# any web node can answer the confirm), under a random token bound to the admin, for
# UPLOAD_TTL. Nothing of it is logged.
UPLOAD_TTL = 30 * 60
_TOKEN = re.compile(r"[A-Za-z0-9_-]{20,64}")


def _upload_key(user: User, token: str) -> str:
    return f"roster-import:{user.pk}:{token}"


def roster_upload_keep(*, user: User, content: bytes, file_format: str) -> str:
    """Keep an uploaded roster file for the confirm step; returns its token."""
    if len(content) > MAX_FILE_BYTES or file_format not in FORMATS:
        raise ValueError("roster_upload_keep: file too large or of an unknown format")
    token = secrets.token_urlsafe(24)
    sealed = fernet().encrypt(file_format.encode() + b"\n" + content)
    cache.set(_upload_key(user, token), sealed, UPLOAD_TTL)
    return token


def roster_upload_get(*, user: User, token: str) -> tuple[bytes, str] | None:
    """(content, file_format) of a kept file, or None: unknown, expired, another admin's."""
    if not _TOKEN.fullmatch(token or ""):
        return None
    sealed = cache.get(_upload_key(user, token))
    if not isinstance(sealed, bytes):
        return None
    try:
        plain = fernet().decrypt(sealed, ttl=UPLOAD_TTL)
    except InvalidToken:
        return None
    file_format, _sep, content = plain.partition(b"\n")
    return content, file_format.decode()


def roster_upload_drop(*, user: User, token: str) -> None:
    if _TOKEN.fullmatch(token or ""):
        cache.delete(_upload_key(user, token))


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


def roster_import(
    *,
    content: bytes,
    file_format: str,
    actor: User | None,
    base_url: str = "",
    dry_run: bool = True,
    valid_rows_only: bool = False,
) -> ImportResult:
    """Validate a roster file and, unless `dry_run`, write it.

    Nothing is written when any row is invalid, unless `valid_rows_only`: then the valid
    rows are written and the invalid ones reported. Writes are one transaction.
    """
    result = roster_validate(content, file_format)
    if dry_run or result.file_errors or (result.error_rows and not valid_rows_only):
        return result
    with transaction.atomic():
        for row in result.rows:
            if row.errors or row.action == "unchanged":
                continue
            profile = row.data["profile"]
            if row.action == "new":
                volunteer_create(
                    username=row.username,
                    status=row.data["status"],
                    status_reason=row.data["status_reason"],
                    actor=actor,
                    base_url=base_url,
                    action=VolunteerHistory.Action.IMPORTED,
                    **profile,
                )
                continue
            volunteer = Volunteer.objects.select_related("user").get(user__username=row.username)
            volunteer_update(
                volunteer=volunteer,
                data=profile,
                actor=actor,
                action=VolunteerHistory.Action.IMPORTED,
            )
            if "status" in row.changes or "status_reason" in row.changes:
                volunteer_set_status(
                    volunteer=volunteer,
                    status=row.data["status"],
                    reason=row.data["status_reason"] or _("Imported"),
                    actor=actor,
                )
        result.written = True
    return result
