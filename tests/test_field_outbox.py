"""The field app's outbox endpoint: records made offline on a phone arrive exactly once.

Each record carries the UUID the phone gave it; the server keeps it under a unique constraint
with a hash of the content. Same UUID again: the stored result, no second row. Same UUID, other
content: 409 with the reason in Indonesian. Someone else's case, by reference or by UUID: 404.
"""

from __future__ import annotations

import datetime as dt
import uuid
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from cases.models import Attachment, Beneficiary, Case, CaseEvent, Visit
from cases.sla import due_fields
from tests.cases_support import beneficiary, file_case, kelurahan
from tests.test_cases_intake import intake_data

pytestmark = pytest.mark.django_db


def send(kind: str) -> str:
    return reverse("cases:outbox_send", kwargs={"kind": kind})


def case_record(**overrides: object) -> dict[str, object]:
    """The intake page's data (tests.test_cases_intake) as the phone's outbox sends it: its
    UUID and the phone's time instead of the page's idempotency key, no NIK or priority."""
    data: dict[str, object] = intake_data(
        client_uuid=str(uuid.uuid4()),
        recorded_at=(timezone.now() - dt.timedelta(hours=3)).isoformat(),
    )
    for page_only in ("idempotency_key", "nik", "priority"):
        del data[page_only]
    data.update(overrides)
    return data


