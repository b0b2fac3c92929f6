"""Retention (issue 8, item 5): files of long-closed cases are deleted, the records stay."""

from __future__ import annotations

import datetime as dt
from io import StringIO
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from cases.models import Case, CaseEvent
from cases.services import attachment_add, case_add_note, case_transition
from tests.cases_support import file_case, jpeg_with_gps

pytestmark = pytest.mark.django_db
S = Case.Status


def _with_photo(case: Case, actor):
    upload = SimpleUploadedFile("foto-rumah.jpg", jpeg_with_gps(), content_type="image/jpeg")
    attachment = attachment_add(case=case, upload=upload, actor=actor)
    path = Path(settings.MEDIA_ROOT) / attachment.file.name
    assert path.is_file()
    return attachment, path


def _age(case: Case, days: int) -> None:
    Case.objects.filter(pk=case.pk).update(last_event_at=timezone.now() - dt.timedelta(days=days))


@pytest.fixture
def world(relawan_alalak, petugas):
    """An old rejected case, an old open case, a recently rejected case: each with a photo."""
    old_closed = file_case(relawan_alalak)
    old_closed_file, old_closed_path = _with_photo(old_closed, relawan_alalak)
    second_file, second_path = _with_photo(old_closed, relawan_alalak)
    case_transition(case=old_closed, to_status=S.REJECTED, actor=petugas, reason="Data ganda")
    _age(old_closed, 800)
    old_open = file_case(relawan_alalak)
    _, old_open_path = _with_photo(old_open, relawan_alalak)
    _age(old_open, 800)
    recent_closed = file_case(relawan_alalak)
    _, recent_path = _with_photo(recent_closed, relawan_alalak)
    case_transition(case=recent_closed, to_status=S.REJECTED, actor=petugas, reason="Bukan PPKS")
    _age(recent_closed, 100)
    return {
        "case": old_closed,
        "attachments": [old_closed_file, second_file],
        "purged_paths": [old_closed_path, second_path],
        "kept_paths": [old_open_path, recent_path],
    }


def test_dry_run_counts_and_deletes_nothing(world):
    out = StringIO()
    call_command("purge_attachments", "--dry-run", "--days", "730", stdout=out)
    assert "Would delete 2 file(s)" in out.getvalue() and "of 1 closed case(s)" in out.getvalue()
    assert all(p.is_file() for p in world["purged_paths"] + world["kept_paths"])
    assert not CaseEvent.objects.filter(kind=CaseEvent.Kind.RETENTION).exists()


def test_purge_deletes_old_closed_files_keeps_records_and_is_idempotent(world, settings):
    settings.ATTACHMENT_RETENTION_DAYS = 730
    out = StringIO()
    call_command("purge_attachments", stdout=out)
    assert "Deleted 2 file(s)" in out.getvalue()
    assert not any(p.exists() for p in world["purged_paths"])
    assert all(p.is_file() for p in world["kept_paths"])
    case = world["case"]
    case.refresh_from_db()
    assert case.status == S.REJECTED and case.attachments.count() == 2
    assert all(a.purged_at is not None for a in case.attachments.all())
    event = case.events.get(kind=CaseEvent.Kind.RETENTION)
    assert event.actor is None and event.data["count"] == 2

    again = StringIO()
    call_command("purge_attachments", stdout=again)
    assert "Deleted 0 file(s)" in again.getvalue()
    assert case.events.filter(kind=CaseEvent.Kind.RETENTION).count() == 1


def test_a_shorter_period_on_the_command_line_reaches_the_recent_case(world):
    call_command("purge_attachments", "--days", "30", stdout=StringIO())
    assert not world["kept_paths"][1].exists(), "the case rejected 100 days ago"
    assert world["kept_paths"][0].is_file(), "an open case is never purged"


def test_activity_on_a_closed_case_restarts_the_clock(world, petugas):
    case_add_note(case=world["case"], actor=petugas, note="Keluarga datang lagi")
    call_command("purge_attachments", stdout=StringIO())
    assert all(p.is_file() for p in world["purged_paths"])


def test_case_page_shows_the_purge_and_the_file_is_gone(world, login, petugas):
    call_command("purge_attachments", stdout=StringIO())
    case = world["case"]
    client = login(petugas)
    html = client.get(case.get_absolute_url()).content.decode()
    assert "Lampiran dihapus sesuai retensi" in html
    assert "foto-rumah.jpg" in html  # the record stays
    url = reverse("cases:attachment", args=[case.reference, world["attachments"][0].pk])
    assert url not in html
    assert client.get(url).status_code == 404


def test_command_refuses_a_zero_period():
    from django.core.management.base import CommandError

    with pytest.raises(CommandError):
        call_command("purge_attachments", "--days", "0", stdout=StringIO())


# Written out, not read from RETENTION_STATUSES: which statuses end the case for retention.
@pytest.mark.parametrize(
    ("status", "purged"),
    [
        ("resolved", True),
        ("closed", True),
        ("referred", True),
        ("rejected", True),
        ("new", False),
        ("verified", False),
        ("assigned", False),
        ("in_progress", False),
    ],
)
def test_old_files_are_purged_for_every_finished_status_and_no_open_one(
    status, purged, relawan_alalak, relawan_kuin, petugas, kabid
):
    from tests.test_cases_workflow import case_in

    case = case_in(
        status, reporter=relawan_kuin, officer=petugas, supervisor=kabid, assignee=relawan_alalak
    )
    _attachment, path = _with_photo(case, relawan_alalak)
    _age(case, 800)
    call_command("purge_attachments", "--days", "730", stdout=StringIO())
    case.refresh_from_db()
    assert (not path.exists()) == purged
    assert case.events.filter(kind=CaseEvent.Kind.RETENTION).exists() == purged
    assert case.attachments.count() == 1 and case.status == status
