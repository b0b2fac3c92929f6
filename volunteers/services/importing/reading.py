"""Reading a roster file: XLSX or CSV bytes to rows of {column: text}, or file-level errors.

The file's size and row limits live here too (the upload form and the kept upload check them).
"""

from __future__ import annotations

import csv
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _

from psm.spreadsheet import from_text
from volunteers.resources import FORMATS, REQUIRED_COLUMNS

MAX_ROWS = 5000
MAX_FILE_BYTES = 5 * 1024 * 1024
# `;` is what Excel saves as "CSV" where the decimal mark is a comma (Indonesia); a tab
# comes from a copy out of a spreadsheet.
CSV_DELIMITERS = ",;\t"


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
