"""Text cells that a spreadsheet must not run (CSV/formula injection), one rule for every
export and the roster import.

A spreadsheet runs a cell that starts with =, +, -, @, a tab or a carriage return as a
formula: a person named `=HYPERLINK("http://…")` would act in the office of whoever opens
the export. CSV cells that start so get a leading apostrophe (OWASP's advice; Excel and
LibreOffice then show the text). The roster must also come back unchanged through its own
import (`+62…` numbers are common), so `from_text` undoes exactly what `as_text` did: a
value that itself starts with an apostrophe followed by one of those (or by another
apostrophe) gets one more, and nothing else is touched.
"""

from __future__ import annotations

import re

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
# What an XLSX file cannot hold at all (openpyxl raises IllegalCharacterError): control
# characters other than tab, LF and CR, which a pasted name can carry.
XLSX_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
_ESCAPED = (*FORMULA_START, "'")


def as_text(value: str) -> str:
    """`value` as a CSV cell a spreadsheet shows as text."""
    if value.startswith(FORMULA_START) or from_text(value) != value:
        return "'" + value
    return value


def for_xlsx(value: str) -> str:
    """`value` as an XLSX cell can hold it (the control characters left out)."""
    return XLSX_ILLEGAL.sub("", value)


def from_text(value: str) -> str:
    """What `as_text` was given (a cell read back from an exported file)."""
    if value.startswith("'") and value[1:].startswith(_ESCAPED):
        return value[1:]
    return value
