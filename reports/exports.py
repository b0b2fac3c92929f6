"""Case-list exports (CSV, XLSX): the rows of a filtered case list, in bounded memory.

Rows are read with a server-side cursor (`iterator`), so 100,000 cases never sit in memory:
CSV goes out row by row (StreamingHttpResponse); XLSX is written by openpyxl's write-only
workbook into a temporary file, which is then sent (a zip cannot be streamed before it is
complete). NIKs are masked unless the supervisor asked for them.
"""

from __future__ import annotations

import csv
import datetime as dt
import tempfile
from collections.abc import Callable, Iterator
from typing import IO, Any

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell import WriteOnlyCell

from cases.models import Case, Priority
from psm.nik import mask_nik
from psm.spreadsheet import as_text, for_xlsx

CHUNK = 2000
FIELDS = (
    "reference",
    "created_at",
    "category__name",
    "priority",
    "status",
    "kelurahan__name",
    "kelurahan__kecamatan__name",
    "assignee__full_name",
    "assignee__username",
    "due_at",
    "beneficiary__name",
    "beneficiary__nik",
)


def columns() -> list[str]:
    return [
        _("Reference"),
        _("Filed at"),
        _("Category"),
        _("Priority"),
        _("Status"),
        _("Kelurahan"),
        _("Kecamatan"),
        _("Assignee"),
        _("Response due"),
        _("Beneficiary name"),
        _("NIK"),
    ]


def _local(value: dt.datetime | None) -> dt.datetime | None:
    """Local wall-clock time (WITA) without tzinfo: what a spreadsheet can hold."""
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def case_rows(qs: QuerySet[Case], *, include_nik: bool) -> Iterator[list[Any]]:
    """One list per case, in the order of `qs`; datetimes as local naive datetimes."""
    statuses = dict(Case.Status.choices)
    priorities = dict(Priority.choices)
    for (
        reference,
        created_at,
        category,
        priority,
        status,
        kelurahan,
        kecamatan,
        assignee_name,
        assignee_username,
        due_at,
        name,
        nik,
    ) in qs.values_list(*FIELDS).iterator(chunk_size=CHUNK):
        yield [
            reference,
            _local(created_at),
            category,
            str(priorities.get(priority, priority)),
            str(statuses.get(status, status)),
            kelurahan,
            kecamatan,
            assignee_name or assignee_username or "",
            _local(due_at),
            name,
            (nik or "") if include_nik else mask_nik(nik),
        ]


def csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        return value.strftime("%Y-%m-%d %H:%M")
    return as_text(str(value))


class _Echo:
    def write(self, value: str) -> str:
        return value


def csv_stream(rows: Iterator[list[Any]], *, on_done: Callable[[int], None]) -> Iterator[str]:
    """The CSV text, a line at a time (UTF-8 BOM first, so Excel reads the accents right).
    `on_done(count)` runs once the last row has been produced."""
    writer = csv.writer(_Echo())
    yield "\ufeff" + writer.writerow(columns())
    count = 0
    for row in rows:
        count += 1
        yield writer.writerow([csv_cell(v) for v in row])
    on_done(count)


def xlsx_file(rows: Iterator[list[Any]], *, sheet_title: str) -> tuple[IO[bytes], int]:
    """The XLSX in a temporary file (rewound) and the number of case rows in it."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(sheet_title[:31])
    sheet.append(columns())
    count = 0
    for row in rows:
        count += 1
        sheet.append([_xlsx_cell(sheet, v) for v in row])
    out = tempfile.TemporaryFile()  # noqa: SIM115  # handed to FileResponse, which closes it
    book.save(out)
    out.seek(0)
    return out, count


def _xlsx_cell(sheet: Any, value: Any) -> Any:
    # Datetimes get openpyxl's date format by themselves; a cell object per value would
    # double the time of a large export.
    if not isinstance(value, str):
        return value
    value = for_xlsx(value)
    if value.startswith("="):
        # openpyxl would store it as a formula; keep it text.
        cell = WriteOnlyCell(sheet, value=value)
        cell.data_type = "s"
        return cell
    return value
