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

FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_ESCAPED = (*FORMULA_START, "'")


def as_text(value: str) -> str:
    """`value` as a CSV cell a spreadsheet shows as text."""
    if value.startswith(FORMULA_START) or from_text(value) != value:
        return "'" + value
    return value


def from_text(value: str) -> str:
    """What `as_text` was given (a cell read back from an exported file)."""
    if value.startswith("'") and value[1:].startswith(_ESCAPED):
        return value[1:]
    return value
