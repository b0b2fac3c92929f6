"""Issue 14.1, probed as an attacker would: a volunteer must not recover a full NIK that psm
masks, nor open the record of a person outside their area by filing a case for them."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.forms.models import model_to_dict
from django.urls import reverse

from cases.models import Case
from psm.accesslog.models import AccessEntry
from psm.nik import SEX_FEMALE
from tests.cases_support import beneficiary, category, kelurahan

pytestmark = pytest.mark.django_db
SEARCH = reverse("cases:beneficiary_search")
NEW = reverse("cases:new")


def _intake(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "",
        "category": category().pk,
        "kelurahan": kelurahan("Alalak Utara").pk,
        "address": "Jl. Alalak Tengah No. 5",
        "description": "Lansia tinggal sendiri.",
    }
    data.update(overrides)
    return data


def test_the_name_search_never_shows_a_volunteer_a_birth_date(login, relawan_alalak):
    # The masked NIK keeps its first and last four digits; the birth date would give the
    # middle six (day + 40 for women): the full NIK in a handful of guesses.
    person = beneficiary(
        kel="Alalak Utara", birth_date=dt.date(1961, 3, 7), sex=SEX_FEMALE, phone="081234567890"
    )
    html = login(relawan_alalak).get(SEARCH, {"q": person.name}).content.decode()
    assert f'value="{person.pk}"' in html  # found: the person lives in the volunteer's area
    assert person.nik not in html
    for shown in ("07-03-1961", "1961", "470361"):
        assert shown not in html


def test_staff_still_see_the_birth_date_in_the_search(login, petugas):
    person = beneficiary(birth_date=dt.date(1961, 3, 7))
    html = login(petugas).get(SEARCH, {"q": person.name}).content.decode()
    assert "07-03-1961" in html


def test_guessing_niks_is_rate_limited_per_user(login, relawan_alalak, relawan_kuin):
    person = beneficiary(kel="Kuin Cerucuk")
    client = login(relawan_alalak)
    guesses = [f"{person.nik[:12]}{n:04d}" for n in range(1, 31)]
    assert person.nik not in guesses
    for guess in guesses:  # the hourly allowance spent on misses
        assert client.get(SEARCH, {"q": guess}, follow=True).status_code == 200
    blocked = client.get(SEARCH, {"q": person.nik}, follow=True)
    assert blocked.status_code == 429
    assert f'value="{person.pk}"' not in blocked.content.decode()
    assert person.name not in blocked.content.decode()
    # Nor does the intake form confirm the guess instead (it looks the NIK up too).
    taken = client.post(NEW, _intake(name="Coba", nik=person.nik))
    assert taken.status_code == 429 and Case.objects.count() == 0
    assert "NIK" in taken.content.decode() and person.name not in taken.content.decode()
    # Another volunteer has their own allowance.
    other = login(relawan_kuin).get(SEARCH, {"q": person.nik}, follow=True)
    assert other.status_code == 200 and f'value="{person.pk}"' in other.content.decode()


def test_every_exact_nik_lookup_is_in_the_access_log(login, relawan_alalak):
    person = beneficiary(kel="Kuin Cerucuk")
    client = login(relawan_alalak)
    client.get(SEARCH, {"q": person.nik}, follow=True)
    client.get(SEARCH, {"q": f"{person.nik[:12]}9999"}, follow=True)  # a miss (another serial)
    client.get(SEARCH, {"q": person.name})  # a name search is no NIK lookup
    dashed = "-".join(person.nik[i : i + 4] for i in range(0, 16, 4))
    client.get(
        SEARCH, {"q": dashed}, follow=True
    )  # typed with separators: still a (counted) lookup
    entries = AccessEntry.objects.filter(user=relawan_alalak, kind=AccessEntry.Kind.NIK_LOOKUP)
    assert sorted(entries.values_list("beneficiary_id", flat=True), key=str) == sorted(
        [person.pk, None, person.pk], key=str
    )
    # No column of the log keeps the NIK looked up (the path has no query string).
    assert all(person.nik not in str(model_to_dict(e)) for e in entries)


def _per_case_pages(reference: str) -> list[str]:
    """Every cases: URL that takes just the case reference."""
    import cases.urls

    urls = []
    for pattern in cases.urls.urlpatterns:
        if pattern.name and set(pattern.pattern.converters) == {"reference"}:
            urls.append(reverse(f"cases:{pattern.name}", kwargs={"reference": reference}))
    return urls


def test_a_case_filed_for_someone_elsewhere_does_not_open_their_record(
    login, relawan_alalak, petugas
):
    person = beneficiary(kel="Kuin Cerucuk", phone="081234567890", birth_date=dt.date(1961, 3, 7))
    client = login(relawan_alalak)
    # The attacker knows the full NIK, picks the person and files a case in their own area.
    filed = client.post(NEW, _intake(beneficiary=person.pk, q=person.nik))
    assert filed.status_code == 302
    case = Case.objects.get()
    assert case.beneficiary == person and case.reported_by == relawan_alalak
    html = client.get(case.get_absolute_url()).content.decode()
    assert person.name in html  # the name they typed the NIK for; nothing more
    # Every page of the case, also those added later (the print view leaked once).
    pages = _per_case_pages(case.reference)
    assert reverse("cases:print", kwargs={"reference": case.reference}) in pages
    for url in pages:
        response = client.get(url)
        if response.status_code != 200:
            continue
        page = response.content.decode()
        for secret in ("1234567890", "81234", person.masked_nik, "07-03-1961", person.address):
            assert secret not in page, (url, secret)
    # Nor can they now find the person by name.
    found = client.get(SEARCH, {"q": person.name}).content.decode()
    assert f'value="{person.pk}"' not in found
    # Staff see everything, as before.
    staff = login(petugas).get(case.get_absolute_url()).content.decode()
    assert person.nik in staff and "07-03-1961" in staff


def test_a_volunteer_still_sees_people_of_their_area_and_of_their_assignments(
    login, relawan_alalak, petugas
):
    from cases.services import case_assign
    from tests.cases_support import file_case

    own = beneficiary(kel="Alalak Utara", phone="081234567890")
    own_case = file_case(petugas, kel="Alalak Utara", beneficiary=own)
    far = beneficiary(kel="Kuin Cerucuk", phone="081298765432")
    far_case = file_case(petugas, kel="Kuin Cerucuk", beneficiary=far)
    case_assign(case=far_case, actor=petugas, assignee=relawan_alalak)
    client = login(relawan_alalak)
    assert own.masked_nik in client.get(own_case.get_absolute_url()).content.decode()
    assert far.masked_nik in client.get(far_case.get_absolute_url()).content.decode()
