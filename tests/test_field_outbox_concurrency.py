"""The same outbox record sent at the same moment (two tabs, a retry racing a slow first
attempt): the advisory lock on its UUID lets one store it and the others find it."""

from __future__ import annotations

import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from cases.models import Attachment, Beneficiary, Case
from tests.cases_support import in_parallel
from tests.test_field_outbox import case_record

# serialized_rollback: the flush after each test would drop the seeded wilayah and categories.
pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)
WORKERS = 6


def test_one_case_and_one_photo_however_many_send_them_at_once(
    relawan_alalak, jpeg_bytes, settings
):
    record = case_record()
    photo, photo_uuid = jpeg_bytes(), str(uuid.uuid4())

    def send(i: int) -> tuple[int, int]:
        client = Client()
        client.force_login(relawan_alalak)
        case = client.post(reverse("cases:outbox_send", kwargs={"kind": "case"}), record)
        upload = SimpleUploadedFile("foto.jpg", photo, content_type="image/jpeg")
        attachment = client.post(
            reverse("cases:outbox_send", kwargs={"kind": "attachment"}),
            {"client_uuid": photo_uuid, "case_uuid": record["client_uuid"], "upload": upload},
        )
        return case.status_code, attachment.status_code

    answers = in_parallel(send, WORKERS)
    assert all(c in (200, 201) and a in (200, 201) for c, a in answers), answers
    assert Case.objects.count() == 1 and Beneficiary.objects.count() == 1
    assert Attachment.objects.count() == 1
    assert len([p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]) == 1
