"""Attachments (content-checked, metadata stripped) and the beneficiary registry (merge)."""

from __future__ import annotations

import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from cases.models import Attachment, Beneficiary, Case, CaseEvent
from cases.selectors import beneficiary_possible_duplicates
from cases.services import (
    attachment_add,
    beneficiary_create,
    beneficiary_merge,
    case_add_note,
)
from tests.cases_support import beneficiary, file_case, jpeg_with_gps, kelurahan, png_declaring

pytestmark = pytest.mark.django_db

EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 200


def test_an_exe_renamed_jpg_is_refused(login, relawan_alalak):
    case = file_case(relawan_alalak)
    upload = SimpleUploadedFile("foto_rumah.jpg", EXE, "image/jpeg")
    response = login(relawan_alalak).post(
        reverse("cases:attach", args=[case.reference]), {"uploads": [upload]}
    )
    assert response.status_code == 400
    assert "foto_rumah.jpg" in response.content.decode()
    assert not Attachment.objects.exists()


def test_exif_gps_is_gone_from_a_stored_photo(relawan_alalak):
    case = file_case(relawan_alalak)
    original = jpeg_with_gps((3000, 2000))
    assert Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)  # the phone wrote GPS

    attachment = attachment_add(
        case=case,
        upload=SimpleUploadedFile("IMG_0001.jpg", original, "image/jpeg"),
        actor=relawan_alalak,
    )

    with default_storage.open(attachment.file.name, "rb") as fh:
        stored = Image.open(io.BytesIO(fh.read()))
    exif = stored.getexif()
    assert not exif.get_ifd(0x8825) and 0x010F not in exif
    assert max(stored.size) == 1600  # downscaled
    assert "IMG_0001" not in attachment.file.name and case.reference not in attachment.file.name
    assert attachment.content_type == "image/jpeg"


def test_a_pdf_is_kept_as_it_is(relawan_alalak):
    case = file_case(relawan_alalak)
    pdf = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
    attachment = attachment_add(
        case=case,
        upload=SimpleUploadedFile("surat.pdf", pdf, "application/pdf"),
        actor=relawan_alalak,
    )
    assert attachment.content_type == "application/pdf"
    with default_storage.open(attachment.file.name, "rb") as fh:
        assert fh.read() == pdf


def test_a_file_over_10_mb_is_refused(relawan_alalak):
    case = file_case(relawan_alalak)
    big = SimpleUploadedFile(
        "besar.pdf", b"%PDF-1.4\n" + b"0" * (10 * 1024 * 1024), "application/pdf"
    )
    with pytest.raises(ValidationError, match="10 MB"):
        attachment_add(case=case, upload=big, actor=relawan_alalak)


def test_a_truncated_image_is_refused_cleanly(relawan_alalak):
    case = file_case(relawan_alalak)
    broken = jpeg_with_gps()[:200]
    with pytest.raises(ValidationError):
        attachment_add(
            case=case,
            upload=SimpleUploadedFile("x.jpg", broken, "image/jpeg"),
            actor=relawan_alalak,
        )


def test_intake_stores_photos_and_puts_them_on_the_timeline(login, relawan_alalak):
    from tests.test_cases_intake import NEW, intake_data

    photos = [SimpleUploadedFile(f"f{i}.jpg", jpeg_with_gps(), "image/jpeg") for i in range(2)]
    login(relawan_alalak).post(NEW, {**intake_data(), "uploads": photos})
    case = Case.objects.get()
    assert case.attachments.count() == 2
    assert case.events.filter(kind=CaseEvent.Kind.ATTACHMENT).count() == 2


# --- Registry ---------------------------------------------------------------------------------


def test_duplicate_nik_is_blocked_by_the_service_and_the_database(relawan_alalak):
    person = beneficiary()
    with pytest.raises(ValidationError) as exc:
        beneficiary_create(
            name="Orang Lain", kelurahan=kelurahan("Alalak Utara"), created_by=None, nik=person.nik
        )
    assert "nik" in exc.value.error_dict
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Beneficiary.objects.create(name="Lewat SQL", kelurahan=person.kelurahan, nik=person.nik)


def test_people_without_nik_can_be_registered_many_times(relawan_alalak):
    for _ in range(3):
        beneficiary(with_nik=False)
    assert Beneficiary.objects.filter(nik__isnull=True, needs_dukcapil_referral=True).count() == 3


def test_a_similar_name_with_the_same_birth_date_is_a_possible_duplicate():
    born = dt.date(1948, 8, 17)
    a = beneficiary(name="Muhammad Rasyid", birth_date=born, with_nik=False)
    b = beneficiary(name="Muhamad Rasid", birth_date=born, with_nik=False, kel="Kuin Cerucuk")
    c = beneficiary(name="Muhammad Rasyid", birth_date=dt.date(1990, 1, 1), address="Jl. Lain 9")
    d = beneficiary(name="Siti Rahmah", birth_date=born, with_nik=False)
    assert beneficiary_possible_duplicates(a) == [b]
    assert c not in beneficiary_possible_duplicates(a) and d not in beneficiary_possible_duplicates(
        a
    )


def test_a_similar_name_at_the_same_address_is_a_possible_duplicate():
    a = beneficiary(name="Hj. Aisyah Binti Ahmad", address="Jl. Kuin Utara RT 5", with_nik=False)
    b = beneficiary(name="Aisyah Binti Ahmad", address="jl. kuin utara rt 5", with_nik=False)
    assert beneficiary_possible_duplicates(a) == [b]


