"""Re-encoded photos keep only their pixels: no comment, XMP or profile survives."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from cases.services import attachment_add
from psm.nik import SEX_FEMALE
from tests.cases_support import file_case
from tests.factories import nik_for

pytestmark = pytest.mark.django_db

NAME = b"Siti Komentar Rahasia"


def _stored(case, actor, name: str, content: bytes) -> bytes:
    attachment = attachment_add(
        case=case, upload=SimpleUploadedFile(name, content, "image/jpeg"), actor=actor
    )
    with default_storage.open(attachment.file.name, "rb") as fh:
        return fh.read()


def _assert_clean(stored: bytes, nik: bytes) -> None:
    assert nik not in stored and NAME not in stored
    image = Image.open(io.BytesIO(stored))
    assert image.format == "JPEG"
    assert not {"comment", "xmp", "icc_profile", "exif"} & set(image.info)
    markers = _jpeg_markers(stored)
    assert 0xFE not in markers  # COM
    assert not any(0xE1 <= m <= 0xEF for m in markers)  # APP1..APP15 (EXIF, XMP, ICC...)


def _jpeg_markers(data: bytes) -> list[int]:
    """The segment markers before the image data (SOS)."""
    markers, at = [], 2
    while at + 4 <= len(data) and data[at] == 0xFF:
        marker = data[at + 1]
        markers.append(marker)
        if marker == 0xDA:
            break
        at += 2 + int.from_bytes(data[at + 2 : at + 4], "big")
    return markers


def test_a_jpeg_comment_with_a_name_and_nik_does_not_survive(relawan_alalak):
    nik = nik_for(dt.date(1991, 4, 12), SEX_FEMALE).encode()
    source = io.BytesIO()
    Image.new("RGB", (64, 48), "teal").save(
        source, format="JPEG", comment=NAME + b" NIK " + nik, icc_profile=b"\x00" * 128
    )
    original = source.getvalue()
    assert nik in original and 0xFE in _jpeg_markers(original)

    stored = _stored(file_case(relawan_alalak), relawan_alalak, "ktp.jpg", original)
    _assert_clean(stored, nik)


def test_a_gif_comment_extension_does_not_survive(relawan_alalak):
    nik = nik_for(dt.date(1985, 9, 30), SEX_FEMALE).encode()
    source = io.BytesIO()
    Image.new("P", (40, 30), 3).save(source, format="GIF", comment=NAME + b" " + nik)
    original = source.getvalue()
    assert nik in original and b"\x21\xfe" in original  # the GIF comment extension

    stored = _stored(file_case(relawan_alalak), relawan_alalak, "kk.gif", original)
    _assert_clean(stored, nik)