def photo(jpeg_bytes, name: str = "foto.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, jpeg_bytes(), content_type="image/jpeg")


def stored_files(settings) -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_same_case_uuid_twice_stores_one_case(login, relawan_alalak):
    client = login(relawan_alalak)
    record = case_record()
    first = client.post(send("case"), record)
    again = client.post(send("case"), record)
    assert first.status_code == 201 and again.status_code == 200
    case = Case.objects.get()
    assert first.json()["reference"] == again.json()["reference"] == case.reference
    assert again.json()["replayed"] is True
    assert str(case.client_uuid) == record["client_uuid"]
    assert Beneficiary.objects.count() == 1
    assert case.events.filter(kind=CaseEvent.Kind.CREATED).count() == 1


def test_same_case_uuid_with_other_content_is_refused_with_409(login, relawan_alalak):
    client = login(relawan_alalak)
    record = case_record()
    assert client.post(send("case"), record).status_code == 201
    changed = {**record, "description": "Isi lain dengan UUID yang sama."}
    response = client.post(send("case"), changed)
    assert response.status_code == 409
    assert "sudah pernah dikirim" in response.json()["reason"]
    assert Case.objects.get().description == record["description"]


def test_another_volunteers_uuid_is_not_found(login, relawan_alalak, relawan_kuin):
    record = case_record()
    assert login(relawan_alalak).post(send("case"), record).status_code == 201
    response = login(relawan_kuin).post(send("case"), record)
    assert response.status_code == 404
    assert "reference" not in response.json()


def test_case_filed_offline_keeps_phone_time_and_sla_starts_at_arrival(login, relawan_alalak):
    recorded = timezone.now() - dt.timedelta(days=2, hours=1)
    before = timezone.now()
    response = login(relawan_alalak).post(
        send("case"), case_record(recorded_at=recorded.isoformat())
    )
    assert response.status_code == 201
    case = Case.objects.get()
    assert case.recorded_at is not None
    assert abs(case.recorded_at - recorded) < dt.timedelta(seconds=1)
    assert case.created_at >= before
    assert case.due_at == due_fields(case.created_at, case.priority, case.category)["due_at"]
    page = login(relawan_alalak).get(case.get_absolute_url())
    text = page.content.decode()
    assert timezone.localtime(recorded).strftime("%d-%m-%Y %H:%M") in text
    assert timezone.localtime(case.created_at).strftime("%d-%m-%Y %H:%M") in text
    assert "Dicatat di HP" in text


@pytest.mark.parametrize(
    "shift", [dt.timedelta(minutes=30), -dt.timedelta(days=31)], ids=["future", "too-old"]
)
def test_phone_time_in_the_future_or_too_old_is_refused(login, relawan_alalak, shift):
    recorded = timezone.now() + shift
    response = login(relawan_alalak).post(
        send("case"), case_record(recorded_at=recorded.isoformat())
    )
    assert response.status_code == 400
    assert response.json()["errors"]["recorded_at"]
    assert not Case.objects.exists() and not Beneficiary.objects.exists()


def test_case_typed_offline_for_a_registered_nik_is_filed_for_that_person(login, relawan_alalak):
    person = beneficiary(kel=kelurahan("Alalak Utara"))
    assert person.nik
    response = login(relawan_alalak).post(
        send("case"),
        case_record(nik=person.nik, name="Nama diketik di lapangan", birth_date="", sex=""),
    )
    assert response.status_code == 201
    assert Case.objects.get().beneficiary == person
    assert Beneficiary.objects.count() == 1


def test_refused_case_answers_reasons_per_field_and_stores_nothing(login, relawan_alalak):
    response = login(relawan_alalak).post(send("case"), case_record(description="", address=""))
    assert response.status_code == 400
    body = response.json()
    assert set(body["errors"]) >= {"description", "address"}
    assert "Alamat" in body["reason"]
    assert not Case.objects.exists()


def test_attachment_sent_twice_is_one_row_and_one_file(login, relawan_alalak, jpeg_bytes, settings):
    client = login(relawan_alalak)
    record = case_record()
    client.post(send("case"), record)
    file_uuid = str(uuid.uuid4())
    content = jpeg_bytes()
    for expected in (201, 200):
        response = client.post(
            send("attachment"),
            {
                "client_uuid": file_uuid,
                "case_uuid": record["client_uuid"],
                "upload": SimpleUploadedFile("foto.jpg", content, content_type="image/jpeg"),
            },
        )
        assert response.status_code == expected
    assert Attachment.objects.count() == 1
    assert len(stored_files(settings)) == 1


def test_attachment_same_uuid_other_photo_is_409(login, relawan_alalak, jpeg_bytes):
    client = login(relawan_alalak)
    case = file_case(relawan_alalak)
    file_uuid = str(uuid.uuid4())
    data = {"client_uuid": file_uuid, "case_reference": case.reference}
    assert client.post(send("attachment"), {**data, "upload": photo(jpeg_bytes)}).status_code == 201
    other = SimpleUploadedFile("lain.jpg", jpeg_bytes((80, 60)), content_type="image/jpeg")
    assert client.post(send("attachment"), {**data, "upload": other}).status_code == 409
    assert Attachment.objects.count() == 1


@pytest.mark.parametrize("by", ["uuid", "reference"])
def test_volunteer_cannot_post_into_case_of_other_kelurahan(
    login, relawan_alalak, relawan_kuin, jpeg_bytes, settings, by
):
    record = case_record(kelurahan=kelurahan("Kuin Cerucuk").pk)
    assert login(relawan_kuin).post(send("case"), record).status_code == 201
    case = Case.objects.get()
    parent = (
        {"case_uuid": record["client_uuid"]} if by == "uuid" else {"case_reference": case.reference}
    )
    client = login(relawan_alalak)
    files_before = len(stored_files(settings))
    for kind, extra in (
        ("attachment", {"upload": photo(jpeg_bytes)}),
        ("visit", {"visited_on": timezone.localdate().isoformat(), "findings": "Rumah kosong."}),
        ("note", {"note": "Catatan."}),
    ):
        response = client.post(send(kind), {"client_uuid": str(uuid.uuid4()), **parent, **extra})
        assert response.status_code == 404, kind
    assert not Attachment.objects.exists() and not Visit.objects.exists()
    assert not case.events.filter(kind=CaseEvent.Kind.NOTE).exists()
    assert len(stored_files(settings)) == files_before


def test_visit_on_a_case_filed_offline_by_its_uuid_arrives_once(login, relawan_alalak):
    client = login(relawan_alalak)
    record = case_record()
    client.post(send("case"), record)
    visit = {
        "client_uuid": str(uuid.uuid4()),
        "case_uuid": record["client_uuid"],
        "visited_on": timezone.localdate().isoformat(),
        "findings": "Atap bocor di dua tempat.",
    }
    assert client.post(send("visit"), visit).status_code == 201
    assert client.post(send("visit"), visit).status_code == 200
    assert Visit.objects.get().case == Case.objects.get()
    assert Case.objects.get().events.filter(kind=CaseEvent.Kind.VISIT).count() == 1


def test_visit_whose_case_has_not_arrived_is_404(login, relawan_alalak):
    response = login(relawan_alalak).post(
        send("visit"),
        {
            "client_uuid": str(uuid.uuid4()),
            "case_uuid": str(uuid.uuid4()),
            "visited_on": timezone.localdate().isoformat(),
            "findings": "x",
        },
    )
    assert response.status_code == 404
    assert response.json()["reason"]


def test_note_sent_twice_is_one_timeline_row(login, relawan_alalak):
    case = file_case(relawan_alalak)
    client = login(relawan_alalak)
    note = {"client_uuid": str(uuid.uuid4()), "case_reference": case.reference, "note": "Sudah."}
    assert client.post(send("note"), note).status_code == 201
    assert client.post(send("note"), note).status_code == 200
    assert case.events.filter(kind=CaseEvent.Kind.NOTE).count() == 1


def test_unknown_kind_and_missing_uuid(login, relawan_alalak):
    client = login(relawan_alalak)
    assert client.post(send("survey"), {"client_uuid": str(uuid.uuid4())}).status_code == 404
    response = client.post(send("case"), {"client_uuid": "not-a-uuid"})
    assert response.status_code == 400 and response.json()["reason"]


def test_outbox_token_gives_a_fresh_csrf_token(login, relawan_alalak):
    response = login(relawan_alalak).get(reverse("cases:outbox_token"))
    assert response.status_code == 200 and len(response.json()["csrf"]) == 64


# --- the installable app ------------------------------------------------------------------


def test_service_worker_precaches_the_field_pages_of_this_release(client, settings):
    settings.PSM_RELEASE = "rilis-1"
    response = client.get("/sw.js")  # at the root: its scope is the whole site
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/javascript")
    assert response["Cache-Control"] == "no-cache"
    body = response.content.decode()
    for name in ("cases:new", "cases:field_visit", "cases:outbox", "cases:field_home"):
        assert f'"url": "{reverse(name)}", "revision": "rilis-1"' in body
    assert "/static/vendor/workbox/workbox-precaching.prod.js" in body
    assert "Content-Security-Policy" in response  # the strict CSP stays on
    settings.PSM_RELEASE = "rilis-2"
    assert '"revision": "rilis-2"' in client.get("/sw.js").content.decode()


def test_manifest_is_indonesian_and_starts_at_the_volunteer_home(client):
    manifest = client.get(reverse("cases:web_manifest")).json()
    assert manifest["display"] == "standalone" and manifest["start_url"] == reverse("home")
    assert manifest["lang"] == "id" and manifest["short_name"] == "PSM Lapangan"
    sizes = {icon["sizes"] for icon in manifest["icons"]}
    assert {"192x192", "512x512"} <= sizes
    for icon in manifest["icons"]:
        assert Path("static", icon["src"].removeprefix("/static/")).is_file()


def test_field_pages_carry_no_personal_data(login, relawan_alalak):
    case = file_case(relawan_alalak)
    client = login(relawan_alalak)
    for name in ("cases:field_home", "cases:field_visit", "cases:outbox", "cases:new"):
        page = client.get(reverse(name)).content.decode()
        assert case.beneficiary.name not in page and case.reference not in page, name
