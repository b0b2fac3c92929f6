"""Acceptance of issue 14: after a full demo seed, a roster import, searches and exports by
NIK, no text or JSON column of any table holds an NIK or a phone number in clear.

Every text/varchar/json/jsonb column of every table in the schema is read raw. Values that
are opaque by design are looked into, not skipped: base64 runs (Fernet tokens, signed
sessions, password hashes) are decoded (and inflated when zlib-compressed) and the result
is searched too. Only hex digests (nik_hash, HMACs) and UUIDs are set aside: random hex
holds sixteen decimal digits in a row often enough to be a false alarm, and neither can
carry a value.
"""

from __future__ import annotations

import base64
import binascii
import csv
import datetime as dt
import io
import re
import zlib
from urllib.parse import parse_qs, urlsplit

import openpyxl
import pytest
from django.core.management import call_command
from django.db import connection

from cases.models import Beneficiary
from psm.accounts.models import User
from psm.logging import PHONE, SIXTEEN_DIGITS
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from reports.models import ExportLog
from volunteers.models import Volunteer
from volunteers.services import roster_import

pytestmark = pytest.mark.django_db(transaction=False)

TEXT_TYPES = ("text", "character varying", "character", "json", "jsonb")
HEX_DIGEST = re.compile(r"(?<![0-9A-Za-z])[0-9a-fA-F]{32,}(?![0-9A-Za-z])")
UUID = re.compile(r"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")
BASE64_RUN = re.compile(r"[A-Za-z0-9_\-+/]{24,}={0,2}")
PURPOSE = "Uji privasi seluruh kolom"


def _columns() -> list[tuple[str, str]]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT table_name, column_name FROM information_schema.columns "
            "WHERE table_schema = current_schema() AND data_type = ANY(%s) "
            "ORDER BY table_name, column_name",
            [list(TEXT_TYPES)],
        )
        return cursor.fetchall()


def _values(table: str, column: str) -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            f'SELECT "{column}"::text FROM "{table}" WHERE "{column}" IS NOT NULL'  # noqa: S608
        )
        return [row[0] for row in cursor.fetchall()]


def _decoded(run: str) -> list[str]:
    """What a base64 run may hide: its bytes, and their inflation when compressed."""
    padded = run + "=" * (-len(run) % 4)
    found = []
    for decode in (base64.urlsafe_b64decode, base64.b64decode):
        try:
            raw = decode(padded)
        except (binascii.Error, ValueError):
            continue
        found.append(raw.decode("latin-1"))
        try:
            found.append(zlib.decompress(raw).decode("latin-1"))
        except zlib.error:
            pass
    return found


def _personal_numbers(text: str, depth: int = 0) -> list[str]:
    text = UUID.sub(" ", HEX_DIGEST.sub(" ", text))
    hits = [m.group(0) for m in SIXTEEN_DIGITS.finditer(text)]
    hits += [m.group(0) for m in PHONE.finditer(text)]
    if depth < 2:
        for run in BASE64_RUN.findall(text):
            for inner in _decoded(run):
                hits += _personal_numbers(inner, depth + 1)
    return hits


def _leaks() -> dict[str, list[str]]:
    leaks: dict[str, list[str]] = {}
    for table, column in _columns():
        for value in _values(table, column):
            hits = _personal_numbers(value)
            if hits:
                leaks.setdefault(f"{table}.{column}", []).append(f"{hits[:3]} in {value[:120]!r}")
    return leaks


def test_the_scanner_finds_numbers_in_clear_and_inside_base64(db):
    nik = generate_nik(birth_date=dt.date(1990, 2, 3), sex=SEX_MALE)
    assert _personal_numbers(f"NIK {nik}") == [nik]
    assert _personal_numbers("hubungi 0812-3456-7890 ya")
    hidden = base64.urlsafe_b64encode(zlib.compress(f'{{"q": "{nik}"}}'.encode())).decode()
    assert _personal_numbers(f".{hidden}:1abc:sig")  # a compressed signed session
    assert not _personal_numbers("a3f1" * 16)  # a hex digest
    assert not _personal_numbers("BJM-2026-000123 2026-12-01 11:03:27.833010+00")


def _roster_file(mobile: str = "0812") -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["username", "nama_lengkap", "kelurahan", "nik", "telepon", "whatsapp"])
    for n in range(3):
        sheet.append(
            [
                f"impor{n}",
                f"Relawan Impor {n}",
                "Pelambuan",
                generate_nik(birth_date=dt.date(1980 + n, 5, 17), sex=SEX_FEMALE, serial=n + 1),
                f"{mobile} 5555 01{n:02d}",
                f"0853 4444 02{n:02d}",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _sealed(response) -> str:
    assert response.status_code == 303
    return response["Location"]


def test_no_nik_or_phone_in_clear_in_any_column(settings, tmp_path, monkeypatch, login):
    settings.DEBUG = True
    monkeypatch.setattr("cases.management.commands.seed_demo.PASSWORD_FILE", tmp_path / "pw.json")
    call_command("seed_demo", cases=60)  # every state and area; `make run` asks 300
    admin = User.objects.get(username="admin")
    kabid = User.objects.get(username="kabid")
    petugas = User.objects.get(username="petugas")
    result = roster_import(content=_roster_file(), file_format="xlsx", actor=admin, dry_run=False)
    assert result.written, [r.errors for r in result.error_rows]

    person = Beneficiary.objects.exclude(nik_hash="").exclude(nik_hash__isnull=True).first()
    assert person is not None and person.nik
    volunteer = Volunteer.objects.get(user__username="impor1")
    admin_client, kabid_client = login(admin), login(kabid)
    # Searches by NIK: the case list, the triage queue, the intake search, the roster.
    for url in ("/cases/", "/triage/"):
        assert (
            kabid_client.get(_sealed(kabid_client.post(url, {"q": person.nik}))).status_code == 200
        )
    intake = login(petugas)
    found = intake.get(_sealed(intake.post("/cases/people/search/", {"q": person.nik})))
    assert person.name in found.content.decode()
    roster = _sealed(admin_client.post("/volunteers/", {"q": volunteer.nik}))
    # Exports of those lists, with full NIKs.
    query = urlsplit(_sealed(kabid_client.post("/cases/", {"q": person.nik}))).query
    export = kabid_client.post(
        f"/reports/cases/?{query}&list=cases",
        {"format": "csv", "purpose": PURPOSE, "include_nik": "on"},
    )
    rows = list(csv.reader(io.StringIO(b"".join(export.streaming_content).decode("utf-8-sig"))))
    assert len(rows) >= 2 and any(person.nik in cell for cell in rows[1])
    roster_export = admin_client.post(
        f"/volunteers/export/?{urlsplit(roster).query}", {"format": "csv", "purpose": PURPOSE}
    )
    assert volunteer.nik in roster_export.content.decode("utf-8-sig")
    assert parse_qs(urlsplit(roster).query)["q"][0].startswith("~")
    assert ExportLog.objects.count() == 2
    # A roster edit through the import: the phone numbers change (history rows).
    again = roster_import(
        content=_roster_file(mobile="0813"), file_format="xlsx", actor=admin, dry_run=False
    )
    assert again.totals["update"] == 3

    columns = _columns()
    assert len(columns) > 100 and ("cases_exportlog", "filters") in columns
    assert _leaks() == {}
