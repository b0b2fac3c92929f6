"""The roster: who sees it, filters, NIK masking, edits, history, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from psm.nik import SEX_MALE, generate_nik, mask_nik
from tests.factories import VolunteerFactory
from volunteers.models import Kelurahan, Volunteer
from volunteers.services import (
    training_attendance_set,
    training_create,
    training_invite,
    volunteer_update,
)

pytestmark = pytest.mark.django_db
NIK = generate_nik(birth_date=dt.date(1985, 6, 7), sex=SEX_MALE, serial=12)


def test_volunteer_gets_403_on_the_roster(login, relawan_alalak):
    assert login(relawan_alalak).get(reverse("volunteers:list")).status_code == 403


def test_volunteer_cannot_open_another_volunteers_profile(login, relawan_alalak, relawan_kuin):
    client = login(relawan_alalak)
    assert (
        client.get(reverse("volunteers:detail", args=[relawan_kuin.volunteer.pk])).status_code
        == 404
    )
    assert (
        client.get(reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk])).status_code
        == 200
    )
    assert client.get(reverse("volunteers:detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("persona", ["petugas", "kabid"])
def test_staff_and_supervisor_read_the_roster_but_cannot_edit(
    persona, request, login, relawan_alalak
):
    client = login(request.getfixturevalue(persona))
    pk = relawan_alalak.volunteer.pk
    assert client.get(reverse("volunteers:list")).status_code == 200
    assert client.get(reverse("volunteers:detail", args=[pk])).status_code == 200
    for name in ("volunteers:edit", "volunteers:deactivate", "volunteers:status"):
        assert client.get(reverse(name, args=[pk])).status_code == 403
    assert client.get(reverse("volunteers:create")).status_code == 403
    assert client.get(reverse("volunteers:import")).status_code == 403
    assert client.get(reverse("volunteers:export")).status_code == 403


@pytest.mark.parametrize("name", ["volunteers:edit", "volunteers:deactivate"])
def test_volunteer_cannot_edit_even_their_own_profile(name, login, relawan_alalak):
    assert (
        login(relawan_alalak).get(reverse(name, args=[relawan_alalak.volunteer.pk])).status_code
        == 403
    )


def test_nik_is_masked_for_staff_and_shown_to_admin(login, petugas, admin_user, relawan_alalak):
    volunteer_update(volunteer=relawan_alalak.volunteer, data={"nik": NIK}, actor=admin_user)
    url = reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk])
    staff_html = login(petugas).get(url).content.decode()
    assert NIK not in staff_html and mask_nik(NIK) in staff_html
    assert NIK in login(admin_user).get(url).content.decode()


def test_roster_filters_by_kecamatan_kelurahan_status_and_search(
    login, petugas, relawan_alalak, relawan_kuin
):
    client = login(petugas)
    alalak = Kelurahan.objects.get(name="Alalak Utara")

    def names(**params):
        response = client.get(reverse("volunteers:list"), params)
        assert response.status_code == 200
        return {v.user.username for v in response.context["page"].rows}

    assert names() == {"relawan_alalak", "relawan_kuin"}
    assert names(kelurahan=alalak.pk) == {"relawan_alalak"}
    assert names(kecamatan=alalak.kecamatan_id) == {"relawan_alalak"}
    assert names(q="kuin") == {"relawan_kuin"}
    assert names(status="inactive") == set()
    assert names(trained="no") == {"relawan_alalak", "relawan_kuin"}
    assert names(reported="no") == {"relawan_alalak", "relawan_kuin"}


def test_roster_filters_by_appointed_year_and_sorts(
    login, petugas, admin_user, relawan_alalak, relawan_kuin
):
    volunteer_update(volunteer=relawan_alalak.volunteer, data={"sk_year": 2021}, actor=admin_user)
    volunteer_update(
        volunteer=relawan_kuin.volunteer,
        data={"appointed_on": dt.date(2023, 1, 5)},
        actor=admin_user,
    )
    client = login(petugas)
    rows = client.get(reverse("volunteers:list"), {"year": 2021}).context["page"].rows
    assert [v.user.username for v in rows] == ["relawan_alalak"]
    rows = client.get(reverse("volunteers:list"), {"year": 2023}).context["page"].rows
    assert [v.user.username for v in rows] == ["relawan_kuin"]
    rows = client.get(reverse("volunteers:list"), {"sort": "-kelurahan"}).context["page"].rows
    assert [v.kelurahan.name for v in rows] == ["Kuin Cerucuk", "Alalak Utara"]


def test_roster_pages_without_counting(login, petugas):
    VolunteerFactory.create_batch(30)
    client = login(petugas)
    first = client.get(reverse("volunteers:list"))
    assert len(first.context["page"].rows) == 25 and first.context["page"].has_next
    second = client.get(reverse("volunteers:list"), {"page": 2})
    assert len(second.context["page"].rows) == 5 and not second.context["page"].has_next


@pytest.mark.parametrize(
    "params",
    [
        {"page": "abc"},
        {"page": "-5"},
        {"year": "dua ribu"},
        {"kelurahan": "x"},
        {"sort": "password"},
        {"trained": "maybe"},
    ],
)
def test_bad_filter_input_never_500(params, login, petugas, relawan_alalak):
    assert login(petugas).get(reverse("volunteers:list"), params).status_code == 200


def test_htmx_request_gets_only_the_table(login, petugas, relawan_alalak):
    response = login(petugas).get(reverse("volunteers:list"), HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert 'id="roster-table"' in html and "<html" not in html


def test_attendance_at_basic_training_makes_a_volunteer_trained_on_the_roster(
    login, petugas, admin_user, relawan_alalak, relawan_kuin
):
    basic = training_create(
        title="Bimtek Dasar PSM 2026",
        starts_on=dt.date(2026, 3, 2),
        is_basic_psm=True,
        actor=admin_user,
    )
    other = training_create(title="Bimtek Lansia", starts_on=dt.date(2026, 4, 2), actor=admin_user)
    for training in (basic, other):
        training_invite(
            training=training, volunteers=[relawan_alalak.volunteer, relawan_kuin.volunteer]
        )
    # Kuin attended only the non-basic training; Alalak was invited to basic but absent at first.
    training_attendance_set(
        participant=other.participants.get(volunteer__user=relawan_kuin), attendance="attended"
    )
    alalak_basic = basic.participants.get(volunteer__user=relawan_alalak)
    training_attendance_set(participant=alalak_basic, attendance="absent")
    client = login(petugas)

    def trained():
        rows = client.get(reverse("volunteers:list"), {"trained": "yes"}).context["page"].rows
        return {v.user.username for v in rows}

    assert trained() == set()
    training_attendance_set(
        participant=alalak_basic, attendance="attended", certificate_number="SERT/001"
    )
    assert trained() == {"relawan_alalak"}
    html = client.get(
        reverse("volunteers:detail", args=[relawan_alalak.volunteer.pk])
    ).content.decode()
    assert "Bimtek Dasar PSM 2026" in html and "SERT/001" in html


def test_admin_edit_records_history_with_masked_nik(login, admin_user, relawan_alalak):
    volunteer = relawan_alalak.volunteer
    data = {
        "full_name": "Relawan Alalak Baru",
        "email": "alalak@test.invalid",
        "phone": "",
        "nik": NIK,
        "kelurahan": volunteer.kelurahan_id,
        "whatsapp": "",
        "address": "Jl. Alalak",
        "sk_number": "SK-1",
        "sk_year": "2022",
        "appointed_on": "",
        "skills": "",
    }
    response = login(admin_user).post(reverse("volunteers:edit", args=[volunteer.pk]), data)
    assert response.status_code == 302
    change = volunteer.audit_history.latest("pgh_id")
    assert change.actor == admin_user
    assert change.changes["full_name"] == ["Relawan Alalak Utara", "Relawan Alalak Baru"]
    assert change.changes["nik"] == ["", mask_nik(NIK)]
    html = login(admin_user).get(reverse("volunteers:detail", args=[volunteer.pk])).content.decode()
    assert "Relawan Alalak Baru" in html and "Riwayat perubahan" in html
    # Saving the same form again records nothing.
    login(admin_user).post(reverse("volunteers:edit", args=[volunteer.pk]), data)
    assert volunteer.audit_history.count() == 2  # created + one update


def test_bad_nik_keeps_the_form_as_typed_and_changes_nothing(login, admin_user, relawan_alalak):
    volunteer = relawan_alalak.volunteer
    data = {
        "full_name": "Nama Diketik",
        "email": "a@test.invalid",
        "nik": "63710112",
        "kelurahan": volunteer.kelurahan_id,
    }
    response = login(admin_user).post(reverse("volunteers:edit", args=[volunteer.pk]), data)
    assert response.status_code == 200
    assert "16 digit" in str(response.context["form"].errors["nik"])
    assert "Nama Diketik" in response.content.decode()
    volunteer.refresh_from_db()
    assert volunteer.nik == "" and volunteer.user.full_name == "Relawan Alalak Utara"


def test_duplicate_nik_and_username_are_refused_on_create(login, admin_user, relawan_alalak):
    volunteer_update(volunteer=relawan_alalak.volunteer, data={"nik": NIK}, actor=admin_user)
    response = login(admin_user).post(
        reverse("volunteers:create"),
        {
            "username": "relawan_alalak",
            "full_name": "Orang Lain",
            "email": "lain@test.invalid",
            "nik": NIK,
            "kelurahan": Kelurahan.objects.first().pk,
        },
    )
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "sudah dipakai" in str(errors["username"]) and "sudah terdaftar" in str(errors["nik"])
    assert Volunteer.objects.count() == 1


def test_unknown_kelurahan_on_create_is_a_form_error_not_500(login, admin_user):
    response = login(admin_user).post(
        reverse("volunteers:create"),
        {"username": "x", "full_name": "X", "email": "x@test.invalid", "kelurahan": "999999"},
    )
    assert response.status_code == 200 and response.context["form"].errors["kelurahan"]


def test_no_delete_url_and_admin_cannot_delete_volunteers(login, admin_user, relawan_alalak):
    client = login(admin_user)
    url = f"/admin/volunteers/volunteer/{relawan_alalak.volunteer.pk}/delete/"
    response = client.post(url, {"post": "yes"})
    assert response.status_code in (302, 403)
    assert Volunteer.objects.filter(pk=relawan_alalak.volunteer.pk).exists()
