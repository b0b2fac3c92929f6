"""Masked phone numbers for what is kept or printed (history rows, console senders).

As `psm.nik.mask_nik` keeps an NIK's region and serial, a phone number keeps its first
digits (country and operator) and its last three: enough to tell two numbers apart on a
history line, too little to call anyone.
"""

from __future__ import annotations

MASK = "*"
KEEP_START = 4  # "+628" or "0812"
KEEP_END = 3


def mask_phone(number: str | None) -> str:
    """+628*******678; "" for nothing. A value with fewer than eight characters is all stars."""
    if not number:
        return ""
    text = str(number).strip()
    if len(text) < KEEP_START + KEEP_END + 1:
        return MASK * len(text)
    return text[:KEEP_START] + MASK * (len(text) - KEEP_START - KEEP_END) + text[-KEEP_END:]
