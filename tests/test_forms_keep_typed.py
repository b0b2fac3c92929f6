"""Issue 13.5: nothing typed is lost. A form refused on the server comes back with what was
typed (never a redirect that drops it), and the intake says when photos must be chosen again."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from cases.models import Case
from cases.services import case_assign, case_transition
from tests.cases_support import file_case
from tests.test_cases_intake import NEW, intake_data
from volunteers.models import TrainingParticipant
from volunteers.services import training_create, training_invite

pytestmark = pytest.mark.django_db


def test_intake_error_says_the_photos_must_be_chosen_again(login, relawan_alalak, jpeg_bytes):
    photos = [SimpleUploadedFile(f"rumah{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(2)]
    data = {**intake_data(nik="1234", description="Dinding retak"), "uploads": photos}
    response = login(relawan_alalak).post(NEW, data)
    assert response.status_code == 200 and not Case.objects.exists()
    html = response.content.decode()
    assert "Foto perlu dipilih lagi" in html and 'data-files-lost="2"' in html
    assert "Dinding retak" in html


def test_intake_error_without_photos_says_nothing_about_photos(login, relawan_alalak):
    html = login(relawan_alalak).post(NEW, intake_data(nik="1234")).content.decode()
    assert "Foto perlu dipilih lagi" not in html


def test_a_refused_rejection_keeps_the_typed_reason(login, petugas, relawan_alalak):
    case = file_case(relawan_alalak)
    # Someone else moved the case on while this officer typed the reason (a stale page).
    case_transition(case=case, to_status=Case.Status.VERIFIED, actor=petugas)
    case_assign(case=case, assignee=relawan_alalak, actor=petugas)
    reason = "Bukan warga kota, sudah dirujuk <b>kabupaten</b>"
    response = login(petugas).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": Case.Status.REJECTED, "reason": reason},
    )
    assert response.status_code == 400
    case.refresh_from_db()
    assert case.status == Case.Status.ASSIGNED
    html = response.content.decode()
    assert "Bukan warga kota, sudah dirujuk &lt;b&gt;kabupaten&lt;/b&gt;" in html
    assert "<b>kabupaten</b>" not in html


def test_a_refused_move_that_is_offered_keeps_the_reason_in_its_field(
    login, petugas, relawan_alalak
):
    case = file_case(relawan_alalak)
    too_long = "Alasan " + "x" * 2000  # over the 2000 characters the form accepts
    response = login(petugas).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": Case.Status.REJECTED, "reason": too_long},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert f'name="reason" maxlength="2000" required value="{too_long}"' in html
    assert Case.objects.get().status == Case.Status.NEW


def test_a_refused_referral_keeps_the_partner(login, petugas, relawan_alalak):
    case = file_case(relawan_alalak)  # new: a referral needs a verified case first
    response = login(petugas).post(
        reverse("cases:transition", args=[case.reference]),
        {"to_status": Case.Status.REFERRED, "partner": "Puskesmas Alalak"},
    )
    assert response.status_code == 400
    assert "Puskesmas Alalak" in response.content.decode()


def _training_with(volunteer):
    training = training_create(title="Bimtek dasar PSM", starts_on=dt.date(2026, 3, 2))
    participant = training_invite(training=training, volunteers=[volunteer])[0]
    return training, participant


def test_a_refused_attendance_keeps_the_certificate_number(login, admin_user, relawan_alalak):
    training, participant = _training_with(relawan_alalak.volunteer)
    response = login(admin_user).post(
        reverse("volunteers:training_attendance", args=[training.pk, participant.pk]),
        {
            f"p{participant.pk}-attendance": TrainingParticipant.Attendance.ABSENT,
            f"p{participant.pk}-certificate_number": "SERT-2026-0042",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'value="SERT-2026-0042"' in html
    participant.refresh_from_db()
    assert participant.certificate_number == ""


def test_a_refused_invitation_keeps_the_choice(login, admin_user, relawan_alalak):
    training, _participant = _training_with(relawan_alalak.volunteer)
    kel = relawan_alalak.volunteer.kelurahan
    response = login(admin_user).post(
        reverse("volunteers:training_invite", args=[training.pk]),
        {"kelurahan": kel.pk, "volunteers": ["999999"]},  # a volunteer no longer listed
    )
    assert response.status_code == 400
    assert f'<option value="{kel.pk}" selected>' in response.content.decode()
