"""A volunteer's history rows keep phone and WhatsApp numbers masked, as they do NIKs."""

from __future__ import annotations

import importlib
import io

import openpyxl
import pytest
from django.apps import apps
from django.db import connection

from psm.logging import PHONE, SIXTEEN_DIGITS
from psm.masking import mask_phone
from volunteers.models import Kelurahan, VolunteerChange
from volunteers.services import roster_import, volunteer_create, volunteer_update

pytestmark = pytest.mark.django_db


def _raw_changes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT changes::text FROM volunteers_volunteerchange")
        return [row[0] for row in cursor.fetchall()]


def _assert_nothing_in_clear() -> None:
    texts = _raw_changes()
    assert texts
    for text in texts:
        assert not PHONE.search(text), text
        assert not SIXTEEN_DIGITS.search(text), text


def test_create_edit_and_import_keep_phone_numbers_masked(admin_user):
    kelurahan = Kelurahan.objects.get(name="Pelambuan")
    volunteer = volunteer_create(
        kelurahan=kelurahan,
        username="relawan_telepon",
        full_name="Relawan Telepon",
        phone="0812 3456 7890",
        whatsapp="0813 1111 2222",
        actor=admin_user,
    )
    changes = volunteer_update(
        volunteer=volunteer,
        data={"phone": "0812 3456 7000", "whatsapp": "0813 1111 2333"},
        actor=admin_user,
    )
    # The numbers differ only in their last digits: the change is still recorded.
    assert set(changes) == {"phone", "whatsapp"}
    book = openpyxl.Workbook()
    book.active.append(["username", "nama_lengkap", "kelurahan", "telepon", "whatsapp"])
    book.active.append(["relawan_impor", "Relawan Impor", "Pelambuan", "0852 9999 8888", ""])
    out = io.BytesIO()
    book.save(out)
    result = roster_import(
        content=out.getvalue(), file_format="xlsx", actor=admin_user, dry_run=False
    )
    assert result.written, [r.errors for r in result.error_rows]
    _assert_nothing_in_clear()
    update = volunteer.changes.get(action=VolunteerChange.Action.UPDATED)
    assert update.changes["phone"] == [mask_phone("+6281234567890"), mask_phone("+6281234567000")]
    assert update.changes["phone"][0].startswith("+628")


def test_the_migration_masks_existing_rows(admin_user, relawan_alalak):
    clear = VolunteerChange.objects.create(
        volunteer=relawan_alalak.volunteer,
        action=VolunteerChange.Action.UPDATED,
        changes={"phone": ["+6281234567890", "+6281298765432"], "whatsapp": ["", "08131112222"]},
    )
    other = VolunteerChange.objects.create(
        volunteer=relawan_alalak.volunteer,
        action=VolunteerChange.Action.STATUS,
        changes={"status": ["active", "inactive"]},
    )
    migration = importlib.import_module("volunteers.migrations.0008_w6_mask_change_phones")
    migration.mask_existing(apps, None)
    migration.mask_existing(apps, None)  # safe to repeat
    clear.refresh_from_db()
    other.refresh_from_db()
    assert clear.changes == {
        "phone": ["+628*******890", "+628*******432"],
        "whatsapp": ["", "0813****222"],
    }
    assert other.changes == {"status": ["active", "inactive"]}
    _assert_nothing_in_clear()
