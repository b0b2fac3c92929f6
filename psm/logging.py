"""Keep personal numbers out of the logs.

NIK and KK numbers (16 digits, sometimes written in groups of four) and Indonesian phone
numbers are replaced before a record reaches any handler output. The filter is attached to
the root console handler in settings.LOGGING; every logger propagates there. That dict is
built here (`logging_config`), beside the filter it must name, to keep settings.py short.
"""

from __future__ import annotations

import logging
import re
from typing import Any

# 16 digits, optionally grouped 4-4-4-4 by spaces, dots or dashes; not part of a longer number.
SIXTEEN_DIGITS = re.compile(r"(?<![\d])\d{4}([ .-]?)\d{4}\1\d{4}\1\d{4}(?![\d])")
# Mobile numbers: 08.., 628.., +62 8..; 9 to 13 digits in all, separators allowed.
# Landlines with the country code: +62 511 ... (a plain 0511-... is too like other numbers).
PHONE = re.compile(
    r"(?<![\w+])(?:(?:\+|00)?62[ .-]?|0)8(?:[ .-]?\d){7,11}(?![\d])"
    r"|(?<![\w])\+62[ .-]?\(?\d{2,4}\)?(?:[ .-]?\d){5,8}(?![\d])"
)
NIK_MASK = "[NIK/KK]"
PHONE_MASK = "[PHONE]"


def redact(text: str) -> str:
    """The text with every 16-digit number and phone number masked."""
    return PHONE.sub(PHONE_MASK, SIXTEEN_DIGITS.sub(NIK_MASK, text))


def contains_personal_number(text: str) -> bool:
    return bool(SIXTEEN_DIGITS.search(text) or PHONE.search(text))


class RedactPersonalNumbers(logging.Filter):
    """Rewrites the message, its arguments and any traceback text of each record."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a broken format string is logged as-is, redacted
            message = str(record.msg)
        record.msg = redact(message)
        record.args = None
        if record.exc_info and not record.exc_text:
            # Exception messages carry values too (e.g. "Key (nik)=(...) already exists").
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = redact(record.exc_text)
        if record.stack_info:
            record.stack_info = redact(record.stack_info)
        return True


def logging_config(*, level: str) -> dict[str, Any]:
    """settings.LOGGING: one console handler behind the redaction filter; all through root."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
        "handlers": {
            "console": {
                "class": "logging.StreamHandler",
                "formatter": "plain",
                "filters": ["redact"],
            }
        },
        "filters": {"redact": {"()": "psm.logging.RedactPersonalNumbers"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {
            "django.db.backends": {"level": "WARNING"},
            # Django's own handlers would bypass the redaction: everything goes through root.
            "django": {"handlers": [], "propagate": True},
            "django.server": {"handlers": ["console"], "level": "INFO", "propagate": False},
        },
    }
