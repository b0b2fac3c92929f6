"""Trainings (bimtek) and monthly activity reports."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from volunteers.models import ActivityReport, Kelurahan, Training, TrainingParticipant, Volunteer
from volunteers.selectors import last_month
from volunteers.services import (
    activity_report_create,
    activity_report_review,
    activity_report_submit,
    training_attendance_set,
    training_create,
    training_invite,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def bimtek(admin_user):
    return training_create(
        title="Bimtek Dasar PSM",
        starts_on=dt.date(2026, 3, 2),
        ends_on=dt.date(2026, 3, 3),
        capacity=2,
        is_basic_psm=True,
        actor=admin_user,
    )


def test_admin_creates_training_and_invites_by_kelurahan(
    login, admin_user, relawan_alalak, relawan_kuin
):
    client = login(admin_user)
    response = client.post(
        reverse("volunteers:training_create"),
        {
            "title": "Bimtek Lansia",
            "starts_on": "2026-05-04",
            "ends_on": "2026-05-05",
            "venue": "Aula Dinsos",
            "speakers": "dr. A\nB, S.Sos",
            "capacity": "",
            "organiser": "Dinsos",
        },
    )
    training = Training.objects.get(title="Bimtek Lansia")
    assert response.status_code == 302 and training.speaker_list == ["dr. A", "B, S.Sos"]
    kelurahan = Kelurahan.objects.get(name="Kuin Cerucuk")
    client.post(
        reverse("volunteers:training_invite", args=[training.pk]), {"kelurahan": kelurahan.pk}
    )
    assert list(training.participants.values_list("volunteer__user__username", flat=True)) == [
        "relawan_kuin"
    ]
    client.post(
        reverse("volunteers:training_invite", args=[training.pk]),
        {"volunteers": [relawan_alalak.volunteer.pk, relawan_kuin.volunteer.pk]},
    )
    assert training.participants.count() == 2  # nobody twice


def test_training_ending_before_it_starts_is_a_form_error(login, admin_user):
    response = login(admin_user).post(
        reverse("volunteers:training_create"),
        {"title": "X", "starts_on": "2026-05-04", "ends_on": "2026-05-01"},
    )
    assert response.status_code == 200 and response.context["form"].errors["ends_on"]
    assert not Training.objects.exists()


def test_capacity_is_enforced_and_nobody_is_invited_over_it(bimtek, relawan_alalak, relawan_kuin):
    from tests.factories import VolunteerFactory

    third: Volunteer = VolunteerFactory()  # type: ignore[assignment]
    with pytest.raises(ValidationError):
        training_invite(
            training=bimtek, volunteers=[relawan_alalak.volunteer, relawan_kuin.volunteer, third]
        )
    assert bimtek.participants.count() == 0


def test_certificate_only_for_attendees(bimtek, relawan_alalak):
    (participant,) = training_invite(training=bimtek, volunteers=[relawan_alalak.volunteer])
    with pytest.raises(ValidationError):
        training_attendance_set(
            participant=participant, attendance="absent", certificate_number="S-1"
        )
    training_attendance_set(
        participant=participant, attendance="attended", certificate_number="S-1"
    )
    participant.refresh_from_db()
    assert participant.attendance == TrainingParticipant.Attendance.ATTENDED


def test_volunteer_sees_only_their_own_trainings(
    login, bimtek, admin_user, relawan_alalak, relawan_kuin
):
    other = training_create(
        title="Bimtek Disabilitas", starts_on=dt.date(2026, 6, 1), actor=admin_user
    )
    training_invite(training=bimtek, volunteers=[relawan_alalak.volunteer])
    training_invite(training=other, volunteers=[relawan_kuin.volunteer])
    client = login(relawan_alalak)
    rows = client.get(reverse("volunteers:trainings")).context["page"].rows
    assert [t.title for t in rows] == ["Bimtek Dasar PSM"]
    assert client.get(reverse("volunteers:training_detail", args=[bimtek.pk])).status_code == 200
    assert client.get(reverse("volunteers:training_detail", args=[other.pk])).status_code == 404
    assert client.get(reverse("volunteers:training_create")).status_code == 403
    participant = bimtek.participants.get()
    url = reverse("volunteers:training_attendance", args=[bimtek.pk, participant.pk])
    assert client.post(url, {f"p{participant.pk}-attendance": "attended"}).status_code == 403


def test_attendance_via_page_and_bad_value_never_500(login, bimtek, admin_user, relawan_alalak):
    (participant,) = training_invite(training=bimtek, volunteers=[relawan_alalak.volunteer])
    client = login(admin_user)
    url = reverse("volunteers:training_attendance", args=[bimtek.pk, participant.pk])
    # The page again, as typed (issue 13.5; was a 302 back to it).
    assert client.post(url, {f"p{participant.pk}-attendance": "hadir-sekali"}).status_code == 400
    participant.refresh_from_db()
    assert participant.attendance == "invited"
    client.post(
        url,
        {
            f"p{participant.pk}-attendance": "attended",
            f"p{participant.pk}-certificate_number": "C-9",
        },
    )
    participant.refresh_from_db()
    assert participant.certificate_number == "C-9"


# --- activity reports -------------------------------------------------------------------


def _report(user, **kw):
    return activity_report_create(
        volunteer=user.volunteer,
        month=last_month(),
        activities="Pendataan lansia RT 3",
        visits_count=4,
        **kw,
    )


def test_volunteer_writes_and_submits_a_monthly_report(login, relawan_alalak):
    client = login(relawan_alalak)
    response = client.post(
        reverse("volunteers:report_create"),
        {
            "month": last_month().strftime("%Y-%m"),
            "activities": "Kunjungan rumah lansia",
            "visits_count": "5",
            "cases_handled": "2",
            "notes": "",
            "submit": "1",
        },
    )
    report = ActivityReport.objects.get()
    assert response.status_code == 302 and report.status == "submitted" and report.submitted_at
    assert report.month == last_month() and report.cases_handled == 2


def test_report_for_future_month_or_twice_is_refused(login, relawan_alalak):
    client = login(relawan_alalak)
    future = (timezone.localdate().replace(day=1) + dt.timedelta(days=40)).strftime("%Y-%m")
    response = client.post(
        reverse("volunteers:report_create"),
        {"month": future, "activities": "x", "visits_count": "1", "cases_handled": "0"},
    )
    assert response.status_code == 200 and response.context["form"].errors["month"]
    _report(relawan_alalak)
    response = client.post(
        reverse("volunteers:report_create"),
        {
            "month": last_month().strftime("%Y-%m"),
            "activities": "x",
            "visits_count": "1",
            "cases_handled": "0",
        },
    )
    assert response.status_code == 200 and "sudah punya laporan" in str(
        response.context["form"].errors["month"]
    )
    response = client.post(
        reverse("volunteers:report_create"),
        {"month": "bulan lalu", "activities": "x", "visits_count": "-3", "cases_handled": "0"},
    )
    assert response.status_code == 200 and ActivityReport.objects.count() == 1


def test_volunteer_sees_only_their_own_reports(login, relawan_alalak, relawan_kuin):
    mine, theirs = _report(relawan_alalak), _report(relawan_kuin)
    client = login(relawan_alalak)
    rows = client.get(reverse("volunteers:reports")).context["page"].rows
    assert [r.pk for r in rows] == [mine.pk]
    assert client.get(reverse("volunteers:report_detail", args=[theirs.pk])).status_code == 404
    assert client.get(reverse("volunteers:report_edit", args=[theirs.pk])).status_code == 404
    assert client.post(reverse("volunteers:report_submit", args=[theirs.pk])).status_code == 404
    assert (
        client.post(
            reverse("volunteers:report_review", args=[mine.pk]), {"decision": "approved"}
        ).status_code
        == 403
    )


def test_staff_cannot_review_and_officers_cannot_write_reports(login, petugas, relawan_alalak):
    report = activity_report_submit(report=_report(relawan_alalak), actor=relawan_alalak)
    client = login(petugas)
    assert client.get(reverse("volunteers:report_detail", args=[report.pk])).status_code == 200
    assert (
        client.post(
            reverse("volunteers:report_review", args=[report.pk]), {"decision": "approved"}
        ).status_code
        == 403
    )
    assert client.get(reverse("volunteers:report_create")).status_code == 403


def test_review_states_follow_their_rules(login, kabid, relawan_alalak):
    report = _report(relawan_alalak)
    with pytest.raises(ValidationError):  # a draft cannot be approved
        activity_report_review(report=report, decision="approved", reviewer=kabid)
    report = activity_report_submit(report=report, actor=relawan_alalak)
    client = login(kabid)
    url = reverse("volunteers:report_review", args=[report.pk])
    response = client.post(url, {"decision": "rejected", "reason": ""})
    assert response.status_code == 200 and response.context["review_form"].errors["reason"]
    report.refresh_from_db()
    assert report.status == "submitted"
    client.post(url, {"decision": "revision_requested", "reason": "Lengkapi jumlah kunjungan"})
    report.refresh_from_db()
    assert report.status == "revision_requested" and report.reviewed_by == kabid
    # The volunteer edits and resubmits; then the supervisor approves; approved is final.
    volunteer = login(relawan_alalak)
    volunteer.post(
        reverse("volunteers:report_edit", args=[report.pk]),
        {
            "activities": "Pendataan + 6 kunjungan",
            "visits_count": "6",
            "cases_handled": "1",
            "notes": "",
            "submit": "1",
        },
    )
    report.refresh_from_db()
    assert report.status == "submitted" and report.visits_count == 6
    client.post(url, {"decision": "approved", "reason": ""})
    report.refresh_from_db()
    assert report.status == "approved"
    response = client.post(url, {"decision": "rejected", "reason": "terlambat"})
    assert response.status_code == 200
    report.refresh_from_db()
    assert report.status == "approved"
    assert volunteer.get(reverse("volunteers:report_edit", args=[report.pk])).status_code == 302
    with pytest.raises(ValidationError):
        activity_report_review(report=report, decision="rejected", reviewer=kabid, reason="x")


def test_rejected_needs_reason_and_is_final(kabid, relawan_alalak):
    report = activity_report_submit(report=_report(relawan_alalak), actor=relawan_alalak)
    report = activity_report_review(
        report=report, decision="rejected", reviewer=kabid, reason="Bukan kegiatan PSM"
    )
    assert report.review_reason == "Bukan kegiatan PSM"
    with pytest.raises(ValidationError):
        activity_report_submit(report=report, actor=relawan_alalak)


def test_roster_shows_who_has_not_reported_last_month(login, petugas, relawan_alalak, relawan_kuin):
    activity_report_submit(report=_report(relawan_alalak), actor=relawan_alalak)
    _report(relawan_kuin)  # a draft does not count
    client = login(petugas)
    rows = client.get(reverse("volunteers:list"), {"reported": "no"}).context["page"].rows
    assert [v.user.username for v in rows] == ["relawan_kuin"]
    missing = client.get(reverse("volunteers:reports")).context["missing"]
    assert [v.user.username for v in missing] == ["relawan_kuin"]


def test_every_volunteers_page_renders_for_each_role(
    login, bimtek, relawan_alalak, petugas, kabid, admin_user
):
    report = activity_report_submit(report=_report(relawan_alalak), actor=relawan_alalak)
    training_invite(training=bimtek, volunteers=[relawan_alalak.volunteer])
    for user in (relawan_alalak, petugas, kabid, admin_user):
        client = login(user)
        for url in (
            reverse("volunteers:trainings"),
            reverse("volunteers:training_detail", args=[bimtek.pk]),
            reverse("volunteers:reports"),
            reverse("volunteers:report_detail", args=[report.pk]),
            reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk]),
        ):
            assert client.get(url).status_code == 200, (user, url)
    admin = login(admin_user)
    for name in ("volunteers:create", "volunteers:import", "volunteers:training_create"):
        assert admin.get(reverse(name)).status_code == 200
    assert (
        admin.get(reverse("volunteers:edit", args=[relawan_alalak.volunteer.pk])).status_code == 200
    )
    assert admin.get(reverse("volunteers:training_edit", args=[bimtek.pk])).status_code == 200
