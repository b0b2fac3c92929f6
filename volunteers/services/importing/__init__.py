"""Roster import from XLSX/CSV: validate every row, then write all or (if asked) the valid ones.

Files are read with django-import-export's formats (tablib/openpyxl); rows are validated
by a Django form and written only through the roster services, so an import leaves the
same history, logins and invitations as creating volunteers one by one. import-export's
own model import would save instances directly and cannot make the login + invitation.

A package by concern (architecture: no module over ~400 lines): `reading` (file to rows),
`validation` (rows to what an import would do), `upload` (the file kept between preview and
import), `writing` (`roster_import`). Every name is importable from here.
"""

from volunteers.services.importing.reading import (
    CSV_DELIMITERS,
    MAX_FILE_BYTES,
    MAX_ROWS,
    csv_delimiter,
    read_rows,
)
from volunteers.services.importing.upload import (
    UPLOAD_TTL,
    roster_upload_drop,
    roster_upload_get,
    roster_upload_keep,
)
from volunteers.services.importing.validation import (
    FIRST_DATA_ROW,
    LABELS,
    ImportResult,
    RowForm,
    RowResult,
    roster_validate,
)
from volunteers.services.importing.writing import roster_import

__all__ = [
    "CSV_DELIMITERS",
    "FIRST_DATA_ROW",
    "LABELS",
    "MAX_FILE_BYTES",
    "MAX_ROWS",
    "UPLOAD_TTL",
    "ImportResult",
    "RowForm",
    "RowResult",
    "csv_delimiter",
    "read_rows",
    "roster_import",
    "roster_upload_drop",
    "roster_upload_get",
    "roster_upload_keep",
    "roster_validate",
]
