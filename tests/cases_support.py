"""Helpers for the cases tests: people and cases made through the app's own services."""

from __future__ import annotations

import datetime as dt
import threading
from concurrent.futures import ThreadPoolExecutor
from typing import Any

from django.db import connection
from faker import Faker

from cases.models import Beneficiary, Case, Category
from cases.services import beneficiary_create, case_file
from psm.accounts.models import User
from psm.accounts.services import user_create
from psm.crypto import nik_hash
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from volunteers.models import Kelurahan
from volunteers.services import volunteer_create

fake = Faker("id_ID")


def kelurahan(name: str) -> Kelurahan:
    return Kelurahan.objects.get(name=name)


def category(code: str | None = None) -> Category:
    if code:
        return Category.objects.get(code=code)
    return Category.objects.filter(is_active=True, default_priority="normal").order_by("code")[0]


def beneficiary(
    *, kel: Kelurahan | str = "Alalak Utara", with_nik: bool = True, **kw: Any
) -> Beneficiary:
    if isinstance(kel, str):
        kel = kelurahan(kel)
    sex = kw.pop("sex", fake.random_element([SEX_MALE, SEX_FEMALE]))
    birth = kw.pop("birth_date", fake.date_of_birth(minimum_age=1, maximum_age=90))
    nik = kw.pop("nik", generate_nik(birth_date=birth, sex=sex) if with_nik else None)
    fields: dict[str, Any] = {
        "name": fake.name(),
        "address": fake.street_address(),
        "rt": "003",
        "rw": "001",
        **kw,
    }
    while nik and Beneficiary.objects.filter(nik_hash=nik_hash(nik)).exists():
        nik = generate_nik(birth_date=birth, sex=sex)
    return beneficiary_create(
        kelurahan=kel, created_by=None, nik=nik, birth_date=birth, sex=sex, **fields
    )


def file_case(reporter: User, *, kel: Kelurahan | str | None = None, **kw: Any) -> Case:
    """A new case filed by `reporter` in `kel` (default: the reporter's own kelurahan)."""
    if kel is None:
        kel = reporter.volunteer.kelurahan if hasattr(reporter, "volunteer") else "Alalak Utara"
    if isinstance(kel, str):
        kel = kelurahan(kel)
    person = kw.pop("beneficiary", None) or beneficiary(kel=kel)
    fields: dict[str, Any] = {
        "category": category(),
        "address": person.address or "Jl. Uji No. 1",
        "description": "Lansia tinggal sendiri, perlu bantuan makanan.",
        **kw,
    }
    return case_file(reported_by=reporter, beneficiary=person, kelurahan=kel, **fields)


def case_with(reporter: User, **fields: Any) -> Case:
    """A case filed by `reporter`, then given these column values directly (a status, due
    times, an assignee) the way a test sets up a state without walking the workflow."""
    case = file_case(reporter)
    Case.objects.filter(pk=case.pk).update(**fields)
    case.refresh_from_db()
    return case


def user_with_role(username: str, role: str, *, volunteer_status: str | None = None) -> User:
    """A user of `role`; with `volunteer_status`, also on the roster in Alalak Utara."""
    user = user_create(username=username, role=role, full_name=username, password="x-Uji-12345")
    if volunteer_status is not None:
        volunteer_create(
            user=user,
            kelurahan=Kelurahan.objects.get(name="Alalak Utara"),
            status=volunteer_status,
            status_reason="" if volunteer_status == "active" else "Pindah domisili",
        )
    return user


def today() -> dt.date:
    from django.utils import timezone

    return timezone.localdate()


def jpeg_with_gps(size: tuple[int, int] = (64, 48)) -> bytes:
    """A small JPEG carrying EXIF with a GPS position (as a phone camera writes it)."""
    import io

    from PIL import Image

    img = Image.new("RGB", size, (200, 120, 40))
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"  # Make
    gps = exif.get_ifd(0x8825)
    gps[1] = "S"
    gps[2] = (3.0, 17.0, 51.0)
    gps[3] = "E"
    gps[4] = (114.0, 35.0, 24.0)
    out = io.BytesIO()
    img.save(out, format="JPEG", exif=exif)
    return out.getvalue()


def png_declaring(width: int, height: int, *, broken_pixels: bool = False) -> bytes:
    """A PNG of a few bytes whose header declares `width` × `height` pixels (a decompression
    bomb when large); `broken_pixels` makes the header readable but the pixels undecodable."""
    import struct
    import zlib

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = zlib.crc32(kind + data) & 0xFFFFFFFF
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", crc)

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = b"not zlib at all" if broken_pixels else zlib.compress(b"\x00" * 100)
    body = chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    return b"\x89PNG\r\n\x1a\n" + body


def in_parallel(fn: Any, n: int) -> list[Any]:
    """Run fn(0) ... fn(n - 1) on n threads released at once (a barrier), each closing its
    own database connection: the concurrency tests' "everyone presses send together"."""
    barrier = threading.Barrier(n)

    def run(i: int) -> Any:
        barrier.wait()
        try:
            return fn(i)
        finally:
            connection.close()

    with ThreadPoolExecutor(max_workers=n) as pool:
        return list(pool.map(run, range(n)))
