"""Logs never carry NIK/KK numbers or phone numbers (psm/logging.py)."""

from __future__ import annotations

import datetime as dt
import io
import logging

import pytest

from psm.logging import RedactPersonalNumbers, redact
from psm.nik import SEX_FEMALE, generate_nik


@pytest.fixture
def console():
    """The root console handler configured by settings.LOGGING, writing into a buffer."""
    handlers = [
        h
        for h in logging.getLogger().handlers
        if any(isinstance(f, RedactPersonalNumbers) for f in h.filters)
    ]
    assert handlers, "the root handler must carry the redaction filter"
    handler = handlers[0]
    buffer = io.StringIO()
    old = handler.setStream(buffer)  # type: ignore[attr-defined]
    yield buffer
    handler.setStream(old)  # type: ignore[attr-defined]


def test_nik_kk_and_phone_numbers_are_redacted_from_app_logs(console):
    nik = generate_nik(birth_date=dt.date(1990, 5, 17), sex=SEX_FEMALE)
    log = logging.getLogger("cases.services")
    log.warning("beneficiary %s, KK %s, HP %s", nik, "6371 0203 0405 0607", "0812-3456-7890")
    log.warning("wa +62 813 4567 8901 or 6281345678901; case BJM-2026-000123 on 2026-11-28")
    text = console.getvalue()
    assert nik not in text and "6371 0203" not in text
    assert "3456" not in text and "4567" not in text
    assert text.count("[NIK/KK]") == 2 and text.count("[PHONE]") == 3
    assert "BJM-2026-000123" in text and "2026-11-28" in text  # ordinary numbers stay


def test_exception_text_is_redacted_too(console):
    nik = generate_nik(birth_date=dt.date(1990, 5, 17), sex=SEX_FEMALE)
    try:
        raise ValueError(f"duplicate key value: Key (nik)=({nik}) already exists.")
    except ValueError:
        logging.getLogger("django.request").exception("Internal Server Error: /cases/new/")
    text = console.getvalue()
    assert "Traceback" in text and "[NIK/KK]" in text
    assert nik not in text


def test_django_request_log_lines_with_a_phone_in_the_path_are_redacted(console, client, db):
    client.get("/cari/081234567890/")  # a 404, logged by django.request
    text = console.getvalue()
    assert "Not Found" in text and "081234567890" not in text


@pytest.mark.parametrize(
    "text",
    [
        "6371010101900001",
        "6371-0101-0190-0001",
        "+6281234567890",
        "0812 3456 789",
        "+62 511 3354 123",
    ],
)
def test_redact_masks(text):
    assert redact(f"x {text} y").startswith("x [") and text not in redact(text)


@pytest.mark.parametrize(
    "text",
    ["BJM-2026-000123", "Rp 1.500.000", "12345678901234567", "id 42", "2026-11-28 03:26:09,314"],
)
def test_redact_keeps_ordinary_numbers(text):
    assert redact(text) == text
