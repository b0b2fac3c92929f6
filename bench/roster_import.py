"""Measure a 1,000-row XLSX roster import (issue 4: target < 30 s).

    DATABASE_URL=... PSM_TESTING=1 python bench/roster_import.py [--rows 1000]

Runs against a throw-away test database (Django's test runner machinery), generates the
file with openpyxl and invented names/NIKs (faker id_ID, psm.nik.generate_nik), then times
the preview (validation only) and the real import (logins, profiles, history, invitations
and their emails through the locmem backend).
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "psm.settings")
os.environ.setdefault("PSM_TESTING", "1")


def build_file(rows: int) -> bytes:
    import openpyxl
    from faker import Faker

    from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
    from volunteers.models import Kelurahan
    from volunteers.resources import COLUMNS

    fake = Faker("id_ID")
    fake.seed_instance(4)
    kelurahan = list(Kelurahan.objects.values_list("name", flat=True))
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([name for name, _ in COLUMNS])
    for n in range(rows):
        sex = SEX_FEMALE if n % 2 else SEX_MALE
        birth = dt.date(1970, 1, 1) + dt.timedelta(days=(n * 37) % 12000)
        sheet.append(
            [
                f"relawan{n:05d}",
                fake.name(),
                f"relawan{n:05d}@test.invalid",
                f"0812{n:08d}",
                generate_nik(birth_date=birth, sex=sex, serial=n % 9999 + 1),
                kelurahan[n % len(kelurahan)],
                "",  # kecamatan: informative, the kelurahan decides
                f"0813{n:08d}",
                fake.street_address(),
                f"188.45/{n:04d}/DINSOS/2024",
                2024,
                "2024-02-01",
                "active",
                "",
                "pendataan, pendampingan",
            ]
        )
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1000)
    args = parser.parse_args()

    import django

    django.setup()
    from django.conf import settings
    from django.test.utils import get_runner, setup_test_environment

    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    setup_test_environment()
    runner = get_runner(settings)(verbosity=0, interactive=False)
    old = runner.setup_databases()
    try:
        from django.core import mail

        from psm.accounts.services import user_create
        from volunteers.models import Volunteer
        from volunteers.services import roster_import

        admin = user_create(username="bench-admin", role="admin", full_name="Bench")
        content = build_file(args.rows)
        started = time.perf_counter()
        preview = roster_import(content=content, file_format="xlsx", actor=admin, dry_run=True)
        preview_s = time.perf_counter() - started
        assert not preview.has_errors, preview.error_rows[:3]
        started = time.perf_counter()
        result = roster_import(
            content=content,
            file_format="xlsx",
            actor=admin,
            base_url="http://bench/",
            dry_run=False,
        )
        import_s = time.perf_counter() - started
        assert result.written and Volunteer.objects.count() == args.rows
        print(
            f"roster import, {args.rows} rows XLSX ({len(content) / 1024:.0f} KiB): "
            f"preview {preview_s:.1f} s, import {import_s:.1f} s "
            f"({len(mail.outbox)} invitation emails), target < 30 s"
        )
    finally:
        runner.teardown_databases(old)
    return 0


if __name__ == "__main__":
    sys.exit(main())
