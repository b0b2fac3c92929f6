"""Issue 13.6: filing a new person who looks registered already asks "is this the same
person?" first; the question never tells a volunteer about people outside their area."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from cases.models import Beneficiary, Case
from psm.nik import SEX_FEMALE
from tests.cases_support import beneficiary, kelurahan
from tests.test_cases_intake import NEW, intake_data

pytestmark = pytest.mark.django_db
SAME = "Apakah ini orang yang sama?"


def _registered(kel: str = "Alalak Utara", **kw):
    return beneficiary(
        kel=kel, name="Siti Aminah", birth_date=dt.date(1950, 4, 12), sex=SEX_FEMALE, **kw
    )


def test_a_second_record_of_the_same_name_and_birth_date_asks_first(login, relawan_alalak):
    person = _registered()
    response = login(relawan_alalak).post(
        NEW, intake_data(name="Siti  aminah", description="Atap bocor di kamar depan")
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert SAME in html
    assert f'name="beneficiary" id="b-{person.pk}" value="{person.pk}"' in html  # to pick
    assert "Bukan orang yang sama" in html  # the box to tick
    assert "Atap bocor di kamar depan" in html  # what was typed stays
    assert Beneficiary.objects.count() == 1 and not Case.objects.exists()


def test_ticking_not_the_same_person_registers_a_new_record(login, relawan_alalak):
    _registered()
    response = login(relawan_alalak).post(NEW, intake_data(not_duplicate="on"))
    assert response.status_code == 302
    assert Beneficiary.objects.filter(name="Siti Aminah").count() == 2


def test_choosing_the_registered_person_files_the_case_for_them(login, relawan_alalak):
    person = _registered()
    response = login(relawan_alalak).post(NEW, intake_data(beneficiary=person.pk))
    assert response.status_code == 302
    assert Case.objects.get().beneficiary == person and Beneficiary.objects.count() == 1


def test_a_resubmitted_form_is_not_asked_about_its_own_person(login, relawan_alalak):
    client = login(relawan_alalak)
    data = intake_data()
    first = client.post(NEW, data)
    again = client.post(NEW, data)
    assert again.status_code == 302 and again["Location"] == first["Location"]


def test_the_question_never_mentions_someone_outside_a_volunteers_area(
    login, relawan_alalak, petugas
):
    elsewhere = _registered(kel="Kuin Cerucuk", address="Gang Rahasia 9")
    response = login(relawan_alalak).post(NEW, intake_data())
    # Filed straight away, as for anyone new: no hint that such a person exists elsewhere.
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.beneficiary != elsewhere
    page = login(relawan_alalak).get(case.get_absolute_url()).content.decode()
    assert "Gang Rahasia" not in page and "Kemungkinan data ganda" not in page
    # Staff find it on the case page, with the way to mark it.
    staff = login(petugas).get(case.get_absolute_url()).content.decode()
    assert "Kemungkinan data ganda" in staff and "Tandai sebagai duplikat" in staff
    merge = reverse("cases:beneficiary_merge", args=[case.beneficiary.pk, elsewhere.pk])
    assert f'href="{merge}"' in staff


def test_the_intake_form_says_staff_check_new_people(login, relawan_alalak):
    html = login(relawan_alalak).get(NEW).content.decode()
    assert "Petugas Dinsos memeriksa setiap orang baru" in html


def test_staff_are_asked_about_anyone_in_the_city(login, petugas):
    person = _registered(kel="Kuin Cerucuk")
    html = login(petugas).post(NEW, intake_data()).content.decode()
    assert SAME in html and f'value="{person.pk}"' in html and "12-04-1950" in html


def test_a_registered_nik_offers_that_person_to_pick(login, relawan_alalak):
    person = beneficiary(kel="Kuin Cerucuk", address="Gang Rahasia 9")
    client = login(relawan_alalak)
    data = intake_data(nik=person.nik, birth_date="", sex="", name="Nama Lain")
    asked = client.post(NEW, data)
    html = asked.content.decode()
    assert asked.status_code == 200 and f'value="{person.pk}"' in html
    # What the search by that NIK shows (name, masked NIK, kelurahan), no more.
    shown = html[html.index('id="beneficiary-results"') : html.index('id="new-person"')]
    assert person.masked_nik in shown and person.name in shown
    assert person.birth_date.strftime("%d-%m-%Y") not in shown and "Gang Rahasia" not in html, shown
    picked = client.post(NEW, {**data, "beneficiary": person.pk})
    assert picked.status_code == 302 and Case.objects.get().beneficiary == person
    assert Beneficiary.objects.count() == 1


def test_the_question_is_asked_without_javascript_in_one_form(login, relawan_alalak):
    """The prompt is part of the redisplayed form (radio buttons and a checkbox), so a
    phone without JavaScript can answer it with one more submit."""
    _registered(kel=kelurahan("Alalak Utara"))
    html = login(relawan_alalak).post(NEW, intake_data()).content.decode()
    start = html.index('id="intake-form"')
    form = html[start : html.index("</form>", start)]
    assert 'name="not_duplicate"' in form and 'type="radio" name="beneficiary"' in form
