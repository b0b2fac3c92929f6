"""Intake: a volunteer files a case from a phone; the form never loses what was typed."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from hypothesis.extra.django import TestCase as HypothesisTestCase

from cases.forms import IntakeForm
from cases.models import Beneficiary, Case, CaseEvent
from psm.accounts.models import User
from psm.accounts.services import user_create
from psm.nik import SEX_FEMALE, SEX_MALE, generate_nik
from tests.cases_support import beneficiary, category, kelurahan

pytestmark = pytest.mark.django_db
NEW = reverse("cases:new")


def intake_data(**overrides):
    data = {
        "idempotency_key": str(uuid.uuid4()),
        "name": "Siti Aminah",
        "nik": "",
        "sex": "F",
        "birth_date": "1950-04-12",
        "category": category().pk,
        "priority": "",
        "kelurahan": kelurahan("Alalak Utara").pk,
        "address": "Jl. Alalak Tengah No. 5",
        "rt": "004",
        "rw": "002",
        "description": "Lansia tinggal sendiri, rumah hampir roboh.",
    }
    data.update(overrides)
    return data


def test_volunteer_files_a_case_for_a_new_person_without_nik(login, relawan_alalak):
    response = login(relawan_alalak).post(NEW, intake_data())
    case = Case.objects.get()
    assert response.status_code == 302 and response["Location"] == case.get_absolute_url()
    assert case.reference.startswith(f"BJM-{case.created_at.astimezone().year}-")
    assert case.status == Case.Status.NEW and case.reported_by == relawan_alalak
    assert case.due_at is not None and case.due_at > case.created_at
    person = case.beneficiary
    assert person.nik is None and person.needs_dukcapil_referral
    assert list(case.events.values_list("kind", flat=True)) == [CaseEvent.Kind.CREATED]


def test_intake_form_defaults_to_the_volunteers_kelurahan(login, relawan_kuin):
    response = login(relawan_kuin).get(NEW)
    assert response.status_code == 200
    assert response.context["form"].initial["kelurahan"] == kelurahan("Kuin Cerucuk").pk


@pytest.mark.parametrize("role", [User.Role.SUPERVISOR, User.Role.ADMIN])
def test_only_volunteers_and_staff_use_the_intake_form(login, role):
    user = user_create(username=f"u-{role}", role=role, password="kata-sandi-uji-123")
    assert login(user).get(NEW).status_code == 403


def test_staff_can_file_a_case(login, petugas):
    response = login(petugas).post(NEW, intake_data())
    assert response.status_code == 302
    assert Case.objects.get().reported_by == petugas


def test_nik_fills_birth_date_and_sex_and_clears_the_dukcapil_flag(login, relawan_alalak):
    nik = generate_nik(birth_date=dt.date(1950, 4, 12), sex=SEX_FEMALE, serial=7)
    login(relawan_alalak).post(NEW, intake_data(nik=nik, birth_date="", sex=""))
    person = Beneficiary.objects.get()
    assert (person.nik, person.birth_date, person.sex) == (nik, dt.date(1950, 4, 12), SEX_FEMALE)
    assert not person.needs_dukcapil_referral


def test_a_resubmitted_form_creates_one_case(login, relawan_alalak):
    client = login(relawan_alalak)
    data = intake_data()
    first = client.post(NEW, data)
    second = client.post(NEW, data)
    assert Case.objects.count() == 1 and Beneficiary.objects.count() == 1
    assert first["Location"] == second["Location"]


def test_another_users_idempotency_key_reveals_nothing(login, relawan_alalak, relawan_kuin):
    data = intake_data()
    login(relawan_alalak).post(NEW, data)
    response = login(relawan_kuin).post(NEW, {**data, "kelurahan": kelurahan("Kuin Cerucuk").pk})
    assert response.status_code == 404
    assert Case.objects.count() == 1


def test_form_comes_back_as_typed_on_error(login, relawan_alalak):
    data = intake_data(nik="1234", description="Rumah bocor parah")
    response = login(relawan_alalak).post(NEW, data)
    assert response.status_code == 200
    assert Case.objects.count() == 0 and Beneficiary.objects.count() == 0
    html = response.content.decode()
    assert "Rumah bocor parah" in html and "Jl. Alalak Tengah No. 5" in html
    assert data["idempotency_key"] in html  # the retry keeps its key: still one case
    assert "16" in " ".join(response.context["form"].errors["nik"])


def test_exact_nik_match_blocks_a_second_person(login, relawan_alalak):
    person = beneficiary()
    response = login(relawan_alalak).post(
        NEW, intake_data(nik=person.nik, sex=person.sex, birth_date=person.birth_date.isoformat())
    )
    assert response.status_code == 200
    assert "NIK" in " ".join(response.context["form"].errors["nik"])
    assert Beneficiary.objects.count() == 1 and Case.objects.count() == 0


def test_a_registered_person_is_picked_from_the_search(login, relawan_alalak):
    person = beneficiary(kel="Alalak Utara")
    client = login(relawan_alalak)
    found = client.get(reverse("cases:beneficiary_search"), {"q": person.name[:6]})
    assert f'value="{person.pk}"' in found.content.decode()
    assert person.nik not in found.content.decode()  # a volunteer sees the masked NIK
    client.post(NEW, intake_data(beneficiary=person.pk, name=""))
    assert Case.objects.get().beneficiary == person
    assert Beneficiary.objects.count() == 1


def test_a_volunteer_finds_a_person_elsewhere_only_by_the_full_nik(login, relawan_alalak):
    person = beneficiary(kel="Kuin Cerucuk")
    client = login(relawan_alalak)
    by_name = client.get(reverse("cases:beneficiary_search"), {"q": person.name})
    assert f'value="{person.pk}"' not in by_name.content.decode()
    # An NIK in the URL is redirected to a sealed search (issue 14, item 2): follow it.
    by_nik = client.get(reverse("cases:beneficiary_search"), {"q": person.nik}, follow=True)
    assert f'value="{person.pk}"' in by_nik.content.decode()
    # Picking them by id without having typed the NIK is refused.
    tampered = client.post(NEW, intake_data(beneficiary=person.pk, name=""))
    assert tampered.status_code == 200 and Case.objects.count() == 0
    typed = client.post(NEW, intake_data(beneficiary=person.pk, name="", q=person.nik))
    assert typed.status_code == 302 and Case.objects.get().beneficiary == person


def test_more_than_five_files_are_refused(login, relawan_alalak, jpeg_bytes):
    from django.core.files.uploadedfile import SimpleUploadedFile

    files = [SimpleUploadedFile(f"f{i}.jpg", jpeg_bytes(), "image/jpeg") for i in range(6)]
    response = login(relawan_alalak).post(NEW, {**intake_data(), "uploads": files})
    assert response.status_code == 200 and Case.objects.count() == 0


@pytest.mark.parametrize(
    "overrides",
    [
        {"category": "999999"},
        {"category": "abc"},
        {"kelurahan": "-1"},
        {"beneficiary": "987654"},
        {"description": "x" * 100_000},
        {"address": "y" * 10_000},
        {"idempotency_key": "not-a-uuid"},
        {"birth_date": "31-02-1950"},
        {"priority": "apocalypse"},
        {"rt": "12345"},
        {"nik": "６３７１０１１２０３８００００１"},
    ],
)
def test_bad_input_never_gives_a_500_and_files_nothing(login, relawan_alalak, overrides):
    response = login(relawan_alalak).post(NEW, intake_data(**overrides))
    assert response.status_code == 200
    assert response.context["form"].errors
    assert Case.objects.count() == 0 and Beneficiary.objects.count() == 0


def test_a_broken_gps_value_is_dropped_not_an_error(login, relawan_alalak):
    response = login(relawan_alalak).post(NEW, intake_data(latitude="abc", longitude="999"))
    assert response.status_code == 302
    case = Case.objects.get()
    assert case.latitude is None and case.longitude is None


def test_gps_is_stored(login, relawan_alalak):
    login(relawan_alalak).post(NEW, intake_data(latitude="-3.297500", longitude="114.590100"))
    case = Case.objects.get()
    assert str(case.latitude) == "-3.297500" and str(case.longitude) == "114.590100"


# --- NIK validation at the form level (hypothesis) ------------------------------------------

birth_dates = st.dates(min_value=dt.date(1930, 1, 1), max_value=dt.date(2024, 12, 31))
sexes = st.sampled_from([SEX_MALE, SEX_FEMALE])


class NikFormTests(HypothesisTestCase):
    """The intake form's NIK messages say what is wrong (valid, length, date, +40, sex)."""

    user: User

    @classmethod
    def setUpTestData(cls):
        cls.user = user_create(username="relawan_nik", role=User.Role.VOLUNTEER, password="x" * 12)

    def form(self, **overrides):
        return IntakeForm(intake_data(**overrides), user=self.user)

    def nik_errors(self, **overrides) -> str:
        form = self.form(**overrides)
        form.is_valid()
        return " ".join(form.errors.get("nik", []))

    def nik_codes(self, **overrides) -> set[str]:
        form = self.form(**overrides)
        form.is_valid()
        return {e.code for e in form.errors.as_data().get("nik", [])}

    @settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
    @given(birth=birth_dates, sex=sexes, serial=st.integers(1, 9999))
    def test_a_valid_nik_with_matching_sex_and_birth_date_passes(self, birth, sex, serial):
        nik = generate_nik(birth_date=birth, sex=sex, serial=serial)
        assert self.nik_errors(nik=nik, sex=sex, birth_date=birth.isoformat()) == ""

    @settings(max_examples=40, deadline=None)
    @given(st.text(alphabet="0123456789", min_size=1, max_size=15))
    def test_a_short_nik_says_how_many_digits_it_has(self, nik):
        assert self.nik_codes(nik=nik) == {"nik_length"}
        assert f" {len(nik)} digit" in self.nik_errors(nik=nik)

    @settings(max_examples=30, deadline=None)
    @given(birth=birth_dates, sex=sexes, month=st.integers(13, 99))
    def test_an_impossible_birth_date_in_the_nik_is_named(self, birth, sex, month):
        nik = generate_nik(birth_date=birth, sex=sex, serial=1)
        bad = nik[:8] + f"{month:02d}" + nik[10:]
        assert self.nik_codes(nik=bad, sex="", birth_date="") == {"nik_birth_date"}
        assert bad[6:12] in self.nik_errors(nik=bad, sex="", birth_date="")

    @settings(max_examples=30, deadline=None)
    @given(birth=birth_dates)
    def test_a_womans_nik_adds_40_to_the_day(self, birth):
        nik = generate_nik(birth_date=birth, sex=SEX_FEMALE, serial=3)
        assert int(nik[6:8]) == birth.day + 40
        assert self.nik_errors(nik=nik, sex=SEX_FEMALE, birth_date=birth.isoformat()) == ""
        assert self.nik_codes(nik=nik, sex=SEX_MALE, birth_date=birth.isoformat()) == {"nik_sex"}

    @settings(max_examples=30, deadline=None)
    @given(birth=birth_dates)
    def test_a_mans_nik_entered_for_a_woman_is_refused(self, birth):
        nik = generate_nik(birth_date=birth, sex=SEX_MALE, serial=3)
        assert self.nik_codes(nik=nik, sex=SEX_FEMALE, birth_date=birth.isoformat()) == {"nik_sex"}
        assert "40" in self.nik_errors(nik=nik, sex=SEX_FEMALE, birth_date=birth.isoformat())

    @settings(max_examples=30, deadline=None)
    @given(birth=birth_dates, sex=sexes, shift=st.integers(1, 300))
    def test_a_birth_date_that_disagrees_with_the_nik_is_refused(self, birth, sex, shift):
        nik = generate_nik(birth_date=birth, sex=sex, serial=3)
        other = birth + dt.timedelta(days=shift)
        message = self.nik_errors(nik=nik, sex=sex, birth_date=other.isoformat())
        same_ddmmyy = (other.day, other.month, other.year % 100) == (
            birth.day,
            birth.month,
            birth.year % 100,
        )
        assert same_ddmmyy or other.strftime("%d-%m-%Y") in message


