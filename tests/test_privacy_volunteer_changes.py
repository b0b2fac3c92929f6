"""A volunteer's history rows keep phone and WhatsApp numbers masked, as they do NIKs."""

from __future__ import annotations

import importlib
import io

import openpyxl
import pytest
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from psm.logging import PHONE, SIXTEEN_DIGITS
from psm.masking import mask_phone
from volunteers.models import Kelurahan, VolunteerHistory
from volunteers.services import roster_import, volunteer_create, volunteer_update

pytestmark = pytest.mark.django_db


def _raw_changes() -> list[str]:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT changes::text FROM volunteers_volunteerhistory WHERE changes IS NOT NULL"
        )
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
    update = volunteer.audit_history.get(action=VolunteerHistory.Action.UPDATED)
    assert update.changes["phone"] == [mask_phone("+6281234567890"), mask_phone("+6281234567000")]
    assert update.changes["phone"][0].startswith("+628")


def _apps_before_the_drop():
    """The models as 0010 leaves them: VolunteerChange (dropped by 0011) still exists."""
    loader = MigrationLoader(connection)
    return loader.project_state(("volunteers", "0010_w7_carry_volunteer_changes")).apps


def test_the_migration_masks_existing_rows(admin_user, relawan_alalak):
    # Re-pointed: VolunteerChange is gone (0011); its table is made again for this test.
    old_apps = _apps_before_the_drop()
    VolunteerChange = old_apps.get_model("volunteers", "VolunteerChange")
    with connection.schema_editor() as editor:
        editor.create_model(VolunteerChange)
    clear = VolunteerChange.objects.create(
        volunteer_id=relawan_alalak.volunteer.pk,
        action="updated",
        changes={"phone": ["+6281234567890", "+6281298765432"], "whatsapp": ["", "08131112222"]},
    )
    other = VolunteerChange.objects.create(
        volunteer_id=relawan_alalak.volunteer.pk,
        action="status",
        changes={"status": ["active", "inactive"]},
    )
    migration = importlib.import_module("volunteers.migrations.0008_w6_mask_change_phones")
    migration.mask_existing(old_apps, None)
    migration.mask_existing(old_apps, None)  # safe to repeat
    clear.refresh_from_db()
    other.refresh_from_db()
    assert clear.changes == {
        "phone": ["+628*******890", "+628*******432"],
        "whatsapp": ["", "0813****222"],
    }
    assert other.changes == {"status": ["active", "inactive"]}
    # The rows are carried into the volunteer's history (0010), masked as they were.
    carry = importlib.import_module("volunteers.migrations.0010_w7_carry_volunteer_changes")
    carry.carry_changes(old_apps, None)
    history = relawan_alalak.volunteer.audit_history
    assert history.get(changes=clear.changes).action == VolunteerHistory.Action.UPDATED
    assert history.get(changes=other.changes).action == VolunteerHistory.Action.STATUS
    _assert_nothing_in_clear()
    # And back (a rollback to 0009): the recorded changes are VolunteerChange rows again,
    # nothing lost, and the history keeps no annotation.
    recorded = sorted(history.exclude(action="").values_list("action", "changes"), key=str)
    assert ("updated", clear.changes) in recorded and ("status", other.changes) in recorded
    VolunteerChange.objects.all().delete()
    carry.uncarry_changes(old_apps, None)
    back = sorted(VolunteerChange.objects.values_list("action", "changes"), key=str)
    assert back == recorded  # the persona's own "created" row too
    assert not history.exclude(action="").exists()
    assert not history.filter(pgh_label="carried").exists()
