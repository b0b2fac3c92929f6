"""Roster file columns, shared by export and import (django-import-export + tablib).

Column names are stable Indonesian keys (data, not translated UI): an exported file can be
edited in a spreadsheet and imported back unchanged.
"""

from __future__ import annotations

import io
from collections.abc import Callable
from typing import Any

import openpyxl
import tablib
from import_export import resources
from import_export.fields import Field
from import_export.formats import base_formats

from psm.spreadsheet import as_text, for_xlsx
from volunteers.models import Volunteer


def _phone(value: Any) -> str:
    return value.as_e164 if value else ""


def _date(value: Any) -> str:
    return value.isoformat() if value else ""


# (column, export getter). The import reads the same columns (services/importing.py).
COLUMNS: list[tuple[str, Callable[[Volunteer], Any]]] = [
    ("username", lambda v: v.user.username),
    ("nama_lengkap", lambda v: v.user.full_name),
    ("email", lambda v: v.user.email),
    ("telepon", lambda v: _phone(v.user.phone)),
    ("nik", lambda v: v.nik),
    ("kelurahan", lambda v: v.kelurahan.name),
    ("kecamatan", lambda v: v.kelurahan.kecamatan.name),
    ("whatsapp", lambda v: _phone(v.whatsapp)),
    ("alamat", lambda v: v.address),
    ("nomor_sk", lambda v: v.sk_number),
    ("tahun_sk", lambda v: v.sk_year or ""),
    ("tanggal_pengangkatan", lambda v: _date(v.appointed_on)),
    ("status", lambda v: v.status),
    ("alasan_status", lambda v: v.status_reason),
    ("keahlian", lambda v: v.skills),
]
REQUIRED_COLUMNS = ("username", "nama_lengkap", "kelurahan")
FORMATS: dict[str, type[base_formats.Format]] = {
    "xlsx": base_formats.XLSX,
    "csv": base_formats.CSV,
}


class VolunteerResource(resources.Resource):
    """Export only: imports go through `roster_import`, which calls the roster services."""

    def __init__(self) -> None:
        super().__init__()
        self.fields = {
            name: Field(column_name=name, dehydrate_method=getter) for name, getter in COLUMNS
        }

    def get_export_order(self) -> tuple[str, ...]:
        return tuple(name for name, _ in COLUMNS)


def roster_export(queryset: Any, file_format: str) -> bytes:
    """The roster rows of `queryset` as XLSX or CSV (UTF-8 with BOM, so Excel reads it)."""
    queryset = queryset.select_related("user", "kelurahan__kecamatan").order_by("user__username")
    dataset = VolunteerResource().export(queryset=queryset)
    # CSV is plain text: escape what a spreadsheet would run. XLSX cells are typed (see
    # _formulas_as_text) but cannot hold control characters.
    text = as_text if file_format == "csv" else for_xlsx
    dataset = tablib.Dataset(
        *(tuple(text(v) if isinstance(v, str) else v for v in row) for row in dataset),
        headers=dataset.headers,
    )
    data = FORMATS[file_format]().export_data(dataset)
    if isinstance(data, str):
        return ("\ufeff" + data).encode("utf-8")
    return _formulas_as_text(bytes(data))


def _formulas_as_text(xlsx: bytes) -> bytes:
    """openpyxl stores any text starting with "=" as a live formula: a name imported as
    =HYPERLINK("http://...") would run in the spreadsheet of whoever opens the export.
    Store such cells as plain text instead: shown as typed, and imported back unchanged."""
    book = openpyxl.load_workbook(io.BytesIO(xlsx))
    changed = False
    for sheet in book.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                if cell.data_type == "f":
                    cell.data_type = "s"
                    changed = True
    if not changed:
        return xlsx
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