def test_merge_keeps_every_case_and_event_and_marks_both_timelines(
    relawan_alalak, relawan_kuin, petugas
):
    survivor = beneficiary(name="Ahmad Fauzi", with_nik=False, phone="")
    duplicate = beneficiary(name="Ahmad Fauzy", phone="+6281234567890")
    kept = [file_case(relawan_alalak, beneficiary=survivor)]
    moved = [file_case(relawan_kuin, beneficiary=duplicate) for _ in range(2)]
    case_add_note(case=moved[0], actor=petugas, note="Catatan lama")
    events_before = {c.pk: set(c.events.values_list("pk", flat=True)) for c in kept + moved}
    dup_nik = duplicate.nik

    beneficiary_merge(survivor=survivor, duplicate=duplicate, actor=petugas)

    survivor.refresh_from_db()
    duplicate.refresh_from_db()
    assert set(survivor.cases.all()) == set(kept + moved)
    assert duplicate.merged_into == survivor and not duplicate.cases.exists()
    assert survivor.nik == dup_nik and not survivor.needs_dukcapil_referral
    assert survivor.phone.as_e164 == "+6281234567890"
    for case in kept + moved:
        ids = set(case.events.values_list("pk", flat=True))
        assert events_before[case.pk] < ids  # nothing lost, something added
        merge = case.events.get(kind=CaseEvent.Kind.MERGE)
        assert merge.data["survivor_id"] == survivor.pk
        assert merge.data["duplicate_id"] == duplicate.pk


def test_two_different_niks_cannot_be_merged(petugas):
    a, b = beneficiary(), beneficiary()
    with pytest.raises(ValidationError):
        beneficiary_merge(survivor=a, duplicate=b, actor=petugas)
    b.refresh_from_db()
    assert b.merged_into is None


def test_a_volunteer_cannot_merge(relawan_alalak, login):
    a, b = beneficiary(with_nik=False), beneficiary(with_nik=False)
    with pytest.raises(ValidationError):
        beneficiary_merge(survivor=a, duplicate=b, actor=relawan_alalak)
    url = reverse("cases:beneficiary_merge", args=[a.pk, b.pk])
    assert login(relawan_alalak).get(url).status_code == 403


def test_staff_merge_through_a_confirmation_page(login, petugas, relawan_alalak):
    born = dt.date(1960, 2, 2)
    a = beneficiary(name="Rusdiansyah", birth_date=born, with_nik=False)
    b = beneficiary(name="Rusdiansah", birth_date=born, with_nik=False)
    case = file_case(relawan_alalak, beneficiary=b)
    client = login(petugas)
    page = client.get(case.get_absolute_url()).content.decode()
    url = reverse("cases:beneficiary_merge", args=[b.pk, a.pk])
    assert url in page  # shown as a possible duplicate, with the merge action
    assert client.get(url).status_code == 200
    unconfirmed = client.post(url, {"survivor": a.pk})
    assert unconfirmed.status_code == 400 and Beneficiary.objects.get(pk=b.pk).merged_into is None
    done = client.post(url, {"survivor": a.pk, "confirm": "on"})
    assert done.status_code == 302
    case.refresh_from_db()
    assert case.beneficiary == a


def _stored_files(settings) -> list[str]:
    root = Path(settings.MEDIA_ROOT)
    return [str(p) for p in root.rglob("*") if p.is_file()] if root.exists() else []


def test_a_decompression_bomb_among_photos_is_refused_by_name_and_nothing_is_stored(
    login, relawan_alalak, settings
):
    case = file_case(relawan_alalak)
    uploads = [
        SimpleUploadedFile("rumah.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("bom.png", png_declaring(100_000, 100_000), "image/png"),
    ]
    response = login(relawan_alalak).post(
        reverse("cases:attach", args=[case.reference]), {"uploads": uploads}
    )
    assert response.status_code == 400
    assert "“bom.png” terlalu besar sebagai gambar" in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files(settings) == []


def test_one_upload_is_all_files_or_none_also_on_storage(login, relawan_alalak, settings):
    """The second file passes its header check but cannot be decoded: the first one,
    already written to storage inside the same transaction, is removed again."""
    case = file_case(relawan_alalak)
    uploads = [
        SimpleUploadedFile("rumah.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("rusak.png", png_declaring(40, 30, broken_pixels=True), "image/png"),
    ]
    response = login(relawan_alalak).post(
        reverse("cases:attach", args=[case.reference]), {"uploads": uploads}
    )
    assert response.status_code == 400
    assert "“rusak.png” tidak dapat dibaca sebagai gambar." in response.content.decode()
    assert not Attachment.objects.exists() and _stored_files(settings) == []
    assert not case.events.filter(kind=CaseEvent.Kind.ATTACHMENT).exists()


def test_a_decompression_bomb_on_the_intake_photo_field_is_a_message_next_to_it(
    login, relawan_alalak, settings
):
    from tests.test_cases_intake import NEW, intake_data

    uploads = [
        SimpleUploadedFile("rumah.jpg", jpeg_with_gps(), "image/jpeg"),
        SimpleUploadedFile("bom.png", png_declaring(100_000, 100_000), "image/png"),
    ]
    response = login(relawan_alalak).post(NEW, {**intake_data(), "uploads": uploads})
    assert response.status_code == 200
    assert "“bom.png” terlalu besar sebagai gambar" in response.content.decode()
    assert response.context["form"].errors["uploads"]
    assert not Case.objects.exists() and _stored_files(settings) == []