def test_a_failed_intake_leaves_no_file_behind(login, relawan_alalak, settings, jpeg_bytes):
    """The first photo is stored, the second cannot be decoded: the whole intake rolls back,
    and the first photo's file must not stay on disk as an orphan."""
    from pathlib import Path

    from django.core.files.uploadedfile import SimpleUploadedFile

    photo = jpeg_bytes((400, 300))
    good = SimpleUploadedFile("rumah.jpg", photo, content_type="image/jpeg")
    broken = SimpleUploadedFile("rusak.jpg", photo[:300], content_type="image/jpeg")
    response = login(relawan_alalak).post(NEW, {**intake_data(), "uploads": [good, broken]})
    assert response.status_code == 200
    assert "rusak.jpg" in response.content.decode()
    assert not Case.objects.exists() and not Beneficiary.objects.exists()
    media = Path(settings.MEDIA_ROOT)
    assert not [p for p in media.rglob("*") if p.is_file()], "orphaned files after rollback"


def test_a_failed_visit_leaves_no_file_behind(relawan_alalak, settings, jpeg_bytes):
    from pathlib import Path

    from django.core.exceptions import ValidationError
    from django.core.files.uploadedfile import SimpleUploadedFile

    from cases.models import Visit
    from cases.services import visit_log
    from tests.cases_support import file_case, today

    case = file_case(relawan_alalak)
    photo = jpeg_bytes((400, 300))
    files = [
        SimpleUploadedFile("rumah.jpg", photo, content_type="image/jpeg"),
        SimpleUploadedFile("rusak.jpg", photo[:300], content_type="image/jpeg"),
    ]
    with pytest.raises(ValidationError):
        visit_log(case=case, actor=relawan_alalak, visited_on=today(), findings="Ok", files=files)
    assert not Visit.objects.exists()
    assert not [p for p in Path(settings.MEDIA_ROOT).rglob("*") if p.is_file()]
